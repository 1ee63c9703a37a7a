#pragma once
// Issuing keys: a new key for POST /api/keys, and the first admin key of a fresh install
// (secure by default: the server never runs open unless told to).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.hpp"
#include "ports/key_store.hpp"

namespace st::auth {

struct NewKey {
  std::string name;
  domain::Role role = domain::Role::requester;
  std::string email;
  std::vector<std::string> departments = {};  // an agent's or admin's; canonical names
};

struct IssuedKey {
  ports::ApiKeyRecord record;
  std::string text;  // the whole key: shown once
};

// Generates and stores a key (a new id on the rare collision).
IssuedKey issue_key(ports::KeyStore& store, const NewKey& key, domain::Millis now);

struct Bootstrap {
  bool created = false;
  std::string key_id;
  std::filesystem::path written_to;  // empty when the key was given, not generated
};

// At start: if no unrevoked key exists, stores an admin key. With `given_key` (a key text from
// the deployment's secret, e.g. SMARTTICKET_ADMIN_KEY) that key is stored; otherwise a new
// one is generated and written to `key_file` with mode 0600 (the directory is created).
// Atomic across gateway instances starting together (KeyStore::create_if_none_active).
// Throws std::invalid_argument when `given_key` is not a well-formed key.
Bootstrap ensure_admin_key(ports::KeyStore& store, domain::Millis now,
                           const std::filesystem::path& key_file,
                           const std::optional<std::string>& given_key);

}  // namespace st::auth
