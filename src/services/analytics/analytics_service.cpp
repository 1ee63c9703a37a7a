#include "services/analytics/analytics_service.hpp"

#include "ports/unavailable.hpp"

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"

namespace st::services::analytics {

std::optional<Period> parse_period(std::string_view text) {
  if (text == "day") return Period::day;
  if (text == "week") return Period::week;
  if (text == "month") return Period::month;
  if (text == "all") return Period::all;
  return std::nullopt;
}

std::vector<ports::Disposition> AnalyticsService::on_events(
    const std::vector<ports::Delivery>& batch) {
  std::vector<ports::Disposition> out(batch.size(), ports::Disposition::ack);
  std::vector<domain::Event> events;
  std::vector<std::size_t> index;  // events[i] came from batch[index[i]]
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      events.push_back(domain::parse_event(batch[i].body));
      index.push_back(i);
    } catch (const domain::CodecError& err) {
      spdlog::error("analytics: dead-lettering malformed event {}: {}", batch[i].event_id,
                    err.what());
      out[i] = ports::Disposition::dead_letter;
    }
  }
  if (events.empty()) return out;
  try {
    store_.record_batch(events);  // a redelivery already recorded is skipped, still acked
  } catch (const ports::Unavailable&) {
    throw;  // an outage (the database, a full disk): the whole batch waits it out
  } catch (const std::exception& err) {
    // One bad event must not hold back the others: record them one by one, so only the
    // failing one is retried (and dead-lettered if it keeps failing).
    spdlog::warn("analytics: batch of {} failed ({}), recording one by one", events.size(),
                 err.what());
    for (std::size_t k = 0; k < events.size(); ++k) {
      try {
        store_.record_batch({events[k]});
      } catch (const ports::Unavailable&) {
        throw;  // the recorded ones are skipped when the batch comes again
      } catch (const std::exception& e) {
        spdlog::warn("analytics: event {} failed: {}", events[k].event_id, e.what());
        out[index[k]] = ports::Disposition::retry;
      }
    }
  }
  return out;
}

ports::TicketAggregate AnalyticsService::aggregate(Period period,
                                                   const std::optional<std::string>& department) {
  ports::AnalyticsFilter filter;
  filter.department = department;
  const auto now = clock_.now();
  switch (period) {
    case Period::day:
      filter.created_since = now - domain::kMillisPerDay;
      break;
    case Period::week:
      filter.created_since = now - 7 * domain::kMillisPerDay;
      break;
    case Period::month:
      filter.created_since = now - 30 * domain::kMillisPerDay;
      break;
    case Period::all:
      break;
  }
  if (cache_ttl_.count() <= 0) return store_.aggregate(filter);
  const auto key = std::make_pair(period, department.value_or(""));
  const auto at = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (at - it->second.at < cache_ttl_ || it->second.refreshing) return it->second.value;
      it->second.refreshing = true;  // this request refreshes; the others use the old value
    }
  }
  ports::TicketAggregate value;
  try {
    value = store_.aggregate(filter);
  } catch (...) {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) it->second.refreshing = false;
    throw;
  }
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() > 1000) cache_.clear();  // department names are client input: bound it
  cache_[key] = {at, value, false};
  return value;
}

std::vector<ports::DailyCount> AnalyticsService::daily_creation(int days) {
  const auto now = clock_.now();
  return store_.daily_creation(now - (days - 1) * domain::kMillisPerDay, now);
}

ports::ProjectionRebuild AnalyticsService::rebuild() {
  const auto started = std::chrono::steady_clock::now();
  const auto result = store_.rebuild_projection();
  {
    std::lock_guard lk(cache_mutex_);
    // An entry being refreshed is left to its refresher, whose answer may predate the
    // switch; it expires within cache_ttl_ like any other.
    std::erase_if(cache_, [](const auto& entry) { return !entry.second.refreshing; });
  }
  spdlog::info(
      "analytics: projection rebuilt from {} event(s) in {} ms: {} ticket(s), {} kept as they "
      "were",
      result.events,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                            started)
          .count(),
      result.tickets, result.kept);
  return result;
}

AnalyticsService::RebuildStatus AnalyticsService::start_rebuild() {
  std::lock_guard lk(rebuild_mutex_);
  if (rebuild_status_.state == "running") throw ports::RebuildRunning();
  if (rebuild_thread_.joinable()) rebuild_thread_.join();  // the previous one has finished
  rebuild_status_ = RebuildStatus{};
  rebuild_status_.state = "running";
  rebuild_status_.started_at = clock_.now();
  rebuild_thread_ = std::thread([this] {
    RebuildStatus done;
    try {
      done.result = rebuild();
      done.state = "done";
    } catch (const std::exception& e) {
      spdlog::error("analytics: projection rebuild failed: {}", e.what());
      done.state = "failed";
      done.error = e.what();
    }
    std::lock_guard lk(rebuild_mutex_);
    done.started_at = rebuild_status_.started_at;
    done.finished_at = clock_.now();
    rebuild_status_ = std::move(done);
  });
  return rebuild_status_;
}

AnalyticsService::RebuildStatus AnalyticsService::rebuild_status() const {
  std::lock_guard lk(rebuild_mutex_);
  return rebuild_status_;
}

AnalyticsService::~AnalyticsService() {
  std::thread t;
  {
    std::lock_guard lk(rebuild_mutex_);
    t = std::move(rebuild_thread_);
  }
  if (t.joinable()) t.join();
}

}  // namespace st::services::analytics
