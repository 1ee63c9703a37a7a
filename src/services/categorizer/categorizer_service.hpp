#pragma once
// The categorizer service: consumes ticket.created, asks its chain of strategies
// (Claude → learned model → keywords; the first that decides wins) and announces
// ticket.categorized. It has no tables: its output event id is derived from the input's, so
// a redelivered ticket.created yields the same ticket.categorized and routing absorbs it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ports/categorizer.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "ports/service_clients.hpp"

namespace st::services::categorizer {

class CategorizerService {
 public:
  // `chain` is asked in order; the last strategy must always decide (keywords does).
  CategorizerService(std::vector<ports::Categorizer*> chain,
                     ports::DepartmentDirectory& departments, ports::EventBus& bus,
                     const ports::Clock& clock);

  ports::Categorization categorize(const std::string& title, const std::string& description);

  // Consumer of ticket.created, a batch at a time: the batch's ticket.categorized events
  // are published together (one durable write).
  std::vector<ports::Disposition> on_created(const std::vector<ports::Delivery>& batch);

  // Tickets this instance categorized from the queue since it started (shown by /health:
  // with several instances sharing the queue, each one's share).
  std::uint64_t categorized_count() const { return categorized_.load(); }

 private:
  std::vector<std::string> active_departments();

  std::vector<ports::Categorizer*> chain_;
  ports::DepartmentDirectory& departments_;
  ports::EventBus& bus_;
  const ports::Clock& clock_;

  // Departments change rarely; asking for every ticket would cost a query (or an HTTP call).
  std::mutex cache_mutex_;
  std::vector<std::string> cached_departments_;
  std::chrono::steady_clock::time_point cached_at_{};

  std::atomic<std::uint64_t> categorized_{0};
};

}  // namespace st::services::categorizer
