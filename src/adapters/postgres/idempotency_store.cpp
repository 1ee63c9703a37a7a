#include "adapters/postgres/idempotency_store.hpp"

#include <stdexcept>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/row_decoders.hpp"

namespace st::adapters::postgres {
namespace {

using ports::IdempotencyClaim;
using ports::StoredAnswer;

// Takes the key when it is free: no row, or one that counts as absent (expired, or an
// unfinished claim whose lease ended), which the new claim replaces whole. RETURNING says
// whether this claim started. A concurrent claim of the same key waits for this
// transaction, then finds the row taken. ON CONFLICT DO UPDATE locks the conflicting row
// even when the WHERE leaves it unchanged, so it cannot be abandoned or purged before
// kExisting reads it.
constexpr const char* kClaim =
    "INSERT INTO idempotency_keys AS i (scope, key, fingerprint, created_at) "
    "VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
    "created_at = excluded.created_at, completed_at = NULL, status = NULL, "
    "content_type = NULL, location = NULL, body = NULL "
    "WHERE i.created_at < $5 OR (i.completed_at IS NULL AND i.created_at < $6) "
    "RETURNING true";
constexpr const char* kExisting =
    "SELECT fingerprint, completed_at IS NULL, status, content_type, location, body "
    "FROM idempotency_keys WHERE scope = $1 AND key = $2";
// Only an unfinished claim takes an answer: a finished one keeps its first answer.
constexpr const char* kComplete =
    "UPDATE idempotency_keys SET completed_at = $1, status = $2, content_type = $3, "
    "location = $4, body = $5 WHERE scope = $6 AND key = $7 AND completed_at IS NULL";
constexpr const char* kAbandon =
    "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND completed_at IS NULL";
constexpr const char* kPurge = "DELETE FROM idempotency_keys WHERE created_at < $1";

}  // namespace

PgIdempotencyStore::PgIdempotencyStore(Database& db) : db_(db) {
  migrate_gateway(db_);
}

IdempotencyClaim PgIdempotencyStore::claim(const std::string& scope, const std::string& key,
                                           const std::string& fingerprint, domain::Millis now,
                                           domain::Millis expire_before,
                                           domain::Millis lease_before) {
  if (!storable_text(scope) || !storable_text(key) || !storable_text(fingerprint))
    throw std::invalid_argument("idempotency scope, key and fingerprint must be UTF-8 text");
  return db_.write([&](Tx& tx) {
    if (!tx.exec(kClaim, scope, key, fingerprint, now, expire_before, lease_before).empty())
      return IdempotencyClaim{IdempotencyClaim::Outcome::started, {}};
    const auto rows = tx.exec(kExisting, scope, key);
    if (rows.empty())  // cannot happen while kClaim holds the row's lock
      throw std::logic_error("idempotency_keys: a claimed row vanished");
    return sql::existing_claim(RowReader(rows[0]), fingerprint);
  });
}

void PgIdempotencyStore::complete(const std::string& scope, const std::string& key,
                                  const StoredAnswer& answer, domain::Millis now) {
  if (!storable_text(scope) || !storable_text(key)) return;  // never claimed: nothing to do
  if (!storable_text(answer.content_type) || !storable_text(answer.location))
    throw std::invalid_argument("stored answer's content type and location must be UTF-8 text");
  const pqxx::binarystring body(answer.body);
  db_.write([&](Tx& tx) {
    tx.exec(kComplete, now, answer.status, answer.content_type, answer.location, body, scope, key);
  });
}

void PgIdempotencyStore::abandon(const std::string& scope, const std::string& key) {
  if (!storable_text(scope) || !storable_text(key)) return;
  db_.write([&](Tx& tx) { tx.exec(kAbandon, scope, key); });
}

std::size_t PgIdempotencyStore::purge(domain::Millis before) {
  return db_.write(
      [&](Tx& tx) { return static_cast<std::size_t>(tx.exec(kPurge, before).affected_rows()); });
}

}  // namespace st::adapters::postgres
