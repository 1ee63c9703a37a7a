// The gateway's routes about a ticket's history: its conversation (comments, the tickets
// service's) and its audit trail (analytics'). Staff see all of both. A requester sees them
// only on their own tickets (another's is a 404, as for GET /api/tickets/{id}), and never an
// internal note: not in the comments, not as a ticket.commented event in the trail.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio.hpp>

#include "domain/event.hpp"
#include "http/json_response.hpp"
#include "services/gateway/gateway.hpp"

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
constexpr std::string_view kIdParam = "id";  // the ticket id's place in these routes' paths
}  // namespace

void Gateway::register_history_routes(http::Router& router) {
  using V = bhttp::verb;
  using auth::Access;
  add(router, V::get, "/api/tickets/{id}/events", Access::signed_in().and_ticket_token(),
      "a ticket's audit trail", [this](RequestContext& ctx) { return read_trail(ctx); });
  add(router, V::get, "/api/tickets/{id}/comments", Access::signed_in(),
      "a ticket's conversation, oldest first (limit, cursor); a requester's: public replies only",
      [this](RequestContext& ctx) { return read_comments(ctx); });
  add(router, V::post, "/api/tickets/{id}/comments", Access::signed_in(),
      "reply on a ticket (public), or, for agents and admins, add an internal note",
      [this](RequestContext& ctx) { return add_comment(ctx); });
}

asio::awaitable<std::optional<Response>> Gateway::unless_readable(RequestContext& ctx,
                                                                  std::string_view id_param) {
  // Whether a ticket exists is the tickets service's word: a ticket created a moment ago has
  // a (short) trail, not a 404, and an unknown one is a 404, not an empty list.
  const auto id = ctx.id_param(id_param, "Ticket");
  const auto req = make_get("/api/tickets/" + std::to_string(id), ctx);
  Response ticket = co_await upstreams_.tickets.send(req, ctx);
  if (ticket.result() != bhttp::status::ok) co_return std::move(ticket);
  if (!sees_all_tickets(*ctx.principal)) {
    const auto body = json::parse(ticket.body(), nullptr, false);
    if (!body.is_object() || !body.contains("ticket") || !may_read(*ctx.principal, body["ticket"]))
      throw ApiError::not_found("Ticket not found");
  }
  co_return std::nullopt;
}

asio::awaitable<Response> Gateway::read_trail(RequestContext& ctx) {
  // A named local, not a declaration in the `if`: GCC 12 loses the value of an optional
  // awaited in a condition.
  auto refusal = co_await unless_readable(ctx, kIdParam);
  if (refusal) co_return std::move(*refusal);
  Response res = co_await upstreams_.analytics.send(ctx.request, ctx);
  if (sees_all_tickets(*ctx.principal) || res.result() != bhttp::status::ok) co_return res;
  auto body = json::parse(res.body(), nullptr, false);
  if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) co_return res;
  // A page may come out shorter than its limit; its cursor still continues after it.
  const auto commented = domain::routing_key(domain::EventType::commented);
  json kept = json::array();
  for (auto& e : body["events"]) {
    const bool note = e.value("event_type", "") == commented &&
                      !(e.contains("metadata") && e["metadata"].is_object() &&
                        e["metadata"].value("public", false));
    if (!note) kept.push_back(std::move(e));
  }
  body["count"] = kept.size();
  body["events"] = std::move(kept);
  res.body() = body.dump();
  res.prepare_payload();
  co_return res;
}

asio::awaitable<Response> Gateway::read_comments(RequestContext& ctx) {
  if (sees_all_tickets(*ctx.principal))
    co_return co_await upstreams_.tickets.send(ctx.request, ctx);
  auto refusal = co_await unless_readable(ctx, kIdParam);
  if (refusal) co_return std::move(*refusal);
  // A requester's view: the public replies, whatever the query asked.
  std::string target = "/api/tickets/" + std::to_string(ctx.id_param(kIdParam, "Ticket")) +
                       "/comments?public_only=true";
  for (const char* passthrough : {"limit", "cursor"})
    if (auto v = ctx.query_param(passthrough))
      target += std::string("&") + passthrough + "=" + http::percent_encode_segment(*v);
  const auto req = make_get(target, ctx);
  co_return co_await upstreams_.tickets.send(req, ctx);
}

asio::awaitable<Response> Gateway::add_comment(RequestContext& ctx) {
  if (sees_all_tickets(*ctx.principal))
    co_return co_await upstreams_.tickets.send(ctx.request, ctx);
  auto refusal = co_await unless_readable(ctx, kIdParam);
  if (refusal) co_return std::move(*refusal);
  // A requester's note would be hidden from its own author: what they write is a reply.
  const auto body = json::parse(ctx.request.body(), nullptr, false);
  if (body.is_object() && body.contains("public") && body["public"].is_boolean() &&
      !body["public"].get<bool>())
    throw ApiError(bhttp::status::forbidden, "forbidden",
                   "A requester's comments are public replies; internal notes are for agents "
                   "and admins",
                   "public");
  co_return co_await upstreams_.tickets.send(ctx.request, ctx);
}

}  // namespace st::services::gateway
