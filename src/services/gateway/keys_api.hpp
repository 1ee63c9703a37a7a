#pragma once
// The gateway's own resources: API keys (POST/GET /api/keys, DELETE /api/keys/{id}) and the
// caller's identity (GET /api/me). Keys live in the gateway's store; a secret is returned
// once, by create, and never again.
#include "auth/authenticator.hpp"
#include "auth/key_issuer.hpp"
#include "http/beast.hpp"
#include "http/request_context.hpp"

namespace st::services::gateway {

class KeysApi {
 public:
  KeysApi(auth::Authenticator& authenticator, const ports::Clock& clock)
      : auth_(authenticator), clock_(clock) {}

  http::Response create(http::RequestContext& ctx);
  http::Response list(http::RequestContext& ctx);
  http::Response revoke(http::RequestContext& ctx);
  http::Response me(http::RequestContext& ctx) const;

 private:
  auth::Authenticator& auth_;
  const ports::Clock& clock_;
};

// Validated {name, role, email} of POST /api/keys; throws ApiError 400 naming the field.
auth::NewKey validate_new_key(const nlohmann::json& body);

nlohmann::json key_json(const ports::ApiKeyRecord& key);

}  // namespace st::services::gateway
