// The gateway's routes about people: API keys, the caller's own key and availability. Keys
// live in the gateway's store; department names are routing's, so they are resolved there
// first.
#include <algorithm>
#include <utility>

#include <boost/asio.hpp>

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

asio::awaitable<Response> Gateway::create_key(RequestContext& ctx) {
  auto key = validate_new_key(ctx.json_object_body());
  KeysApi& api = keys();
  std::vector<std::string> wanted = key.departments;
  key.departments = co_await canonical_departments(ctx, std::move(wanted));
  const auto issued = api.create(key);
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
  co_return http::ok({{"success", true}, {"key", key_json(key)}});
}

asio::awaitable<Response> Gateway::revoke_key(RequestContext& ctx) {
  const auto key = keys().revoke(ctx);
  co_return http::ok({{"success", true}, {"message", "API key revoked"}, {"key", key_json(key)}});
}

asio::awaitable<Response> Gateway::set_availability(RequestContext& ctx) {
  const auto availability = availability_from(ctx.json_object_body());
  KeysApi& api = keys();
  const auto* p = ctx.principal;
  if (!p || !p->is_key())  // the open mode: nobody in particular
    throw ApiError::bad_request("Only a key has an availability; sign in with an agent's key");
  const auto key = api.update_agent(p->key_id, {std::nullopt, availability});
  co_return http::ok({{"success", true}, {"key", key_json(key)}});
}

}  // namespace st::services::gateway
