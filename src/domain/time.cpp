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
  // Exactly what format_iso8601 writes, "YYYY-MM-DDTHH:MM:SSZ": every field its digits and
  // nothing else (sscanf's %2d would also take "-1", "+1" or " 1").
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  auto field = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int y = field(0, 4), mo = field(5, 2), d = field(8, 2);
  const int h = field(11, 2), mi = field(14, 2), s = field(17, 2);
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace st::domain
