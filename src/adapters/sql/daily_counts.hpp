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

// Every day in [first_day, last_day] with its count from `counts` ((day, count), ascending
// by day), 0 for the days it lacks.
std::vector<ports::DailyCount> fill_days(
    std::int64_t first_day, std::int64_t last_day,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& counts);

}  // namespace st::adapters::sql
