#include "services/gateway/upstream.hpp"

#include "http/json_response.hpp"

namespace st::services::gateway {

http::asio::awaitable<http::Response> LocalUpstream::send(const http::Request& req,
                                                          const http::RequestContext& origin) {
  http::RequestContext ctx{
      req, {}, {}, {}, origin.request_id, origin.trace_id, origin.peer, origin.principal};
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

}  // namespace st::services::gateway
