#pragma once
// Maps (method, path pattern) to handlers. Patterns are literal segments and `{name}`
// placeholders, e.g. "/api/tickets/{id}/status". A path that matches a pattern with another
// method is a 405 with `Allow`; no pattern at all is a 404.
#include <functional>
#include <string>
#include <vector>

#include "http/beast.hpp"
#include "http/blocking_pool.hpp"
#include "http/request_context.hpp"

namespace st::http {

using SyncHandler = std::function<Response(RequestContext&)>;
using AsyncHandler = std::function<asio::awaitable<Response>(RequestContext&)>;
// Owns the connection after the handler is chosen (Server-Sent Events).
using StreamHandler = std::function<asio::awaitable<void>(RequestContext&, beast::tcp_stream&)>;

class Router {
 public:
  void route(bhttp::verb method, std::string pattern, SyncHandler handler);
  void route_async(bhttp::verb method, std::string pattern, AsyncHandler handler);
  // A handler that may wait (seconds: another service, Claude) runs on `pool`, never on the
  // server's I/O threads; a full pool answers 503 `busy`.
  void route_blocking(bhttp::verb method, std::string pattern, BlockingPool& pool,
                      SyncHandler handler);
  void route_stream(std::string pattern, StreamHandler handler);  // GET only

  struct Match {
    const AsyncHandler* handler = nullptr;
    const StreamHandler* stream = nullptr;
    std::string allow;  // set when the path exists but not for this method
    int route = -1;     // index of the matched route (see pattern()); -1 when none matched
  };
  // "METHOD pattern" of every route, in registration order.
  std::vector<std::string> describe_routes() const;

  // The matched route's template ("/api/tickets/{id}") and method, by Match::route: what
  // request metrics are labelled with, never the raw path.
  std::size_t route_count() const { return routes_.size(); }
  const std::string& pattern(std::size_t route) const { return routes_.at(route).pattern; }
  bhttp::verb method(std::size_t route) const { return routes_.at(route).method; }

  // Fills ctx.params on success.
  Match match(bhttp::verb method, RequestContext& ctx) const;

  // match + execute. Stream routes are not served here (the server handles them).
  asio::awaitable<Response> dispatch(RequestContext& ctx) const;
  // Runs the matched handler (or answers 405/404), turning ApiError and any other
  // exception into a JSON error response.
  asio::awaitable<Response> execute(const Match& m, RequestContext& ctx) const;

 private:
  struct Route {
    bhttp::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    AsyncHandler handler;
    StreamHandler stream;
  };
  void add(Route r);

  std::vector<Route> routes_;
};

std::vector<std::string_view> split_path(std::string_view path);

}  // namespace st::http
