#pragma once
// The categorizer service: consumes ticket.created, asks its chain of strategies
// (Claude → learned model → keywords; the first that decides wins) and announces
// ticket.categorized. It has no tables: its output event id is derived from the input's, so
// a redelivered ticket.created yields the same ticket.categorized and routing absorbs it.
//
// Deadlines: a create request waits create_timeout for its ticket to be routed. Each ticket
// it still waits for gets a decision deadline of created_at + decision_budget(create_timeout),
// passed to the strategies, so a slow or failing Claude gives up in time for the fallback
// to answer. A batch is published at once, so every ticket of a batch shares the earliest
// deadline of those still waited for; and a batch is worked on `parallelism` tickets at a
// time so one slow call does not hold up the tickets behind it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/event.hpp"
#include "metrics/registry.hpp"
#include "ports/categorizer.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/learned_model.hpp"
#include "ports/service_clients.hpp"

namespace st::services::categorizer {

// Below this confidence a decision of Claude's gets the learned model's second opinion: a
// disagreement puts the ticket in the review queue (routing decides the flag).
inline constexpr int kSecondOpinionBelow = 80;

struct CategorizerOptions {
  // Tickets of one delivery batch categorized at once. Above 1 only when a strategy waits on
  // the network (Claude): keywords alone are faster on the consumer thread.
  std::size_t parallelism = 1;
  // How long a create request waits for routing (config create_timeout_ms). 0: nobody
  // waits, no deadlines (strategies use their own budgets).
  std::chrono::milliseconds create_timeout{0};
  metrics::Registry* metrics = nullptr;  // decisions and fallbacks are counted when set
  // The learned model's trainer, when there is one: /health shows its watermarks.
  ports::ModelTrainer* training = nullptr;
};

class CategorizerService {
 public:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;

  // `chain` is asked in order; the last strategy must always decide (keywords does).
  CategorizerService(std::vector<ports::Categorizer*> chain,
                     ports::DepartmentDirectory& departments, ports::EventBus& bus,
                     const ports::Clock& clock, CategorizerOptions options = {});

  // The part of a create's wait the categorizer may use: the rest is kept for routing and
  // the answer (a quarter of it, at most a second).
  static std::chrono::milliseconds decision_budget(std::chrono::milliseconds create_timeout);

  // With no deadline given, one is set decision_budget from now (when configured).
  struct Decision {
    ports::Categorization categorization;
    // The learned model's answer when Claude decided below kSecondOpinionBelow (and the
    // model answered); unset otherwise.
    std::optional<domain::Candidate> second_opinion;
  };
  Decision decide(const std::string& title, const std::string& description,
                  Deadline deadline = std::nullopt);
  ports::Categorization categorize(const std::string& title, const std::string& description,
                                   Deadline deadline = std::nullopt) {
    return decide(title, description, deadline).categorization;
  }

  // A dry run (POST /api/categorize?explain=true): what every strategy of the chain would
  // decide, each with its explanation, and what the chain decides. Nothing is published or
  // counted; Claude's answer cache may keep the answer, as for any categorization.
  struct StrategyAnswer {
    std::string strategy;                         // its name: claude, model, keywords
    std::optional<ports::Categorization> answer;  // unset: it could not decide (or failed)
    bool failed = false;                          // it threw (the reason is logged, not shown)
  };
  struct DryRun {
    Decision decision;
    std::vector<StrategyAnswer> strategies;  // in the chain's order
  };
  DryRun dry_run(const std::string& title, const std::string& description);

  // {"status": "healthy"|"degraded", "service": "categorizer", "details": {strategy: ...}}:
  // degraded when a strategy is (Claude without a key or behind an open breaker); the
  // service still categorizes every ticket, so it is never "down" on that account. With a
  // trainer, details.training holds the store's and the model's label watermarks.
  nlohmann::json health();

  // Consumer of ticket.created, a batch at a time: the batch's ticket.categorized events
  // are published together (one durable write).
  std::vector<ports::Disposition> on_created(const std::vector<ports::Delivery>& batch);

  // Tickets this instance categorized from the queue since it started (shown by /health:
  // with several instances sharing the queue, each one's share).
  std::uint64_t categorized_count() const { return categorized_.load(); }

 private:
  std::vector<std::string> active_departments();
  ports::CategorizationRequest request_for(const std::string& title, const std::string& description,
                                           Deadline deadline);
  // The deadline of a ticket created at `created_at` (wall clock): created_at +
  // decision_budget, or now if that has passed while its creator still waits; nullopt once
  // nobody waits any more (its create has been answered). Events carry created_at in whole
  // seconds, so deadlines err early by up to a second, never late.
  Deadline deadline_for(domain::Millis created_at) const;
  // Per ticket of a batch (nullopt entries: malformed events, skipped).
  std::vector<Deadline> batch_deadlines(
      const std::vector<std::optional<domain::Event>>& created) const;
  // The learned model's answer to `req`, if the chain has one after position `after`.
  std::optional<domain::Candidate> model_opinion(const ports::CategorizationRequest& req,
                                                 std::size_t after);
  std::vector<Decision> categorize_all(const std::vector<std::optional<domain::Event>>& created);
  struct Counters;

  std::vector<ports::Categorizer*> chain_;
  ports::DepartmentDirectory& departments_;
  ports::EventBus& bus_;
  const ports::Clock& clock_;
  CategorizerOptions options_;
  std::shared_ptr<Counters> counters_;  // null without a metrics registry

  // Departments change rarely; asking for every ticket would cost a query (or an HTTP call).
  std::mutex cache_mutex_;
  std::vector<std::string> cached_departments_;
  std::chrono::steady_clock::time_point cached_at_{};

  std::atomic<std::uint64_t> categorized_{0};
};

}  // namespace st::services::categorizer
