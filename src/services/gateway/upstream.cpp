#include "services/gateway/upstream.hpp"

#include <optional>

#include "http/json_response.hpp"
#include "services/common/idempotent_requests.hpp"

namespace st::services::gateway {

http::asio::awaitable<http::Response> LocalUpstream::send(const http::Request& sent,
                                                          const http::RequestContext& origin) {
  // No retry happens in one process, so no gateway request id either; one a client sent is
  // dropped (a copy, only then: it is never there in normal use).
  std::optional<http::Request> cleaned;
  if (sent.count(kGatewayRequestHeader) > 0) {
    cleaned.emplace(sent);
    cleaned->erase(kGatewayRequestHeader);
  }
  const http::Request& req = cleaned ? *cleaned : sent;
  http::RequestContext ctx{
      req,          {}, {}, {}, origin.request_id, origin.trace_id, origin.peer, origin.principal,
      origin.caller};
  try {
    http::parse_target(ctx);
  } catch (const http::ApiError& e) {
    co_return http::error_response(e);
  }
  co_return co_await router_.dispatch(ctx);
}

http::Request make_get(std::string target, const http::RequestContext& origin) {
  http::Request r{http::bhttp::verb::get, target, 11};
  r.set("X-Request-Id", origin.request_id);
  r.set("traceparent", "00-" + origin.trace_id + "-0000000000000001-01");
  return r;  // HttpUpstream adds the caller (X-SmartTicket-Actor); in one process it is in ctx
}

std::optional<nlohmann::json> json_of(const http::Response& r) {
  auto j = nlohmann::json::parse(r.body(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

http::Request make_json_request(http::bhttp::verb method, std::string target,
                                const nlohmann::json& body, const http::RequestContext& origin) {
  http::Request r = make_get(std::move(target), origin);
  r.method(method);
  r.set(http::bhttp::field::content_type, "application/json");
  r.body() = body.dump();
  r.prepare_payload();
  return r;
}

}  // namespace st::services::gateway
