#include "adapters/sql/daily_counts.hpp"

namespace st::adapters::sql {

std::int64_t day_number(domain::Millis ms) {
  return ms >= 0 ? ms / domain::kMillisPerDay
                 : -((-ms + domain::kMillisPerDay - 1) / domain::kMillisPerDay);
}

std::vector<ports::DailyCount> fill_days(std::int64_t first_day, std::int64_t last_day,
                                         const DayCounts& counts) {
  std::vector<ports::DailyCount> out;
  out.reserve(static_cast<std::size_t>(last_day - first_day + 1));
  std::size_t i = 0;
  for (auto day = first_day; day <= last_day; ++day) {
    std::int64_t n = 0;
    while (i < counts.size() && counts[i].first < day) ++i;
    if (i < counts.size() && counts[i].first == day) n = counts[i].second;
    out.push_back({domain::format_date(day * domain::kMillisPerDay), n});
  }
  return out;
}

}  // namespace st::adapters::sql
