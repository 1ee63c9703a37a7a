#pragma once
// The analytics service: records every pipeline event (its event log is also each
// ticket's audit trail) and answers the dashboard and analytics queries from it.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "ports/analytics_store.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"

namespace st::services::analytics {

// The windows the API offers; "all" has no lower bound.
enum class Period { day, week, month, all };
std::optional<Period> parse_period(std::string_view text);

class AnalyticsService {
 public:
  // Dashboards are read far more often than tickets arrive in a burst, and an aggregate
  // scans the projection: answers are cached for `cache_ttl` (0 disables the cache), the
  // "caching layer for real-time dashboards" the seed asked for.
  AnalyticsService(ports::AnalyticsStore& store, const ports::Clock& clock,
                   std::chrono::milliseconds cache_ttl = std::chrono::milliseconds(250))
      : store_(store), clock_(clock), cache_ttl_(cache_ttl) {}

  // Consumer of ticket.# (every event), a batch at a time: one commit for the batch.
  std::vector<ports::Disposition> on_events(const std::vector<ports::Delivery>& batch);

  ports::TicketAggregate aggregate(Period period, const std::optional<std::string>& department);
  std::vector<ports::DailyCount> daily_creation(int days);
  ports::Page<ports::AuditEntry> trail(domain::TicketId id, const ports::PageRequest& page) {
    return store_.trail(id, page);
  }

 private:
  ports::AnalyticsStore& store_;
  const ports::Clock& clock_;
  const std::chrono::milliseconds cache_ttl_;

  struct Cached {
    std::chrono::steady_clock::time_point at;
    ports::TicketAggregate value;
    bool refreshing = false;
  };
  // Stale-while-revalidate: when an answer expires, one request recomputes it (outside the
  // lock) while the others keep getting the previous answer, so a burst of dashboard
  // requests costs one query and nobody queues behind it.
  std::mutex cache_mutex_;
  std::map<std::pair<Period, std::string>, Cached> cache_;
};

}  // namespace st::services::analytics
