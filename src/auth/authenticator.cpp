#include "auth/authenticator.hpp"

#include <mutex>

#include "auth/api_key.hpp"

namespace st::auth {

namespace {
// Unknown ids are cached too (a guesser must not reach the database on every try); the table
// is cleared when it grows past this, which costs one lookup per live key.
constexpr std::size_t kMaxCachedKeys = 10'000;
}  // namespace

Authenticator::Authenticator(ports::KeyStore& store, const ports::Clock& clock,
                             std::chrono::milliseconds cache_ttl)
    : store_(store),
      clock_(clock),
      tokens_(store.install_secret(random_hex(32))),
      ttl_ms_(cache_ttl.count()) {}

domain::Principal principal_of(const ports::ApiKeyRecord& key) {
  domain::Principal p;
  p.kind = domain::Principal::Kind::key;
  p.key_id = key.id;
  p.name = key.name;
  p.role = key.role;
  p.email = key.email;
  return p;
}

std::optional<ports::ApiKeyRecord> Authenticator::lookup(const std::string& id) {
  const auto now = clock_.now();
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end() && now - it->second.fetched_at < ttl_ms_) return it->second.key;
  }
  auto key = store_.find(id);  // outside the lock: a slow database must not stall other keys
  std::unique_lock lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[id] = Entry{key, now};
  return key;
}

std::optional<domain::Principal> Authenticator::authenticate(std::string_view credential) {
  if (credential.starts_with(kTicketTokenPrefix)) {
    const auto ticket = tokens_.verify(credential);
    if (!ticket) return std::nullopt;
    domain::Principal p;
    p.kind = domain::Principal::Kind::ticket_token;
    p.ticket_id = *ticket;
    return p;
  }
  const auto id = key_id_of(credential);
  if (!id) return std::nullopt;
  const auto key = lookup(*id);
  // Hash and compare even when the id is unknown would not hide more: the id is not secret.
  if (!key || key->revoked_at) return std::nullopt;
  if (!same_hash(hash_key(credential), key->secret_hash)) return std::nullopt;
  return principal_of(*key);
}

void Authenticator::forget(const std::string& key_id) {
  std::unique_lock lock(mu_);
  cache_.erase(key_id);
}

}  // namespace st::auth
