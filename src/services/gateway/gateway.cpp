#include "services/gateway/gateway.hpp"

#include <charconv>

#include <boost/algorithm/string/predicate.hpp>

#include <spdlog/spdlog.h>

#include "domain/codec.hpp"
#include "domain/validation.hpp"
#include "http/json_response.hpp"
#include "http/metrics_response.hpp"

namespace st::services::gateway {

namespace asio = http::asio;
namespace bhttp = http::bhttp;
namespace beast = http::beast;
using http::ApiError;
using http::RequestContext;
using http::Response;
using nlohmann::json;

// Note for coroutines here: arguments of a co_await'ed call are named locals, never
// temporaries built in the call; GCC 12 can destroy such temporaries twice.

namespace {

// Who called, for the access log: a key's id (never its secret), or what kind of caller.
std::string caller_of(const domain::Principal& p) {
  switch (p.kind) {
    case domain::Principal::Kind::key:
      return "key:" + p.key_id;
    case domain::Principal::Kind::ticket_token:
      return "ticket-token";
    case domain::Principal::Kind::system:
      return "system";
    case domain::Principal::Kind::anonymous:
      break;
  }
  return "anonymous";
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

Gateway::Gateway(GatewayOptions options, Upstreams upstreams, GatewayStores stores,
                 DeadLetterQueues dead_letters)
    : options_(std::move(options)),
      upstreams_(upstreams),
      dead_letters_(std::move(dead_letters)),
      access_(options_.access, stores.authenticator, clock_),
      backup_api_(stores.backup),
      hub_(options_.event_streams),
      console_(options_.console),
      api_description_(options_.api_description) {
  if (options_.access.enabled && (!stores.authenticator || !stores.idempotency))
    throw std::invalid_argument("access control needs the gateway's stores");
  if (stores.authenticator) keys_.emplace(*stores.authenticator, clock_);
  if (stores.idempotency) idempotent_create_.emplace(*stores.idempotency, clock_);
  if (dead_letters_.admin)
    dead_letters_api_.emplace(*dead_letters_.admin, dead_letters_.queues, dead_letters_.replayable);
}

void Gateway::add(http::Router& router, bhttp::verb method, const std::string& pattern,
                  auth::Access access, const std::string& description, Handler handler) {
  const auto name = std::string(bhttp::to_string(method)) + " " + pattern;
  // GET / lists every route with its summary, and docs/openapi.json repeats that summary.
  if (description.empty()) throw std::invalid_argument(name + " has no summary");
  endpoints_[name] = description;
  access_rules_.insert_or_assign(name, access);
  router.route_async(method, pattern,
                     [this, access, handler = std::move(handler)](
                         RequestContext& ctx) -> asio::awaitable<Response> {
                       auto admission = access_.admit(ctx, access);
                       if (admission.refusal) co_return std::move(*admission.refusal);
                       ctx.principal = &admission.principal;
                       ctx.caller = caller_of(admission.principal);
                       Response res = co_await handler(ctx);
                       ctx.principal = nullptr;  // admission ends with this frame
                       AccessControl::add_rate_headers(admission.rate, res);
                       co_return res;
                     });
}

void Gateway::register_health(http::Router& router, const ServiceHealth& health) {
  own_health_ = &health;
  using V = bhttp::verb;
  // This process's probes (containers, Kubernetes); /api/health asks every service.
  add(router, V::get, "/health", auth::Access::open(),
      "this process's health and its dependencies'",
      [&health](RequestContext&) { return health.health(); });
  add(router, V::get, "/health/live", auth::Access::open(), "liveness probe: the process runs",
      [&health](RequestContext&) -> asio::awaitable<Response> { co_return health.live(); });
  add(router, V::get, "/health/ready", auth::Access::open(),
      "readiness probe: whether this process can serve now",
      [&health](RequestContext&) { return health.ready(); });
}

void Gateway::add_stream(http::Router& router, const std::string& pattern, auth::Access access,
                         const std::string& description, http::StreamHandler handler) {
  const auto name = "GET " + pattern;
  endpoints_[name] = description;
  access_rules_.insert_or_assign(name, access);
  router.route_stream(
      pattern,
      [this, access, handler = std::move(handler)](
          RequestContext& ctx, http::beast::tcp_stream& s) -> asio::awaitable<void> {
        auto admission = access_.admit(ctx, access);
        std::optional<Response> refusal = std::move(admission.refusal);
        if (!refusal) {
          ctx.principal = &admission.principal;
          ctx.caller = caller_of(admission.principal);
          // A stream handler throws ApiError only before it has written anything.
          try {
            co_await handler(ctx, s);
            co_return;
          } catch (const ApiError& e) {
            refusal = http::error_response(e);
          }
        }
        refusal->set("X-Request-Id", ctx.request_id);
        refusal->keep_alive(false);
        beast::error_code ec;
        co_await bhttp::async_write(s, *refusal, asio::redirect_error(asio::use_awaitable, ec));
      });
}

Gateway::Handler Gateway::forward_to(Upstream& upstream) {
  return [&upstream](RequestContext& ctx) { return upstream.send(ctx.request, ctx); };
}

KeysApi& Gateway::keys() {
  if (!keys_) throw ApiError::unavailable("This gateway has no key store");
  return *keys_;
}

DeadLettersApi& Gateway::dead_letters_api() {
  if (!dead_letters_api_) throw ApiError::unavailable("This gateway cannot reach dead letters");
  return *dead_letters_api_;
}

void Gateway::register_routes(http::Router& router) {
  using V = bhttp::verb;
  using auth::Access;
  auto& t = upstreams_.tickets;
  auto& r = upstreams_.routing;
  auto& a = upstreams_.analytics;
  auto& c = upstreams_.categorizer;
  auto sync = [](auto f) -> Handler {
    return [f](RequestContext& ctx) -> asio::awaitable<Response> { co_return f(ctx); };
  };

  add(router, V::get, "/", Access::open(), "service info and a map of the endpoints",
      sync([this](RequestContext& ctx) { return root(ctx); }));
  // The console's files sit at most two folders deep; "/ui" and "/ui/" share a pattern.
  // They are public: the console signs in with a key itself.
  add(router, V::get, "/ui", Access::open(), "the web console (/ui redirects to /ui/)",
      sync([this](RequestContext& ctx) { return console(ctx); }));
  for (const char* pattern : {"/ui/{file}", "/ui/{dir}/{file}", "/ui/{dir}/{subdir}/{file}"})
    add(router, V::get, pattern, Access::open(), "a file of the web console",
        sync([this](RequestContext& ctx) { return console(ctx); }));
  add(router, V::get, "/api/openapi.json", Access::open(),
      "the OpenAPI 3.1 description of this API (docs/openapi.json)",
      sync([this](RequestContext& ctx) { return api_description_.serve(ctx, "openapi.json"); }));
  add(router, V::get, "/api/health", Access::open(), "aggregated health of every service",
      [this](RequestContext& ctx) { return health(ctx); });

  register_agent_routes(router);  // agent_routes.cpp: keys, me, availability, assignment

  add(router, V::get, "/api/admin/dead-letters", Access::admins(),
      "each queue's dead letters: count, oldest, a sample (sample)",
      sync([this](RequestContext& ctx) { return dead_letters_api().list(ctx); }));
  add(router, V::post, "/api/admin/dead-letters/{queue}/replay", Access::admins(),
      "put a queue's dead letters (or one event_id) back on the queue",
      sync([this](RequestContext& ctx) { return dead_letters_api().replay(ctx); }));
  add(router, V::delete_, "/api/admin/dead-letters/{queue}", Access::admins(),
      "drop a queue's dead letters",
      sync([this](RequestContext& ctx) { return dead_letters_api().purge(ctx); }));

  add(router, V::get, "/api/statuses", Access::signed_in(), "ticket statuses", forward_to(t));
  add(router, V::get, "/api/tickets", Access::signed_in(),
      "list tickets (status, department, language, priority, assignee, needs_review, sort, "
      "user_email, q, limit, cursor); "
      "a requester's own",
      [this](RequestContext& ctx) { return list_tickets(ctx); });
  const auto create_access =
      options_.access.anonymous_create ? Access::signed_in().and_anonymous() : Access::signed_in();
  add(router, V::post, "/api/tickets", create_access, "create a ticket; answers once it is routed",
      [this](RequestContext& ctx) { return create_ticket(ctx); });
  // A ticket token (from an anonymous create) reads its own ticket and trail.
  add(router, V::get, "/api/tickets/{id}", Access::signed_in().and_ticket_token(), "one ticket",
      [this](RequestContext& ctx) { return read_ticket(ctx); });
  add(router, V::put, "/api/tickets/{id}/status", Access::staff(), "change a ticket's status",
      forward_to(t));
  add(router, V::put, "/api/tickets/{id}/priority", Access::staff(), "change a ticket's priority",
      forward_to(t));
  add(router, V::put, "/api/tickets/{id}/assignee", Access::staff(),
      "assign a ticket to an agent, or to nobody", forward_to(t));
  add(router, V::post, "/api/tickets/{id}/review", Access::staff(),
      "confirm or correct a ticket's department; clears needs_review", forward_to(r));
  add(router, V::get, "/api/sla/policies", Access::staff(),
      "SLA targets and escalation of every priority", forward_to(t));
  add(router, V::put, "/api/sla/policies", Access::admins(),
      "set SLA targets and escalation per priority", forward_to(t));
  register_history_routes(router);  // comment_routes.cpp: the trail and the conversation
  const auto department_route = [this](RequestContext& ctx) { return forward_department(ctx); };
  add(router, V::get, "/api/departments", Access::staff(), "active departments", department_route);
  add(router, V::post, "/api/departments", Access::admins(), "add a department", department_route);
  add(router, V::get, "/api/departments/{name}", Access::staff(), "one department",
      department_route);
  add(router, V::put, "/api/departments/{name}", Access::admins(),
      "change a department (description, is_active, assignment, review_below_confidence)",
      [this](RequestContext& ctx) { return update_department(ctx); });
  add(router, V::get, "/api/departments/{name}/tickets", Access::staff(),
      "tickets of a department (status)",
      [this](RequestContext& ctx) { return department_tickets(ctx); });
  add(router, V::post, "/api/categorize", Access::staff(),
      "categorize text without creating a ticket", forward_to(c));
  // This process's series (every service's, in the one-process mode).
  add(router, V::get, "/metrics", Access::admins().and_metrics_token(), "Prometheus metrics",
      sync([this](RequestContext& ctx) {
        if (!metrics_) throw ApiError::not_found("This process collects no metrics");
        return http::metrics_response(*metrics_, ctx.request.version());
      }));
  add(router, V::post, "/api/route", Access::staff(), "route a ticket to a department",
      forward_to(r));
  add(router, V::put, "/api/route/{ticket_id}", Access::staff(), "manually reroute a ticket",
      forward_to(r));
  add(router, V::get, "/api/routing/statistics", Access::staff(), "routing statistics",
      forward_to(r));
  add(router, V::get, "/api/routing/history/{ticket_id}", Access::signed_in(),
      "every routing of a ticket",
      [this, &r](RequestContext& ctx) { return forward_if_ticket_exists(ctx, "ticket_id", r); });
  add(router, V::get, "/api/dashboard/summary", Access::staff(), "dashboard summary",
      forward_to(a));
  add(router, V::get, "/api/dashboard/routing", Access::staff(), "routing dashboard",
      forward_to(a));
  add(router, V::get, "/api/dashboard/sla", Access::staff(),
      "SLA attainment by department and priority", forward_to(a));
  add(router, V::get, "/api/analytics/tickets", Access::staff(),
      "ticket counts (period, department)", forward_to(a));
  add(router, V::get, "/api/analytics/performance", Access::staff(),
      "resolution and categorization performance", forward_to(a));
  add(router, V::get, "/api/analytics/trends", Access::staff(), "daily ticket creation (days)",
      forward_to(a));
  add(router, V::get, "/api/analytics/quality", Access::staff(),
      "how often each strategy is right, by confidence (since, until, department)", forward_to(a));
  add(router, V::get, "/api/analytics/department/{name}", Access::staff(),
      "one department's analytics", [this](RequestContext& ctx) -> asio::awaitable<Response> {
        // Analytics counts whatever names events carry; whether a department exists is
        // routing's word, so an unknown name is a 404 rather than a page of zeros.
        auto canonical = co_await department_name(ctx, ctx.param("name"));
        if (!canonical) throw ApiError::not_found("Department not found");
        const auto req =
            make_get("/api/analytics/department/" + http::percent_encode_segment(*canonical), ctx);
        co_return co_await upstreams_.analytics.send(req, ctx);
      });
  add(router, V::post, "/api/admin/analytics/rebuild", Access::admins(),
      "rebuild the analytics projection from the event log (202; GET for the outcome)",
      forward_to(a));
  add(router, V::get, "/api/admin/analytics/rebuild", Access::admins(),
      "the last analytics rebuild: state, times, counts", forward_to(a));
  // Signed webhooks: served beside analytics (components/webhooks.hpp).
  add(router, V::get, "/api/webhooks", Access::admins(), "list webhooks", forward_to(a));
  add(router, V::post, "/api/webhooks", Access::admins(),
      "subscribe a URL to ticket events (url, events, secret)", forward_to(a));
  add(router, V::get, "/api/webhooks/{id}", Access::admins(), "one webhook", forward_to(a));
  add(router, V::put, "/api/webhooks/{id}", Access::admins(),
      "change a webhook's url, events or secret", forward_to(a));
  add(router, V::delete_, "/api/webhooks/{id}", Access::admins(),
      "delete a webhook and its deliveries", forward_to(a));
  add(router, V::get, "/api/webhooks/{id}/deliveries", Access::admins(),
      "a webhook's deliveries, newest first (limit, cursor)", forward_to(a));
  add(router, V::post, "/api/webhooks/{id}/deliveries/{delivery_id}/replay", Access::admins(),
      "send a delivered or failed delivery again", forward_to(a));
  add_stream(
      router, "/api/events/stream", Access::staff(), "live pipeline events (Server-Sent Events)",
      [this](RequestContext& ctx, http::beast::tcp_stream& s) { return hub_.serve(ctx, s); });
  add_stream(router, "/api/admin/backup", Access::admins(),
             "a consistent snapshot of the one-process store, as an SQLite file",
             [this](RequestContext& ctx, http::beast::tcp_stream& s) {
               return backup_api_.serve(ctx, s);
             });
}

bool Gateway::sees_all_tickets(const domain::Principal& p) const {
  return !access_.enabled() || p.is_staff();
}

bool Gateway::may_read(const domain::Principal& p, const json& ticket) const {
  if (sees_all_tickets(p)) return true;
  if (p.kind == domain::Principal::Kind::ticket_token)
    return ticket.value("id", domain::TicketId{0}) == p.ticket_id;
  if (!p.has_role(domain::Role::requester) || p.email.empty()) return false;
  const auto it = ticket.find("user_email");
  return it != ticket.end() && it->is_string() &&
         boost::iequals(it->get_ref<const std::string&>(), p.email);
}

asio::awaitable<Response> Gateway::list_tickets(RequestContext& ctx) {
  // assignee=me is the caller's key id.
  const auto assignee = ctx.query_param("assignee");
  const bool mine = assignee && *assignee == "me";
  if (mine && !ctx.principal->is_key())
    throw ApiError::bad_request("assignee=me needs a key: the open mode has no me", "assignee");
  if (sees_all_tickets(*ctx.principal) && !mine)
    co_return co_await upstreams_.tickets.send(ctx.request, ctx);
  // A requester's list is their own tickets, whatever filter they sent.
  const bool own = !sees_all_tickets(*ctx.principal);
  std::string target = "/api/tickets?";
  if (own) target += "user_email=" + http::percent_encode_segment(ctx.principal->email) + "&";
  for (const auto& [name, value] : ctx.query) {
    if (own && name == "user_email") continue;
    const std::string v = name == "assignee" && mine ? ctx.principal->key_id : value;
    target += http::percent_encode_segment(name) + "=" + http::percent_encode_segment(v) + "&";
  }
  target.pop_back();
  http::Request req = ctx.request;
  req.target(target);
  co_return co_await upstreams_.tickets.send(req, ctx);
}

asio::awaitable<Response> Gateway::read_ticket(RequestContext& ctx) {
  Response res = co_await upstreams_.tickets.send(ctx.request, ctx);
  if (sees_all_tickets(*ctx.principal) || res.result() != bhttp::status::ok) co_return res;
  auto body = json_of(res);
  // Another person's ticket is a 404, as if it did not exist: its existence is not revealed.
  if (!body || !body->contains("ticket") || !may_read(*ctx.principal, (*body)["ticket"]))
    throw ApiError::not_found("Ticket not found");
  // Why the ticket is where it is, is for agents and admins: the evidence may quote other
  // people's tickets (the learned model's neighbours) or the rules staff tune.
  auto& ticket = (*body)["ticket"];
  if (ticket.is_object() && ticket.contains("explanation")) {
    ticket.erase("explanation");
    res.body() = body->dump();
    res.prepare_payload();
  }
  co_return res;
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

namespace {

// A requester creates tickets as themselves: their key's e-mail (and, when the body has none,
// their key's name) fill the ticket; a body naming someone else's e-mail is refused.
http::Request as_requester(const http::Request& original, const domain::Principal& p) {
  auto body = json::parse(original.body(), nullptr, false);
  if (!body.is_object()) return original;  // the tickets service answers the 400
  const auto email = body.find("user_email");
  if (email != body.end() && !email->is_null() &&
      !(email->is_string() && boost::iequals(domain::trim(email->get<std::string>()), p.email)))
    throw ApiError(bhttp::status::forbidden, "forbidden",
                   "A requester key creates tickets as its owner: user_email must be " +
                       std::string("the key's e-mail or omitted"),
                   "user_email");
  body["user_email"] = p.email;
  if (!body.contains("user_name") || body["user_name"].is_null()) body["user_name"] = p.name;
  http::Request req = original;
  req.body() = body.dump();
  req.prepare_payload();
  return req;
}

}  // namespace

asio::awaitable<Response> Gateway::create_ticket(RequestContext& ctx) {
  if (!idempotent_create_) co_return co_await create_ticket_once(ctx, std::string());
  IdempotentCreate::Create once = [this, &ctx](std::string create_key) {
    return create_ticket_once(ctx, std::move(create_key));
  };
  co_return co_await idempotent_create_->run(ctx, once);
}

asio::awaitable<Response> Gateway::create_ticket_once(RequestContext& ctx, std::string create_key) {
  const bool requester = access_.enabled() && ctx.principal->has_role(domain::Role::requester);
  std::optional<http::Request> rewritten;
  if (requester) rewritten = as_requester(ctx.request, *ctx.principal);
  // The create key is ours to set: a client's value is dropped (a copy only then).
  if (!create_key.empty() || ctx.request.count(kCreateKeyHeader) > 0) {
    if (!rewritten) rewritten = ctx.request;
    rewritten->erase(kCreateKeyHeader);
    if (!create_key.empty()) rewritten->set(kCreateKeyHeader, create_key);
  }
  const http::Request& req = rewritten ? *rewritten : ctx.request;
  Response created = co_await upstreams_.tickets.send(req, ctx);
  if (created.result() != bhttp::status::created) co_return created;
  auto body = json_of(created);
  if (!body || !body->contains("ticket")) co_return created;
  const auto prefs = preferences_of(ctx.header("prefer"));
  const auto id = (*body)["ticket_id"].get<domain::TicketId>();
  // Someone without a key (anonymous creates switched on) follows the ticket with a token
  // that reads it and nothing else.
  const bool anonymous = access_.enabled() && !ctx.principal->is_key();
  std::optional<std::string> token;
  if (anonymous) token = access_.authenticator()->ticket_token(id);  // non-null: access is on
  if (prefs.respond_async) {
    json accepted{{"success", true}, {"ticket_id", id}, {"status", "pending"}};
    if (token) accepted["ticket_token"] = *token;
    auto res = http::json_response(bhttp::status::accepted, accepted);
    res.set(bhttp::field::location, "/api/tickets/" + std::to_string(id));
    co_return res;
  }
  const auto timeout =
      prefs.wait ? std::min(*prefs.wait, options_.create_timeout) : options_.create_timeout;
  json ticket = (*body)["ticket"];
  // A named local, not a declaration in the `if`: GCC 12 loses the value of an optional
  // awaited in a condition.
  // A repeated create (its key seen before) may answer a ticket routed long ago.
  if (ticket["department"].is_null()) {
    const auto routed = co_await waiter_.wait(id, timeout);
    if (routed) routed->apply_to(ticket);
  }
  const bool is_routed = !ticket["department"].is_null();
  json answer{{"success", true},
              {"ticket_id", id},
              {"department", ticket["department"]},
              {"confidence_score", ticket["confidence_score"]},
              {"categorized_by", ticket["categorized_by"]},
              {"status", ticket["status"]},
              {"message",
               is_routed ? "Ticket created and routed to " + ticket["department"].get<std::string>()
                         : std::string("Ticket created; routing is still in progress")},
              {"ticket", ticket}};
  if (token) answer["ticket_token"] = *token;
  co_return http::json_response(bhttp::status::created, answer);
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
      throw ApiError::bad_request("status must be one of: " + std::string(domain::kStatusChoices),
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
  // A named local, not a declaration in the `if`: GCC 12 loses the value of an optional
  // awaited in a condition.
  auto refusal = co_await unless_readable(ctx, id_param);
  if (refusal) co_return std::move(*refusal);
  co_return co_await upstream.send(ctx.request, ctx);
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
