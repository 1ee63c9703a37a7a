#include "services/gateway/gateway.hpp"

#include <charconv>

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"
#include "http/json_response.hpp"

namespace st::services::gateway {

namespace asio = http::asio;
namespace bhttp = http::bhttp;
using http::ApiError;
using http::RequestContext;
using http::Response;
using nlohmann::json;

// Note for coroutines here: arguments of a co_await'ed call are named locals, never
// temporaries built in the call; GCC 12 can destroy such temporaries twice.

namespace {

std::optional<json> json_of(const Response& r) {
  auto j = json::parse(r.body(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// RFC 7240: "Prefer: respond-async" and "Prefer: wait=N" (seconds), possibly combined.
struct Preferences {
  bool respond_async = false;
  std::optional<std::chrono::milliseconds> wait;
};

Preferences preferences_of(std::string_view header) {
  Preferences p;
  while (!header.empty()) {
    auto comma = header.find_first_of(",;");
    auto token = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token == "respond-async") p.respond_async = true;
    if (token.starts_with("wait=")) {
      int seconds = 0;
      auto v = token.substr(5);
      if (std::from_chars(v.data(), v.data() + v.size(), seconds).ec == std::errc{} && seconds >= 0)
        p.wait = std::chrono::seconds(seconds);
    }
  }
  return p;
}

}  // namespace

Gateway::Gateway(GatewayOptions options, Upstreams upstreams)
    : options_(std::move(options)), upstreams_(upstreams), console_(options_.console) {}

void Gateway::add(http::Router& router, bhttp::verb method, const std::string& pattern,
                  const std::string& description, Handler handler) {
  endpoints_[std::string(bhttp::to_string(method)) + " " + pattern] = description;
  router.route_async(method, pattern, std::move(handler));
}

Gateway::Handler Gateway::forward_to(Upstream& upstream) {
  return [&upstream](RequestContext& ctx) { return upstream.send(ctx.request, ctx); };
}

void Gateway::register_routes(http::Router& router) {
  using V = bhttp::verb;
  auto& t = upstreams_.tickets;
  auto& r = upstreams_.routing;
  auto& a = upstreams_.analytics;
  auto& c = upstreams_.categorizer;

  router.route(V::get, "/", [this](RequestContext& ctx) { return root(ctx); });
  // Liveness of this process (container and Kubernetes probes); /api/health asks everyone.
  router.route(V::get, "/health", [](RequestContext&) {
    return http::ok({{"status", "healthy"}, {"service", "gateway"}});
  });
  // The console's files sit at most three folders deep; "/ui" and "/ui/" share a pattern.
  endpoints_["GET /ui/"] = "the web console";
  for (const char* pattern : {"/ui", "/ui/{a}", "/ui/{a}/{b}", "/ui/{a}/{b}/{c}"})
    router.route(V::get, pattern, [this](RequestContext& ctx) { return console(ctx); });
  add(router, V::get, "/api/health", "aggregated health of every service",
      [this](RequestContext& ctx) { return health(ctx); });
  add(router, V::get, "/api/statuses", "ticket statuses", forward_to(t));
  add(router, V::get, "/api/tickets", "list tickets (status, department, q, limit, cursor)",
      forward_to(t));
  add(router, V::post, "/api/tickets", "create a ticket; answers once it is routed",
      [this](RequestContext& ctx) { return create_ticket(ctx); });
  add(router, V::get, "/api/tickets/{id}", "one ticket", forward_to(t));
  add(router, V::put, "/api/tickets/{id}/status", "change a ticket's status", forward_to(t));
  add(router, V::get, "/api/tickets/{id}/events", "a ticket's audit trail",
      [this, &a](RequestContext& ctx) { return forward_if_ticket_exists(ctx, "id", a); });
  add(router, V::get, "/api/departments", "active departments", forward_to(r));
  add(router, V::post, "/api/departments", "add a department", forward_to(r));
  add(router, V::get, "/api/departments/{name}", "one department", forward_to(r));
  add(router, V::put, "/api/departments/{name}", "change a department", forward_to(r));
  add(router, V::get, "/api/departments/{name}/tickets", "tickets of a department (status)",
      [this](RequestContext& ctx) { return department_tickets(ctx); });
  add(router, V::post, "/api/categorize", "categorize text without creating a ticket",
      forward_to(c));
  // The categorizer's counters (Claude calls, failures, fallbacks, cache, latency).
  add(router, V::get, "/metrics", "Prometheus metrics", forward_to(c));
  add(router, V::post, "/api/route", "route a ticket to a department", forward_to(r));
  add(router, V::put, "/api/route/{ticket_id}", "manually reroute a ticket", forward_to(r));
  add(router, V::get, "/api/routing/statistics", "routing statistics", forward_to(r));
  add(router, V::get, "/api/routing/history/{ticket_id}", "every routing of a ticket",
      [this, &r](RequestContext& ctx) { return forward_if_ticket_exists(ctx, "ticket_id", r); });
  add(router, V::get, "/api/dashboard/summary", "dashboard summary", forward_to(a));
  add(router, V::get, "/api/dashboard/routing", "routing dashboard", forward_to(a));
  add(router, V::get, "/api/analytics/tickets", "ticket counts (period, department)",
      forward_to(a));
  add(router, V::get, "/api/analytics/performance", "resolution and categorization performance",
      forward_to(a));
  add(router, V::get, "/api/analytics/trends", "daily ticket creation (days)", forward_to(a));
  add(router, V::get, "/api/analytics/department/{name}", "one department's analytics",
      [this](RequestContext& ctx) -> asio::awaitable<Response> {
        // Analytics counts whatever names events carry; whether a department exists is
        // routing's word, so an unknown name is a 404 rather than a page of zeros.
        auto canonical = co_await department_name(ctx, ctx.param("name"));
        if (!canonical) throw ApiError::not_found("Department not found");
        const auto req =
            make_get("/api/analytics/department/" + http::percent_encode_segment(*canonical), ctx);
        co_return co_await upstreams_.analytics.send(req, ctx);
      });
  endpoints_["GET /api/events/stream"] = "live pipeline events (Server-Sent Events)";
  router.route_stream(
      "/api/events/stream",
      [this](RequestContext& ctx, http::beast::tcp_stream& s) { return hub_.serve(ctx, s); });
}

Response Gateway::root(RequestContext& ctx) const {
  // Browsers asking for a page get the console; API clients get the service map.
  if (ctx.header(bhttp::field::accept).find("text/html") != std::string_view::npos) {
    Response res{bhttp::status::found, 11};
    res.set(bhttp::field::location, "/ui/");
    res.prepare_payload();
    return res;
  }
  return http::ok({{"service", "Smart Ticket API Gateway"},
                   {"version", SMARTTICKET_VERSION},
                   {"mode", options_.mode},
                   {"endpoints", endpoints_}});
}

Response Gateway::console(RequestContext& ctx) const {
  // ctx.path is decoded, so "/ui/..%2f.." arrives as "/ui/../..": a name that is not in the
  // embedded set, hence a 404. Nothing here touches the file system.
  if (ctx.path == "/ui") {
    Response res{bhttp::status::moved_permanently, 11};
    res.set(bhttp::field::location, "/ui/");
    res.prepare_payload();
    return res;
  }
  return console_.serve(ctx, std::string_view(ctx.path).substr(4));
}

asio::awaitable<Response> Gateway::create_ticket(RequestContext& ctx) {
  Response created = co_await upstreams_.tickets.send(ctx.request, ctx);
  if (created.result() != bhttp::status::created) co_return created;
  auto body = json_of(created);
  if (!body || !body->contains("ticket")) co_return created;
  const auto prefs = preferences_of(ctx.header("prefer"));
  const auto id = (*body)["ticket_id"].get<domain::TicketId>();
  if (prefs.respond_async) {
    auto res = http::json_response(bhttp::status::accepted,
                                   {{"success", true}, {"ticket_id", id}, {"status", "pending"}});
    res.set(bhttp::field::location, "/api/tickets/" + std::to_string(id));
    co_return res;
  }
  const auto timeout =
      prefs.wait ? std::min(*prefs.wait, options_.create_timeout) : options_.create_timeout;
  json ticket = (*body)["ticket"];
  if (auto routed = co_await waiter_.wait(id, timeout)) ticket = domain::to_json(*routed);
  const bool is_routed = !ticket["department"].is_null();
  co_return http::json_response(
      bhttp::status::created,
      {{"success", true},
       {"ticket_id", id},
       {"department", ticket["department"]},
       {"confidence_score", ticket["confidence_score"]},
       {"categorized_by", ticket["categorized_by"]},
       {"status", ticket["status"]},
       {"message", is_routed
                       ? "Ticket created and routed to " + ticket["department"].get<std::string>()
                       : std::string("Ticket created; routing is still in progress")},
       {"ticket", ticket}});
}

asio::awaitable<std::optional<std::string>> Gateway::department_name(RequestContext& ctx,
                                                                     const std::string& name) {
  const auto req = make_get("/api/departments/" + http::percent_encode_segment(name), ctx);
  Response dept = co_await upstreams_.routing.send(req, ctx);
  if (dept.result() == bhttp::status::not_found) co_return std::nullopt;
  auto j = json_of(dept);
  if (dept.result() != bhttp::status::ok || !j)
    throw ApiError::unavailable("The routing service could not be reached");
  co_return (*j)["department"]["name"].get<std::string>();
}

asio::awaitable<Response> Gateway::department_tickets(RequestContext& ctx) {
  const std::string& name = ctx.param("name");
  const auto found = co_await department_name(ctx, name);
  if (!found) throw ApiError::bad_request("Invalid department: " + name, "department");
  const std::string canonical = *found;
  std::string target = "/api/tickets?department=" + http::percent_encode_segment(canonical);
  std::optional<std::string> status;
  if (auto s = ctx.query_param("status")) {
    if (!domain::parse_status(*s))
      throw ApiError::bad_request("status must be one of: pending, in_progress, resolved",
                                  "status");
    status = std::string(*s);
    target += "&status=" + *status;
  }
  for (const char* passthrough : {"limit", "cursor", "q"})
    if (auto v = ctx.query_param(passthrough))
      target += std::string("&") + passthrough + "=" + http::percent_encode_segment(*v);
  if (!ctx.query_param("limit")) target += "&limit=200";
  const auto req = make_get(target, ctx);
  Response list = co_await upstreams_.tickets.send(req, ctx);
  if (list.result() != bhttp::status::ok) co_return list;
  auto j = *json_of(list);
  co_return http::ok({{"success", true},
                      {"department", canonical},
                      {"status_filter", status ? json(*status) : json(nullptr)},
                      {"ticket_count", j["count"]},
                      {"tickets", j["tickets"]},
                      {"next_cursor", j["next_cursor"]}});
}

asio::awaitable<Response> Gateway::forward_if_ticket_exists(RequestContext& ctx,
                                                            std::string_view id_param,
                                                            Upstream& upstream) {
  // Trails and routing history live in other services, but whether a ticket exists is the
  // tickets service's word: a ticket created a moment ago has a (short) trail, not a 404,
  // and an unknown one is a 404, not an empty list.
  const auto id = ctx.id_param(id_param, "Ticket");
  const auto req = make_get("/api/tickets/" + std::to_string(id), ctx);
  Response ticket = co_await upstreams_.tickets.send(req, ctx);
  if (ticket.result() != bhttp::status::ok) co_return ticket;
  co_return co_await upstream.send(ctx.request, ctx);
}

asio::awaitable<Response> Gateway::health(RequestContext& ctx) {
  json services = json::object();
  services["gateway"] = {{"status", "healthy"}};
  bool tickets_ok = true, all_ok = true;
  for (Upstream* u :
       {&upstreams_.tickets, &upstreams_.categorizer, &upstreams_.routing, &upstreams_.analytics}) {
    const auto req = make_get("/health", ctx);
    Response r = co_await u->send(req, ctx);
    auto j = json_of(r);
    std::string status =
        r.result() == bhttp::status::ok && j ? j->value("status", "healthy") : "down";
    json entry{{"status", status}};
    if (j && j->contains("details")) entry["details"] = (*j)["details"];
    services[u->name()] = entry;
    if (status != "healthy") all_ok = false;
    if (u == &upstreams_.tickets && status == "down") tickets_ok = false;
  }
  co_return http::json_response(tickets_ok ? bhttp::status::ok : bhttp::status::service_unavailable,
                                {{"status", !tickets_ok ? "unhealthy"
                                            : all_ok    ? "healthy"
                                                        : "degraded"},
                                 {"mode", options_.mode},
                                 {"version", SMARTTICKET_VERSION},
                                 {"services", services}});
}

ports::Disposition Gateway::on_event(const ports::Delivery& d) {
  hub_.publish(d.body);
  if (d.routing_key == "ticket.routed") {
    try {
      waiter_.on_routed(domain::parse_event(d.body).ticket);
    } catch (const domain::CodecError& e) {
      spdlog::warn("gateway: ignoring malformed ticket.routed {}: {}", d.event_id, e.what());
    }
  }
  return ports::Disposition::ack;
}

void Gateway::close() {
  hub_.close();
  waiter_.shutdown();
}

}  // namespace st::services::gateway
