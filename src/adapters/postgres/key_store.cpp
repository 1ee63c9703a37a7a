#include "adapters/postgres/key_store.hpp"

#include <stdexcept>
#include <string>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/row_decoders.hpp"

namespace st::adapters::postgres {
namespace {

using ports::ApiKeyRecord;

// DO NOTHING on the primary key: a taken id is an answer (the caller generates another),
// not an error.
constexpr const char* kInsert = "INSERT INTO api_keys (" ST_KEY_COLUMNS
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                "ON CONFLICT (id) DO NOTHING RETURNING id";
// SHARE ROW EXCLUSIVE conflicts with itself and with every write to the table: two
// instances creating their first admin key take turns, and the second then sees the first's
// key. Taken once per start, so blocking other key writes for a moment costs nothing.
constexpr const char* kLock = "LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE";
constexpr const char* kAnyActive =
    "SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)";
constexpr const char* kFind = "SELECT " ST_KEY_COLUMNS " FROM api_keys WHERE id = $1";
// id is COLLATE "C": ties on created_at sort by bytes, as the embedded store sorts them.
constexpr const char* kListActive =
    "SELECT " ST_KEY_COLUMNS " FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id";
constexpr const char* kRevoke =
    "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";

ApiKeyRecord key_from_row(const pqxx::row& row) {
  return sql::key_from_row(RowReader(row));
}

void check_storable(const ApiKeyRecord& k) {
  bool departments_ok = true;
  for (const auto& d : k.departments) departments_ok = departments_ok && storable_text(d);
  if (!storable_text(k.id) || !storable_text(k.name) || !storable_text(k.email) ||
      !storable_text(k.secret_hash) || !departments_ok)
    throw std::invalid_argument("API key id, name, email and hash must be UTF-8 text");
}

bool insert(Tx& tx, const ApiKeyRecord& k) {
  return !tx.exec(kInsert, k.id, k.name, std::string(domain::to_string(k.role)), k.email,
                  k.secret_hash, k.created_at, k.revoked_at, sql::departments_column(k.departments),
                  std::string(domain::to_string(k.availability)))
              .empty();
}

}  // namespace

PgKeyStore::PgKeyStore(Database& db) : db_(db) {
  migrate_gateway(db_);
}

bool PgKeyStore::create(const ApiKeyRecord& key) {
  check_storable(key);
  return db_.write([&](Tx& tx) { return insert(tx, key); });
}

bool PgKeyStore::create_if_none_active(const ApiKeyRecord& key) {
  check_storable(key);
  return db_.write([&](Tx& tx) {
    tx.exec(kLock);
    // READ COMMITTED: this statement's snapshot is taken after the lock was granted, so it
    // sees a key the previous holder committed.
    if (tx.exec(kAnyActive)[0][0].as<bool>()) return false;
    return insert(tx, key);
  });
}

std::optional<ApiKeyRecord> PgKeyStore::find(std::string_view id) {
  if (!storable_text(id)) return std::nullopt;  // no such key can have been stored
  const std::string i(id);
  return db_.read([&](Tx& tx) -> std::optional<ApiKeyRecord> {
    const auto rows = tx.exec(kFind, i);
    if (rows.empty()) return std::nullopt;
    return key_from_row(rows[0]);
  });
}

std::vector<ApiKeyRecord> PgKeyStore::list_active() {
  return db_.read([&](Tx& tx) {
    std::vector<ApiKeyRecord> out;
    for (const auto& row : tx.exec(kListActive)) out.push_back(key_from_row(row));
    return out;
  });
}

std::optional<ApiKeyRecord> PgKeyStore::update_agent(std::string_view id,
                                                     const AgentChange& change) {
  if (!storable_text(id)) return std::nullopt;
  const std::string i(id);
  return db_.write([&](Tx& tx) -> std::optional<ApiKeyRecord> {
    // FOR UPDATE: two changes of one key (departments here, availability on another gateway
    // instance) take turns instead of one overwriting the other's field.
    const auto rows = tx.exec(std::string(kFind) + " FOR UPDATE", i);
    if (rows.empty()) return std::nullopt;
    auto key = key_from_row(rows[0]);
    if (key.revoked_at) return std::nullopt;
    if (change.departments) key.departments = *change.departments;
    if (change.availability) key.availability = *change.availability;
    check_storable(key);
    tx.exec("UPDATE api_keys SET departments = $1, availability = $2 WHERE id = $3",
            sql::departments_column(key.departments),
            std::string(domain::to_string(key.availability)), i);
    return key;
  });
}

bool PgKeyStore::revoke(std::string_view id, domain::Millis now) {
  if (!storable_text(id)) return false;
  const std::string i(id);
  return db_.write([&](Tx& tx) { return tx.exec(kRevoke, now, i).affected_rows() > 0; });
}

std::string PgKeyStore::install_secret(const std::string& candidate) {
  return db_.write([&](Tx& tx) {
    // A concurrent first insert makes this one wait for its commit and then do nothing; the
    // SELECT (a new snapshot under READ COMMITTED) then sees the winner's value.
    tx.exec(
        "INSERT INTO gateway_secrets (name, value) VALUES ('ticket_tokens', $1) "
        "ON CONFLICT (name) DO NOTHING",
        candidate);
    return tx.exec("SELECT value FROM gateway_secrets WHERE name = 'ticket_tokens'")[0][0]
        .as<std::string>();
  });
}

}  // namespace st::adapters::postgres
