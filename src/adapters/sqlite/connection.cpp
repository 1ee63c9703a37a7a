#include "adapters/sqlite/connection.hpp"

#include <sqlite3.h>

#include <string>

namespace st::adapters::sqlite {

Connection::Connection(const std::string& path, Mode mode, std::chrono::milliseconds busy_timeout,
                       const char* vfs, Durability durability) {
  // NOMUTEX: the Database guarantees one thread per connection at a time, so SQLite's own
  // per-connection mutex would be pure overhead.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Mode::writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    // A handle is returned even on most failures; read its message before closing it.
    std::string what = std::string("sqlite: cannot open '") + path +
                       "': " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, what);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
    exec("PRAGMA foreign_keys = ON");
    if (mode == Mode::writer) {
      // WAL is a property of the file (persistent). FULL syncs the WAL at every commit: an
      // answered write survives an OS crash or power cut. NORMAL skips that fsync, which in
      // WAL mode can lose the last commits on power loss but never corrupts.
      auto q = query("PRAGMA journal_mode = WAL");
      if (!q.step() || q.text(0) != "wal")
        throw SqliteError(SQLITE_ERROR, "sqlite: cannot switch '" + path + "' to WAL mode");
      exec(durability == Durability::full ? "PRAGMA synchronous = FULL"
                                          : "PRAGMA synchronous = NORMAL");
      // When the WAL restarts, its file is cut back to this size rather than left at its
      // largest.
      exec("PRAGMA journal_size_limit = 67108864");
    } else if (mode == Mode::reader) {
      // Readers are opened read-write (WAL readers need the shared-memory index) but refuse
      // any change: a write through a reader would bypass the writer lock.
      exec("PRAGMA query_only = ON");
    }
  } catch (...) {
    cache_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  cache_.clear();  // every statement must be finalized before the close succeeds
  sqlite3_close(db_);
}

Query Connection::query(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  } else if (it->second->in_use) {
    // The same SQL is already mid-use on this connection (a nested call): use a one-off.
    return Query(std::make_unique<Statement>(db_, sql));
  }
  return Query(*it->second);
}

void Connection::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what =
        std::string("sqlite: ") + (message ? message : sqlite3_errstr(rc)) + " [" + sql + "]";
    sqlite3_free(message);
    throw SqliteError(sqlite3_extended_errcode(db_), what);
  }
}

std::int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

bool Connection::autocommit() const {
  return sqlite3_get_autocommit(db_) != 0;
}

}  // namespace st::adapters::sqlite
