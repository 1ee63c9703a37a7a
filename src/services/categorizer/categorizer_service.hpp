#pragma once
// The categorizer service: consumes ticket.created, asks its chain of strategies
// (Claude → learned model → keywords; the first that decides wins) and announces
// ticket.categorized. It has no tables: its output event id is derived from the input's, so
// a redelivered ticket.created yields the same ticket.categorized and routing absorbs it.
//
// Deadlines: a create request waits create_timeout for its ticket to be routed. Each ticket
// gets a decision deadline of created_at + decision_budget, passed to the strategies, so a
// slow or failing Claude gives up in time for the fallback to answer; a batch is worked on
// `parallelism` tickets at once so one slow call does not hold up the tickets behind it.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/registry.hpp"
#include "ports/categorizer.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/service_clients.hpp"

namespace st::services::categorizer {

struct CategorizerOptions {
  // Tickets of one delivery batch categorized at once. Above 1 only when a strategy waits on
  // the network (Claude): keywords alone are faster on the consumer thread.
  std::size_t parallelism = 1;
  // How long after its creation a ticket's category is needed: the create request's wait
  // less a reserve for routing. 0: no deadline (strategies use their own budgets).
  std::chrono::milliseconds decision_budget{0};
  metrics::Registry* metrics = nullptr;  // decisions and fallbacks are counted when set
};

class CategorizerService {
 public:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;

  // `chain` is asked in order; the last strategy must always decide (keywords does).
  CategorizerService(std::vector<ports::Categorizer*> chain,
                     ports::DepartmentDirectory& departments, ports::EventBus& bus,
                     const ports::Clock& clock, CategorizerOptions options = {});

  // With no deadline given, one is set decision_budget from now (when configured).
  ports::Categorization categorize(const std::string& title, const std::string& description,
                                   Deadline deadline = std::nullopt);

  // {"status": "healthy"|"degraded", "service": "categorizer", "details": {strategy: ...}}:
  // degraded when a strategy is (Claude without a key or behind an open breaker); the
  // service still categorizes every ticket, so it is never "down" on that account.
  nlohmann::json health();

  // Consumer of ticket.created, a batch at a time: the batch's ticket.categorized events
  // are published together (one durable write).
  std::vector<ports::Disposition> on_created(const std::vector<ports::Delivery>& batch);

 private:
  std::vector<std::string> active_departments();
  // The deadline of a ticket created at `created_at` (wall clock), or nullopt when nobody
  // waits for it any more (its create request has already been answered). Events carry
  // created_at in whole seconds, so the deadline errs early by up to a second, never late.
  Deadline deadline_for(domain::Millis created_at) const;
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
};

}  // namespace st::services::categorizer
