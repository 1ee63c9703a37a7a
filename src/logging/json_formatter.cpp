#include "logging/json_formatter.hpp"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "logging/request_scope.hpp"

namespace st::logging {
namespace {

std::string utc_millis(spdlog::log_clock::time_point t) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(t.time_since_epoch());
  const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[64];
  const auto ms = static_cast<int>(since_epoch.count() % 1000);
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms < 0 ? 0 : ms);
  return out;
}

// The names log_level takes (spdlog's own say "warning" and "critical").
const char* level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

}  // namespace

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  // ordered_json keeps the fields in the order a reader expects: time first.
  nlohmann::ordered_json line;
  line["time"] = utc_millis(msg.time);
  line["level"] = level_name(msg.level);
  line["service"] = service_;
  line["message"] = std::string(msg.payload.data(), msg.payload.size());
  const RequestIds ids = current_request();
  if (!ids.request_id.empty()) line["request_id"] = std::string(ids.request_id);
  if (!ids.trace_id.empty()) line["trace_id"] = std::string(ids.trace_id);
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>(service_);
}

}  // namespace st::logging
