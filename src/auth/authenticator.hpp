#pragma once
// Turns a bearer credential into the caller it names: looks the key up by the id it carries,
// compares hashes in constant time, refuses revoked keys. Lookups are cached for a short time
// (cache_ttl) so a request costs a hash and a map lookup, not a database round trip; a key
// revoked on another gateway instance stops working within that time, one revoked here at once.
// Constructing one reads (or, the first time, stores) the installation's ticket-token secret.
#include <chrono>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/ticket_token.hpp"
#include "domain/principal.hpp"
#include "ports/clock.hpp"
#include "ports/key_store.hpp"

namespace st::auth {

class Authenticator {
 public:
  Authenticator(ports::KeyStore& store, const ports::Clock& clock,
                std::chrono::milliseconds cache_ttl = std::chrono::seconds(1));

  // The key's caller (or a ticket token's holder), or nullopt when the credential is not one
  // we issued, its secret is wrong or it is revoked (they look alike to the caller: 401).
  std::optional<domain::Principal> authenticate(std::string_view credential);
  // The token an anonymous create answers with (see TicketTokens).
  std::string ticket_token(domain::TicketId id) const { return tokens_.issue(id); }
  // Drops the cached lookup of `key_id` (after a revoke or a create on this instance).
  void forget(const std::string& key_id);

  ports::KeyStore& store() { return store_; }

 private:
  struct Entry {
    std::optional<ports::ApiKeyRecord> key;  // nullopt: no such id (cached too)
    domain::Millis fetched_at = 0;
  };
  std::optional<ports::ApiKeyRecord> lookup(const std::string& id);

  ports::KeyStore& store_;
  const ports::Clock& clock_;
  const TicketTokens tokens_;
  const domain::Millis ttl_ms_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

domain::Principal principal_of(const ports::ApiKeyRecord& key);

}  // namespace st::auth
