#pragma once
// ports::KeyStore on PostgreSQL: the gateway's api_keys table, shared by every gateway
// instance, so a key created or revoked on one works (or stops working) on all of them.
// Same rules as the embedded store (sqlite/key_store).
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "ports/key_store.hpp"

namespace st::adapters::postgres {

class PgKeyStore final : public ports::KeyStore {
 public:
  // Migrates the gateway's tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgKeyStore(Database& db);

  // Throws std::invalid_argument for text PostgreSQL cannot hold (not UTF-8, or a NUL).
  bool create(const ports::ApiKeyRecord& key) override;
  // Atomic across instances: the check and the insert hold a table lock that the same call
  // on another instance waits for.
  bool create_if_none_active(const ports::ApiKeyRecord& key) override;
  std::optional<ports::ApiKeyRecord> find(std::string_view id) override;
  std::vector<ports::ApiKeyRecord> list_active() override;
  std::optional<ports::ApiKeyRecord> update_agent(std::string_view id,
                                                  const AgentChange& change) override;
  bool revoke(std::string_view id, domain::Millis now) override;
  std::string install_secret(const std::string& candidate) override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
