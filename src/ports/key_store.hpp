#pragma once
// The gateway's API keys (docs/api.md, "Access"). Only a key's hash is stored; the key text
// itself is shown once, on creation. Embedded: the data file; distributed: the gateway's own
// PostgreSQL tables, shared by every gateway instance.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/assignment.hpp"
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
  // An agent's (or admin's) departments, canonical names; a requester has none.
  std::vector<std::string> departments = {};
  domain::Availability availability = domain::Availability::available;

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
  // Changes an unrevoked key's departments and/or availability (what is set); the key as
  // stored afterwards, or nullopt when there is no such unrevoked key.
  struct AgentChange {
    std::optional<std::vector<std::string>> departments;
    std::optional<domain::Availability> availability;
  };
  virtual std::optional<ApiKeyRecord> update_agent(std::string_view id,
                                                   const AgentChange& change) = 0;
  // Revokes at `now`. False when there is no such key or it was already revoked.
  virtual bool revoke(std::string_view id, domain::Millis now) = 0;
  // The installation's secret for signing ticket tokens: `candidate` (random) is stored on
  // first use, atomically; every later call, on any gateway instance, returns the stored one.
  virtual std::string install_secret(const std::string& candidate) = 0;
};

}  // namespace st::ports
