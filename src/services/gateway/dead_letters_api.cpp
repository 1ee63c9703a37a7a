#include "services/gateway/dead_letters_api.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "domain/time.hpp"
#include "http/api_error.hpp"
#include "http/json_response.hpp"

namespace st::services::gateway {

using http::ApiError;
using nlohmann::json;

namespace {

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json(domain::format_iso8601(*ms)) : json(nullptr);
}

std::size_t sample_size(const http::RequestContext& ctx) {
  const auto n = ctx.int_query("sample", 0, static_cast<std::int64_t>(DeadLettersApi::kMaxSample));
  return n ? static_cast<std::size_t>(*n) : DeadLettersApi::kDefaultSample;
}

}  // namespace

json dead_letter_report_json(const ports::DeadLetterReport& report) {
  json sample = json::array();
  for (const auto& s : report.sample)
    sample.push_back({{"event_id", s.event_id},
                      {"event_type", s.event_type},
                      {"reason", or_null(s.reason)},
                      {"attempts", or_null(s.attempts)},
                      {"dead_lettered_at", time_or_null(s.dead_lettered_at)}});
  return {{"queue", report.queue},
          {"count", report.count},
          {"oldest_at", time_or_null(report.oldest_at)},
          {"sample", std::move(sample)}};
}

const std::string& DeadLettersApi::known_queue(http::RequestContext& ctx) const {
  const std::string& queue = ctx.param("queue");
  if (std::find(queues_.begin(), queues_.end(), queue) == queues_.end())
    throw ApiError::not_found("Unknown queue: " + queue);
  return queue;
}

http::Response DeadLettersApi::list(http::RequestContext& ctx) {
  const auto sample = sample_size(ctx);
  json queues = json::array();
  std::size_t total = 0;
  for (const auto& queue : queues_) {
    const auto report = admin_.report(queue, sample);
    total += report.count;
    queues.push_back(dead_letter_report_json(report));
  }
  return http::ok({{"success", true}, {"total", total}, {"queues", std::move(queues)}});
}

http::Response DeadLettersApi::replay(http::RequestContext& ctx) {
  const auto& queue = known_queue(ctx);
  std::optional<std::string> event_id;
  if (const auto e = ctx.query_param("event_id")) {
    if (e->empty() || e->size() > 200)
      throw ApiError::bad_request("event_id must be 1 to 200 characters", "event_id");
    event_id = std::string(*e);
  }
  if (std::find(replayable_.begin(), replayable_.end(), queue) == replayable_.end())
    throw ApiError::conflict("Queue " + queue +
                             " is transient: its dead letters can be listed and purged, not "
                             "replayed");
  const auto n = admin_.replay(queue, event_id);
  spdlog::info("dead letters: {} replayed on {}{}", n, queue,
               event_id ? " (event " + *event_id + ")" : std::string());
  return http::ok({{"success", true}, {"queue", queue}, {"replayed", n}});
}

http::Response DeadLettersApi::purge(http::RequestContext& ctx) {
  const auto& queue = known_queue(ctx);
  const auto n = admin_.purge(queue);
  spdlog::info("dead letters: {} purged from {}", n, queue);
  return http::ok({{"success", true}, {"queue", queue}, {"purged", n}});
}

}  // namespace st::services::gateway
