#pragma once
// ports::IdempotencyStore on the embedded database: the gateway's idempotency_keys table.
#include <cstddef>
#include <string>

#include "adapters/sqlite/database.hpp"
#include "ports/idempotency_store.hpp"

namespace st::adapters::sqlite {

class SqliteIdempotencyStore final : public ports::IdempotencyStore {
 public:
  // Migrates the gateway's tables (idempotent). `db` must outlive the store.
  explicit SqliteIdempotencyStore(Database& db);

  ports::IdempotencyClaim claim(const std::string& scope, const std::string& key,
                                const std::string& fingerprint, domain::Millis now,
                                domain::Millis expire_before, domain::Millis lease_before) override;
  void complete(const std::string& scope, const std::string& key, const ports::StoredAnswer& answer,
                domain::Millis now) override;
  void abandon(const std::string& scope, const std::string& key) override;
  std::size_t purge(domain::Millis before) override;

 private:
  Database& db_;
};

}  // namespace st::adapters::sqlite
