#pragma once
// The gateway's API keys (docs/api.md, "Access"). Only a key's hash is stored; the key text
// itself is shown once, on creation. Embedded: the data file; distributed: the gateway's own
// PostgreSQL tables, shared by every gateway instance.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/principal.hpp"
#include "domain/time.hpp"

namespace st::ports {

struct ApiKeyRecord {
  std::string id;  // the visible part of the key (auth::key_id_of)
  std::string name;
  domain::Role role = domain::Role::requester;
  std::string email;        // required for requesters; may be empty for agents and admins
  std::string secret_hash;  // auth::hash_key of the whole key text
  domain::Millis created_at = 0;
  std::optional<domain::Millis> revoked_at;  // set once revoked; a revoked key never works

  bool operator==(const ApiKeyRecord&) const = default;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Stores a new key. False when a key with the same id exists (the caller generates again).
  virtual bool create(const ApiKeyRecord& key) = 0;
  // Stores `key` only if no unrevoked key exists, atomically with that check (several
  // gateway instances may start at once): the first start's admin key. True when stored.
  virtual bool create_if_none_active(const ApiKeyRecord& key) = 0;
  // The key with this id, revoked or not.
  virtual std::optional<ApiKeyRecord> find(std::string_view id) = 0;
  // Every key that is not revoked, oldest first.
  virtual std::vector<ApiKeyRecord> list_active() = 0;
  // Revokes at `now`. False when there is no such key or it was already revoked.
  virtual bool revoke(std::string_view id, domain::Millis now) = 0;
  // The installation's secret for signing ticket tokens: `candidate` (random) is stored on
  // first use, atomically; every later call, on any gateway instance, returns the stored one.
  virtual std::string install_secret(const std::string& candidate) = 0;
};

}  // namespace st::ports
