#include "adapters/sqlite/key_store.hpp"

#include <sqlite3.h>

#include <string>

#include "adapters/sql/row_decoders.hpp"
#include "adapters/sqlite/migrations.hpp"

namespace st::adapters::sqlite {
namespace {

using ports::ApiKeyRecord;
using sql::key_from_row;

// DO NOTHING on the primary key: a taken id is an answer (the caller generates another),
// not an error.
constexpr const char* kInsert = "INSERT INTO api_keys (" ST_KEY_COLUMNS
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT(id) DO NOTHING";
constexpr const char* kAnyActive =
    "SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)";
constexpr const char* kFind = "SELECT " ST_KEY_COLUMNS " FROM api_keys WHERE id = ?";
// Ties on created_at in id order (bytes), as the PostgreSQL store sorts them.
constexpr const char* kListActive =
    "SELECT " ST_KEY_COLUMNS " FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id";
constexpr const char* kRevoke =
    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

bool insert(Connection& c, const ApiKeyRecord& k) {
  c.query(kInsert)
      .bind_all(k.id, k.name, domain::to_string(k.role), k.email, k.secret_hash, k.created_at,
                k.revoked_at, sql::departments_column(k.departments),
                domain::to_string(k.availability))
      .run();
  return c.changes() > 0;
}

}  // namespace

SqliteKeyStore::SqliteKeyStore(Database& db) : db_(db) {
  migrate_gateway(db_);
}

bool SqliteKeyStore::create(const ApiKeyRecord& key) {
  return db_.write([&](Connection& c) { return insert(c, key); });
}

bool SqliteKeyStore::create_if_none_active(const ApiKeyRecord& key) {
  // Check and insert in one write transaction (BEGIN IMMEDIATE): another process sharing
  // the file waits for the lock, then sees this key.
  return db_.write([&](Connection& c) {
    auto any = c.query(kAnyActive);
    any.step();
    if (any.int64(0) != 0) return false;
    return insert(c, key);
  });
}

std::optional<ApiKeyRecord> SqliteKeyStore::find(std::string_view id) {
  return db_.read(
      [&](Connection& c) { return c.query(kFind).bind_all(id).first_row(key_from_row<Query>); });
}

std::vector<ApiKeyRecord> SqliteKeyStore::list_active() {
  return db_.read([&](Connection& c) { return c.query(kListActive).rows(key_from_row<Query>); });
}

std::optional<ApiKeyRecord> SqliteKeyStore::update_agent(std::string_view id,
                                                         const AgentChange& change) {
  return db_.write([&](Connection& c) -> std::optional<ApiKeyRecord> {
    auto key = c.query(kFind).bind_all(id).first_row(key_from_row<Query>);
    if (!key || key->revoked_at) return std::nullopt;
    if (change.departments) key->departments = *change.departments;
    if (change.availability) key->availability = *change.availability;
    c.query("UPDATE api_keys SET departments = ?, availability = ? WHERE id = ?")
        .bind_all(sql::departments_column(key->departments), domain::to_string(key->availability),
                  id)
        .run();
    return key;
  });
}

bool SqliteKeyStore::revoke(std::string_view id, domain::Millis now) {
  return db_.write([&](Connection& c) {
    c.query(kRevoke).bind_all(now, id).run();
    return c.changes() > 0;
  });
}

std::string SqliteKeyStore::install_secret(const std::string& candidate) {
  return db_.write([&](Connection& c) {
    c.query(
         "INSERT INTO gateway_secrets (name, value) VALUES ('ticket_tokens', ?) "
         "ON CONFLICT(name) DO NOTHING")
        .bind_all(candidate)
        .run();
    auto q = c.query("SELECT value FROM gateway_secrets WHERE name = 'ticket_tokens'");
    q.step();
    return q.text(0);
  });
}

}  // namespace st::adapters::sqlite
