#include "adapters/sqlite/idempotency_store.hpp"

#include "adapters/sql/row_decoders.hpp"
#include "adapters/sqlite/migrations.hpp"

namespace st::adapters::sqlite {
namespace {

using ports::IdempotencyClaim;
using ports::StoredAnswer;

// Takes the key when it is free: no row, or one that counts as absent (expired, or an
// unfinished claim whose lease ended), which the new claim replaces whole. changes() then
// says whether this claim started.
constexpr const char* kClaim =
    "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
    "created_at = excluded.created_at, completed_at = NULL, status = NULL, "
    "content_type = NULL, location = NULL, body = NULL "
    "WHERE created_at < ?5 OR (completed_at IS NULL AND created_at < ?6)";
constexpr const char* kExisting =
    "SELECT fingerprint, completed_at IS NULL, status, content_type, location, body "
    "FROM idempotency_keys WHERE scope = ? AND key = ?";
// Only an unfinished claim takes an answer: a finished one keeps its first answer.
constexpr const char* kComplete =
    "UPDATE idempotency_keys SET completed_at = ?, status = ?, content_type = ?, location = ?, "
    "body = ? WHERE scope = ? AND key = ? AND completed_at IS NULL";
constexpr const char* kAbandon =
    "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND completed_at IS NULL";
constexpr const char* kPurge = "DELETE FROM idempotency_keys WHERE created_at < ?";

}  // namespace

SqliteIdempotencyStore::SqliteIdempotencyStore(Database& db) : db_(db) {
  migrate_gateway(db_);
}

IdempotencyClaim SqliteIdempotencyStore::claim(const std::string& scope, const std::string& key,
                                               const std::string& fingerprint, domain::Millis now,
                                               domain::Millis expire_before,
                                               domain::Millis lease_before) {
  // One write transaction: no other claim can come between the insert and the look at the
  // row that stopped it.
  return db_.write([&](Connection& c) {
    c.query(kClaim).bind_all(scope, key, fingerprint, now, expire_before, lease_before).run();
    if (c.changes() > 0) return IdempotencyClaim{IdempotencyClaim::Outcome::started, {}};
    auto q = c.query(kExisting);
    q.bind_all(scope, key);
    q.step();  // the row is there: it is what stopped the insert
    return sql::existing_claim(q, fingerprint);
  });
}

void SqliteIdempotencyStore::complete(const std::string& scope, const std::string& key,
                                      const StoredAnswer& answer, domain::Millis now) {
  db_.write([&](Connection& c) {
    c.query(kComplete)
        .bind_all(now, answer.status, answer.content_type, answer.location, answer.body, scope, key)
        .run();
  });
}

void SqliteIdempotencyStore::abandon(const std::string& scope, const std::string& key) {
  db_.write([&](Connection& c) { c.query(kAbandon).bind_all(scope, key).run(); });
}

std::size_t SqliteIdempotencyStore::purge(domain::Millis before) {
  return db_.write([&](Connection& c) {
    c.query(kPurge).bind(1, before).run();
    return static_cast<std::size_t>(c.changes());
  });
}

}  // namespace st::adapters::sqlite
