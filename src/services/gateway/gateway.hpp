#pragma once
// The API gateway: the one public entry point (port 5000). It owns no data. It forwards
// each public route to the service that owns it, composes the few answers that need two
// services, waits for the pipeline on ticket creation, aggregates health and streams
// events to browsers.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/static_files.hpp"
#include "ports/event_bus.hpp"
#include "services/gateway/console_files.hpp"
#include "services/gateway/event_stream.hpp"
#include "services/gateway/route_waiter.hpp"
#include "services/gateway/upstream.hpp"

namespace st::services::gateway {

struct GatewayOptions {
  std::chrono::milliseconds create_timeout{5000};  // how long POST /api/tickets waits
  std::string mode = "embedded";                   // shown by GET / and /api/health
  // The web console served at /ui/: the files embedded at build time, unless a test
  // brings its own.
  std::span<const http::EmbeddedFile> console = console_files();
};

struct Upstreams {
  Upstream& tickets;
  Upstream& categorizer;
  Upstream& routing;
  Upstream& analytics;
};

class Gateway {
 public:
  Gateway(GatewayOptions options, Upstreams upstreams);

  void register_routes(http::Router& router);
  // Consumer of ticket.# on the gateway's own transient queue: feeds SSE and the waiter.
  ports::Disposition on_event(const ports::Delivery& d);
  // Ends event streams and wakes waiting creates (shutdown).
  void close();

 private:
  using Handler = http::AsyncHandler;
  void add(http::Router& router, http::bhttp::verb method, const std::string& pattern,
           const std::string& description, Handler handler);
  Handler forward_to(Upstream& upstream);
  http::asio::awaitable<http::Response> create_ticket(http::RequestContext& ctx);
  http::asio::awaitable<http::Response> department_tickets(http::RequestContext& ctx);
  // The department's canonical name (lookups ignore case), or nullopt if there is none.
  http::asio::awaitable<std::optional<std::string>> department_name(http::RequestContext& ctx,
                                                                    const std::string& name);
  http::asio::awaitable<http::Response> forward_if_ticket_exists(http::RequestContext& ctx,
                                                                 std::string_view id_param,
                                                                 Upstream& upstream);
  http::asio::awaitable<http::Response> health(http::RequestContext& ctx);
  http::Response root(http::RequestContext& ctx) const;
  http::Response console(http::RequestContext& ctx) const;

  GatewayOptions options_;
  Upstreams upstreams_;
  RouteWaiter waiter_;
  EventStreamHub hub_;
  http::StaticFiles console_;
  nlohmann::json endpoints_ = nlohmann::json::object();
};

}  // namespace st::services::gateway
