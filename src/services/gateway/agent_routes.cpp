// The gateway's routes about people: API keys, the caller's own key and availability, and a
// department's assignment mode. Keys live in the gateway's store; department names are
// routing's, so they are resolved there first; assignment is the tickets service's
// (domain/assignment.hpp), so every change of an agent is published to it
// (POST /internal/tickets/agents) before it is answered.
#include <algorithm>
#include <utility>

#include <boost/asio.hpp>

#include <spdlog/spdlog.h>

#include "domain/validation.hpp"
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

void Gateway::register_agent_routes(http::Router& router) {
  using V = bhttp::verb;
  using auth::Access;
  auto sync = [](auto f) -> Handler {
    return [f](RequestContext& ctx) -> asio::awaitable<Response> { co_return f(ctx); };
  };
  add(router, V::get, "/api/me", Access::signed_in(),
      "who the caller's key belongs to (with an agent's departments and availability)",
      sync([this](RequestContext& ctx) { return keys().me(ctx); }));
  add(router, V::put, "/api/me/availability", Access::staff(),
      "set the caller's availability (available, away); going away hands their open tickets on",
      [this](RequestContext& ctx) { return set_availability(ctx); });
  add(router, V::post, "/api/keys", Access::admins(),
      "create an API key (the secret is shown once; an agent's departments)",
      [this](RequestContext& ctx) { return create_key(ctx); });
  add(router, V::get, "/api/keys", Access::admins(), "list the API keys that are not revoked",
      sync([this](RequestContext& ctx) { return keys().list(ctx); }));
  add(router, V::put, "/api/keys/{id}", Access::admins(),
      "change a key's departments or availability",
      [this](RequestContext& ctx) { return update_key(ctx); });
  add(router, V::delete_, "/api/keys/{id}", Access::admins(), "revoke an API key",
      [this](RequestContext& ctx) { return revoke_key(ctx); });
}

asio::awaitable<std::vector<std::string>> Gateway::canonical_departments(
    RequestContext& ctx, std::vector<std::string> names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    const std::string wanted = name;
    const auto found = co_await department_name(ctx, wanted);
    if (!found) throw ApiError::bad_request("Unknown department: " + wanted, "departments");
    if (std::find(out.begin(), out.end(), *found) == out.end()) out.push_back(*found);
  }
  co_return out;
}

asio::awaitable<std::int64_t> Gateway::publish_agent(RequestContext& ctx,
                                                     const ports::ApiKeyRecord& key, bool active) {
  const json body{{"id", key.id},
                  {"name", key.name},
                  {"departments", key.departments},
                  {"availability", domain::to_string(key.availability)},
                  {"active", active}};
  const auto req = make_json_request(bhttp::verb::post, "/internal/tickets/agents", body, ctx);
  Response res = co_await upstreams_.tickets.send(req, ctx);
  const auto answer = json::parse(res.body(), nullptr, false);
  if (res.result() != bhttp::status::ok || !answer.is_object())
    throw ApiError::unavailable("The tickets service could not be told about this agent; retry");
  co_return answer.value("handed_on", std::int64_t{0});
}

asio::awaitable<Response> Gateway::create_key(RequestContext& ctx) {
  auto key = validate_new_key(ctx.json_object_body());
  KeysApi& api = keys();
  std::vector<std::string> wanted = key.departments;
  key.departments = co_await canonical_departments(ctx, std::move(wanted));
  const auto issued = api.create(key);
  if (issued.record.role != domain::Role::requester) {
    // A key whose agent the tickets side does not know could never be assigned: undone.
    try {
      co_await publish_agent(ctx, issued.record, true);
    } catch (const ApiError&) {
      api.revoke_unused(issued.record.id);
      throw;
    }
  }
  co_return created_key_response(issued);
}

asio::awaitable<Response> Gateway::update_key(RequestContext& ctx) {
  const std::string id = ctx.param("id");
  const auto body = ctx.json_object_body();
  KeysApi& api = keys();
  ports::KeyStore::AgentChange change;
  if (const auto a = body.find("availability"); a != body.end())
    change.availability = availability_from(body);
  std::vector<std::string> wanted;
  const auto d = body.find("departments");
  if (d != body.end()) wanted = departments_from(*d);
  if (d == body.end() && !change.availability)
    throw ApiError::bad_request("Send departments, availability or both", "departments");
  const auto current = api.find_active(id);
  if (current.role == domain::Role::requester && !wanted.empty())
    throw ApiError::bad_request("a requester key belongs to no department", "departments");
  if (d != body.end()) change.departments = co_await canonical_departments(ctx, std::move(wanted));
  const auto key = api.update_agent(id, change);
  const auto handed = co_await publish_agent(ctx, key, true);
  co_return http::ok({{"success", true}, {"key", key_json(key)}, {"handed_on", handed}});
}

