#include "domain/time.hpp"

#include <chrono>
#include <cstdio>

namespace st::domain {
namespace {
using namespace std::chrono;

sys_days day_of(Millis ms) {
  return floor<days>(sys_time<milliseconds>(milliseconds(ms)));
}
}  // namespace

std::string format_iso8601(Millis ms) {
  const auto tp = sys_time<milliseconds>(milliseconds(ms));
  const auto day = floor<days>(tp);
  const year_month_day ymd(day);
  const hh_mm_ss hms(floor<seconds>(tp - day));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

std::string format_date(Millis ms) {
  return format_iso8601(day_of(ms).time_since_epoch() / 1ms).substr(0, 10);
}

std::optional<Millis> parse_iso8601(std::string_view text) {
  int y, mo, d, h, mi, s;
  char z = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z')
    return std::nullopt;
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace st::domain
