#pragma once
// Time in the domain is milliseconds since the Unix epoch, UTC. The API shows ISO-8601
// seconds (`2026-11-25T19:51:35Z`); milliseconds are kept so time-to-route can be measured.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace st::domain {

using Millis = std::int64_t;

std::string format_iso8601(Millis ms);
std::optional<Millis> parse_iso8601(std::string_view text);
// "YYYY-MM-DD" of the UTC day containing ms.
std::string format_date(Millis ms);

constexpr Millis kMillisPerDay = 24LL * 60 * 60 * 1000;

}  // namespace st::domain
