#include "services/gateway/http_upstream.hpp"

#include <spdlog/spdlog.h>

#include "auth/api_key.hpp"
#include "http/json_response.hpp"
#include "ports/unavailable.hpp"
#include "services/common/actor_header.hpp"
#include "services/common/idempotent_requests.hpp"

namespace st::services::gateway {

HttpUpstream::HttpUpstream(http::HttpClient& client, resilience::CircuitBreakerOptions breaker)
    : client_(client),
      breaker_(breaker,
               [name = client.name()](resilience::BreakerState from, resilience::BreakerState to) {
                 spdlog::warn("gateway: circuit to the {} service {} -> {}", name,
                              resilience::to_string(from), resilience::to_string(to));
               }) {}

http::Response HttpUpstream::unavailable(std::chrono::milliseconds retry_in) const {
  auto res = http::error_response(http::bhttp::status::service_unavailable, "service_unavailable",
                                  "The " + client_.name() + " service is unavailable");
  const auto seconds =
      std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(retry_in).count());
  res.set(http::bhttp::field::retry_after, std::to_string(seconds));
  return res;
}

http::Response HttpUpstream::timeout() const {
  // No Retry-After: the call may have been carried out; the caller checks before repeating.
  return http::error_response(http::bhttp::status::gateway_timeout, "service_timeout",
                              "The " + client_.name() + " service did not answer in time");
}

http::asio::awaitable<http::Response> HttpUpstream::send(const http::Request& req,
                                                         const http::RequestContext& origin) {
  auto call = breaker_.try_call();
  if (!call) co_return unavailable(breaker_.snapshot().retry_in);
  http::Request copy = req;
  // The service logs and stamps events with the same ids as the gateway.
  copy.set("X-Request-Id", origin.request_id);
  copy.set("traceparent", "00-" + origin.trace_id + "-0000000000000001-01");
  // Who is calling, as the gateway authenticated it: never what the client claimed.
  if (origin.principal)
    copy.set(kActorHeader, actor_header_value(*origin.principal));
  else
    copy.erase(kActorHeader);
  // The writes the client may send twice (it retries PUT and DELETE once when the answer is
  // lost) carry an id of this call, the same on the retry: the service records the change
  // once. Never a client's value.
  const auto method = req.method();
  if (method == http::bhttp::verb::put || method == http::bhttp::verb::delete_)
    copy.set(kGatewayRequestHeader, auth::random_hex(16));
  else
    copy.erase(kGatewayRequestHeader);
  bool reached = false, timed_out = false;
  http::Response res;
  try {
    res = co_await client_.send(std::move(copy));
    reached = true;
  } catch (const ports::TimedOut& e) {
    spdlog::debug("gateway: {}", e.what());
    timed_out = true;
  } catch (const ports::Unavailable& e) {
    spdlog::debug("gateway: {}", e.what());
  }
  // A 5xx is the service failing (a 4xx is the caller's mistake, a healthy answer).
  if (reached && res.result_int() < 500) {
    call->succeeded();
    co_return res;
  }
  call->failed();
  if (reached) co_return res;
  if (timed_out) co_return timeout();
  co_return unavailable(std::chrono::seconds(1));
}

}  // namespace st::services::gateway
