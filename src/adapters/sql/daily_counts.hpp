#pragma once
// Tickets created per UTC day, as both relational analytics stores answer it: the database
// counts the days that have tickets, and every day of the range is then listed, 0 if absent.
#include <cstdint>
#include <utility>
#include <vector>

#include "domain/time.hpp"
#include "ports/analytics_store.hpp"

// The database side: days (created_at / 86400000: truncation, which equals the floor for
// the times after 1970 tickets have) counted over created_at in [first, end), both bound.
#define ST_DAILY_COUNTS_SQL(first, end)                                   \
  "SELECT created_at / 86400000 AS day, count(*) FROM analytics_tickets " \
  "WHERE created_at >= " first " AND created_at < " end " GROUP BY day ORDER BY day"

namespace st::adapters::sql {

// Floor division: the UTC day number of a time, also for times before 1970.
std::int64_t day_number(domain::Millis ms);

// (day, count) rows as ST_DAILY_COUNTS_SQL reads them, ascending by day.
using DayCounts = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Every day in [first_day, last_day] with its count from `counts`, 0 for the days it lacks.
std::vector<ports::DailyCount> fill_days(std::int64_t first_day, std::int64_t last_day,
                                         const DayCounts& counts);

// Every UTC day from `from`'s to `to`'s, both included, with its count (none when from > to):
// `count(begin, end)` runs ST_DAILY_COUNTS_SQL over [begin, end), whole days, and returns
// its DayCounts.
template <class Count>
std::vector<ports::DailyCount> daily_counts(domain::Millis from, domain::Millis to, Count count) {
  if (from > to) return {};
  const auto first_day = day_number(from);
  const auto last_day = day_number(to);
  const domain::Millis begin = first_day * domain::kMillisPerDay;
  const domain::Millis end = (last_day + 1) * domain::kMillisPerDay;
  return fill_days(first_day, last_day, count(begin, end));
}

}  // namespace st::adapters::sql
