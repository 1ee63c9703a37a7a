#include "adapters/sqlite/statement.hpp"

#include <sqlite3.h>

#include <climits>

namespace st::adapters::sqlite {

SqliteError::SqliteError(int code, const std::string& what)
    : std::runtime_error(what), code_(code) {}

SqliteUnavailable::SqliteUnavailable(int code, const std::string& what)
    : ports::Unavailable(what), code_(code) {}

void throw_sqlite_error(sqlite3* db, int rc, std::string_view context) {
  const int code = db ? sqlite3_extended_errcode(db) : rc;
  std::string what = "sqlite: ";
  what += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) {
    what += " [";
    what += context;
    what += "]";
  }
  switch (code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_NOMEM:
      throw SqliteUnavailable(code, what);
    default:
      throw SqliteError(code, what);
  }
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX))
    throw SqliteError(SQLITE_TOOBIG, "SQL too long");
  // PREPARE_PERSISTENT: these statements live in a cache for the connection's lifetime.
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    throw_sqlite_error(db, rc, sql);
  }
  if (stmt_ == nullptr) throw SqliteError(SQLITE_MISUSE, "sqlite: empty SQL statement");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Query::Query(Statement& cached) : stmt_(&cached) {
  cached.in_use = true;
}

Query::Query(std::unique_ptr<Statement> owned) : stmt_(owned.get()), owned_(std::move(owned)) {
  stmt_->in_use = true;
}

Query::Query(Query&& other) noexcept : stmt_(other.stmt_), owned_(std::move(other.owned_)) {
  other.stmt_ = nullptr;
}

Query::~Query() {
  if (stmt_ == nullptr) return;
  // Reset ends the statement's implicit read transaction (an unreset SELECT would pin the
  // WAL and block checkpoints); clearing bindings drops the copies of bound text.
  sqlite3_reset(stmt_->handle());
  sqlite3_clear_bindings(stmt_->handle());
  stmt_->in_use = false;
}

void Query::check_bind(int rc) {
  if (rc != SQLITE_OK) throw_sqlite_error(stmt_->db(), rc, sqlite3_sql(stmt_->handle()));
}

Query& Query::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_->handle(), index, value));
  return *this;
}

Query& Query::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_->handle(), index, value));
  return *this;
}

Query& Query::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_->handle(), index));
  return *this;
}

Query& Query::bind(int index, std::string_view value) {
  check_bind(sqlite3_bind_text64(stmt_->handle(), index, value.data(), value.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

bool Query::step() {
  const int rc = sqlite3_step(stmt_->handle());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite_error(stmt_->db(), rc, sqlite3_sql(stmt_->handle()));
}

void Query::run() {
  while (step()) {
  }
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(stmt_->handle(), column) == SQLITE_NULL;
}

std::int64_t Query::int64(int column) const {
  return sqlite3_column_int64(stmt_->handle(), column);
}

int Query::int32(int column) const {
  return sqlite3_column_int(stmt_->handle(), column);
}

double Query::real(int column) const {
  return sqlite3_column_double(stmt_->handle(), column);
}

std::string Query::text(int column) const {
  // Text first, then its length: the documented order that avoids a second conversion.
  const auto* p = sqlite3_column_text(stmt_->handle(), column);
  const int n = sqlite3_column_bytes(stmt_->handle(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

std::optional<std::int64_t> Query::opt_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<int> Query::opt_int32(int column) const {
  if (is_null(column)) return std::nullopt;
  return int32(column);
}

std::optional<double> Query::opt_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::optional<std::string> Query::opt_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace st::adapters::sqlite
