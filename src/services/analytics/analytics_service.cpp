#include "services/analytics/analytics_service.hpp"

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

ports::Disposition AnalyticsService::on_event(const ports::Delivery& d) {
  domain::Event e;
  try {
    e = domain::parse_event(d.body);
  } catch (const domain::CodecError& err) {
    spdlog::error("analytics: dead-lettering malformed event {}: {}", d.event_id, err.what());
    return ports::Disposition::dead_letter;
  }
  store_.record(e);  // false = a redelivery already recorded: still acked
  return ports::Disposition::ack;
}

ports::TicketAggregate AnalyticsService::aggregate(Period period,
                                                   const std::optional<std::string>& department) {
  ports::AnalyticsFilter filter;
  filter.department = department;
  const auto now = clock_.now();
  switch (period) {
    case Period::day: filter.created_since = now - domain::kMillisPerDay; break;
    case Period::week: filter.created_since = now - 7 * domain::kMillisPerDay; break;
    case Period::month: filter.created_since = now - 30 * domain::kMillisPerDay; break;
    case Period::all: break;
  }
  if (cache_ttl_.count() <= 0) return store_.aggregate(filter);
  const auto key = std::make_pair(period, department.value_or(""));
  const auto at = std::chrono::steady_clock::now();
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(key);
  if (it != cache_.end() && at - it->second.at < cache_ttl_) return it->second.value;
  if (cache_.size() > 1000) cache_.clear();  // department names are client input: bound it
  auto value = store_.aggregate(filter);
  cache_[key] = {at, value};
  return value;
}

std::vector<ports::DailyCount> AnalyticsService::daily_creation(int days) {
  const auto now = clock_.now();
  return store_.daily_creation(now - (days - 1) * domain::kMillisPerDay, now);
}

}  // namespace st::services::analytics
