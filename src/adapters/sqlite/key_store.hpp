#pragma once
// ports::KeyStore on the embedded database: the gateway's api_keys table.
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "ports/key_store.hpp"

namespace st::adapters::sqlite {

class SqliteKeyStore final : public ports::KeyStore {
 public:
  // Migrates the gateway's tables (idempotent). `db` must outlive the store.
  explicit SqliteKeyStore(Database& db);

  bool create(const ports::ApiKeyRecord& key) override;
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

}  // namespace st::adapters::sqlite
