#pragma once
// The gateway's own resources: API keys (POST/GET /api/keys, PUT and DELETE /api/keys/{id})
// and the caller's identity (GET /api/me, PUT /api/me/availability). Keys live in the
// gateway's store; a secret is returned once, by create, and never again. Department names
// arrive here already checked against routing (the gateway resolves them first).
#include "auth/authenticator.hpp"
#include "auth/key_issuer.hpp"
#include "http/beast.hpp"
#include "http/request_context.hpp"

namespace st::services::gateway {

class KeysApi {
 public:
  KeysApi(auth::Authenticator& authenticator, const ports::Clock& clock)
      : auth_(authenticator), clock_(clock) {}

  auth::IssuedKey create(const auth::NewKey& key);
  http::Response list(http::RequestContext& ctx);
  // The key as revoked; throws ApiError 404/409.
  ports::ApiKeyRecord revoke(http::RequestContext& ctx);
  // Revokes a key just made whose agent could not be published (its secret was never shown).
  void revoke_unused(const std::string& id) {
    auth_.store().revoke(id, clock_.now());
    auth_.forget(id);
  }
  // An unrevoked key; throws ApiError 404.
  ports::ApiKeyRecord find_active(const std::string& id);
  // An unrevoked key's departments and/or availability; throws ApiError 404.
  ports::ApiKeyRecord update_agent(const std::string& id, const ports::KeyStore::AgentChange& c);
  http::Response me(http::RequestContext& ctx);

 private:
  auth::Authenticator& auth_;
  const ports::Clock& clock_;
};

// Validated {name, role, email, departments} of POST /api/keys; throws ApiError 400 naming
// the field. The departments are as sent (the gateway resolves them to canonical names).
auth::NewKey validate_new_key(const nlohmann::json& body);
// `departments` of a body: an array of at most 50 department names, each 1 to 100
// characters; throws ApiError 400 (field departments).
std::vector<std::string> departments_from(const nlohmann::json& value);
// {"availability": "available" | "away"}; throws ApiError 400 (field availability).
domain::Availability availability_from(const nlohmann::json& body);

nlohmann::json key_json(const ports::ApiKeyRecord& key);
// The 201 answer of POST /api/keys: the key and, once, its secret.
http::Response created_key_response(const auth::IssuedKey& issued);

}  // namespace st::services::gateway
