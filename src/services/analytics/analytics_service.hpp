#pragma once
// The analytics service: records every pipeline event (its event log is also each
// ticket's audit trail) and answers the dashboard and analytics queries from it.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "ports/analytics_store.hpp"
#include "ports/clock.hpp"
#include "ports/event_bus.hpp"
#include "services/analytics/decision_quality.hpp"

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
  // GET /api/analytics/quality: not cached, it reads a narrow per-ticket table once.
  std::vector<StrategyQuality> decision_quality(const ports::DecisionFilter& filter) {
    return analytics::decision_quality(store_.decision_tallies(filter));
  }
  // Not cached: it reads analytics_sla, one row per concluded clock, not the projection scan
  // the aggregates are.
  std::vector<ports::SlaAttainment> sla_attainment() { return store_.sla_attainment(); }
  ports::Page<ports::AuditEntry> trail(domain::TicketId id, const ports::PageRequest& page) {
    return store_.trail(id, page);
  }
  // Rebuilds the projection from the event log (ports::AnalyticsStore::rebuild_projection),
  // then drops the cached answers so the next ones come from the rebuilt rows. Blocks for as
  // long as the log takes to fold; throws ports::RebuildRunning.
  ports::ProjectionRebuild rebuild();

  // The same on a thread of its own, for the API: a rebuild may take longer than any HTTP
  // call should. Throws ports::RebuildRunning when this instance is rebuilding already; a
  // rebuild another instance holds shows as `failed` with its reason.
  struct RebuildStatus {
    std::string state = "idle";  // idle | running | done | failed
    std::optional<domain::Millis> started_at, finished_at;
    std::optional<ports::ProjectionRebuild> result;
    std::string error;
  };
  RebuildStatus start_rebuild();
  RebuildStatus rebuild_status() const;

  // Waits for a rebuild in progress (the store must outlive it).
  ~AnalyticsService();

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

  mutable std::mutex rebuild_mutex_;
  RebuildStatus rebuild_status_;
  std::thread rebuild_thread_;
};

}  // namespace st::services::analytics
