#pragma once
// ports::IdempotencyStore on PostgreSQL: the gateway's idempotency_keys table, shared by
// every gateway instance, so a repeat is replayed whichever instance it reaches. Same rules
// as the embedded store (sqlite/idempotency_store).
#include <cstddef>
#include <string>

#include "adapters/postgres/database.hpp"
#include "ports/idempotency_store.hpp"

namespace st::adapters::postgres {

class PgIdempotencyStore final : public ports::IdempotencyStore {
 public:
  // Migrates the gateway's tables (idempotent, safe when several instances start at once).
  // `db` must outlive the store. Throws ports::Unavailable if the server cannot be reached.
  explicit PgIdempotencyStore(Database& db);

  // Throws std::invalid_argument when scope, key or fingerprint is text PostgreSQL cannot
  // hold (not UTF-8, or a NUL): the gateway is to refuse such a key before claiming it.
  ports::IdempotencyClaim claim(const std::string& scope, const std::string& key,
                                const std::string& fingerprint, domain::Millis now,
                                domain::Millis expire_before, domain::Millis lease_before) override;
  // Throws std::invalid_argument when content_type or location is not storable text; the
  // body is stored as bytes, whatever it holds.
  void complete(const std::string& scope, const std::string& key, const ports::StoredAnswer& answer,
                domain::Millis now) override;
  void abandon(const std::string& scope, const std::string& key) override;
  std::size_t purge(domain::Millis before) override;

 private:
  Database& db_;
};

}  // namespace st::adapters::postgres