asio::awaitable<Response> Gateway::revoke_key(RequestContext& ctx) {
  const auto key = keys().revoke(ctx);
  if (key.role != domain::Role::requester) {
    // Best effort: the key is revoked whatever happens here; its tickets move on once the
    // tickets service hears of it (a later PUT of the key is refused, so say it in the log).
    try {
      co_await publish_agent(ctx, key, false);
    } catch (const ApiError&) {
      spdlog::warn("gateway: the tickets service did not hear that agent {} was revoked", key.id);
    }
  }
  co_return http::ok({{"success", true}, {"message", "API key revoked"}, {"key", key_json(key)}});
}

asio::awaitable<Response> Gateway::set_availability(RequestContext& ctx) {
  const auto availability = availability_from(ctx.json_object_body());
  KeysApi& api = keys();
  const auto* p = ctx.principal;
  if (!p || !p->is_key())  // the open mode: nobody in particular
    throw ApiError::bad_request("Only a key has an availability; sign in with an agent's key");
  const auto key = api.update_agent(p->key_id, {std::nullopt, availability});
  const auto handed = co_await publish_agent(ctx, key, true);
  co_return http::ok({{"success", true}, {"key", key_json(key)}, {"handed_on", handed}});
}

asio::awaitable<Response> Gateway::with_assignment_modes(Response res, RequestContext& ctx) {
  if (res.result() != bhttp::status::ok && res.result() != bhttp::status::created) co_return res;
  auto answer = json_of(res);
  if (!answer || !answer->is_object()) co_return res;
  // The tickets service unreachable (its 503): the departments still answer, modes null.
  std::optional<json> modes;
  const Response got =
      co_await upstreams_.tickets.send(make_get("/internal/tickets/assignment-modes", ctx), ctx);
  if (auto body = json_of(got); got.result() == bhttp::status::ok && body)
    if (auto it = body->find("modes"); it != body->end() && it->is_object()) modes = *it;
  const auto mode_of = [&](const json& department) -> json {
    if (!modes) return nullptr;
    const auto name = department.value("name", std::string());
    const auto it = modes->find(name);
    return it != modes->end() ? *it : json(domain::to_string(domain::AssignmentMode::manual));
  };
  if (auto it = answer->find("department"); it != answer->end() && it->is_object())
    (*it)["assignment"] = mode_of(*it);
  if (auto it = answer->find("departments"); it != answer->end() && it->is_array())
    for (auto& d : *it)
      if (d.is_object()) d["assignment"] = mode_of(d);
  res.body() = answer->dump();  // routing's status and headers stay
  res.prepare_payload();
  co_return res;
}

asio::awaitable<Response> Gateway::forward_department(RequestContext& ctx) {
  co_return co_await with_assignment_modes(co_await upstreams_.routing.send(ctx.request, ctx), ctx);
}

asio::awaitable<Response> Gateway::update_department(RequestContext& ctx) {
  auto body = ctx.json_object_body();
  const auto it = body.find("assignment");
  if (it == body.end()) co_return co_await forward_department(ctx);
  const auto mode =
      it->is_string() ? domain::parse_assignment_mode(it->get<std::string>()) : std::nullopt;
  if (!mode)
    throw ApiError::bad_request(
        "assignment must be one of: " + std::string(domain::kAssignmentModeChoices), "assignment");
  body.erase("assignment");
  const std::string name = ctx.param("name");
  const auto found = co_await department_name(ctx, name);
  if (!found) throw ApiError::not_found("Department not found");
  const std::string canonical = *found;
  // Routing's fields first: a refused description or is_active changes no mode.
  Response res;
  if (!body.empty()) {
    const auto req = make_json_request(
        bhttp::verb::put, "/api/departments/" + http::percent_encode_segment(canonical), body, ctx);
    res = co_await upstreams_.routing.send(req, ctx);
  } else {
    const auto req = make_get("/api/departments/" + http::percent_encode_segment(canonical), ctx);
    res = co_await upstreams_.routing.send(req, ctx);
  }
  if (res.result() != bhttp::status::ok) co_return res;
  auto answer = json::parse(res.body(), nullptr, false);
  const json change{{"department", canonical}, {"assignment", domain::to_string(*mode)}};
  const auto req =
      make_json_request(bhttp::verb::post, "/internal/tickets/assignment-modes", change, ctx);
  Response set = co_await upstreams_.tickets.send(req, ctx);
  if (set.result() != bhttp::status::ok)
    throw ApiError::unavailable("The tickets service could not be reached; retry");
  if (answer.is_object() && answer.contains("department"))
    answer["department"]["assignment"] = domain::to_string(*mode);
  co_return http::ok(answer);
}

}  // namespace st::services::gateway
