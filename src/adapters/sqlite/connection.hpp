#pragma once
// One SQLite connection with its prepared-statement cache. A Connection is used by one thread
// at a time (Database hands them out), so it carries no lock of its own.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/sqlite/statement.hpp"

namespace st::adapters::sqlite {

class Connection {
 public:
  // writer: creates the file, sets WAL. reader: refuses writes (query_only).
  // checkpointer: only ever runs checkpoints.
  enum class Mode { writer, reader, checkpointer };
  // When a commit reaches the disk (the writer's PRAGMA synchronous). full: the WAL is synced
  // at every commit, so a committed transaction survives a power cut; normal: only at
  // checkpoints, so a power cut may lose the last commits (never corrupts the file).
  enum class Durability { full, normal };

  // Opens (creating if needed, for the writer) and applies the per-connection pragmas.
  // `vfs` is an SQLite VFS name, nullptr for the default.
  Connection(const std::string& path, Mode mode, std::chrono::milliseconds busy_timeout,
             const char* vfs = nullptr, Durability durability = Durability::full);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A use of the statement for `sql`, prepared on first use and then reset and rebound on
  // every later one. `sql` must be a fixed string of ours: user input only ever goes in
  // through bind(), so the cache stays bounded and injection is impossible.
  Query query(std::string_view sql);
  // Runs a script of unparameterized statements (pragmas, DDL, BEGIN/COMMIT).
  void exec(const char* sql);

  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;
  // True outside any explicit transaction.
  bool autocommit() const;
  sqlite3* handle() const { return db_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_ = nullptr;
  // Heterogeneous lookup: finding a cached statement does not allocate a std::string.
  std::unordered_map<std::string, std::unique_ptr<Statement>, Hash, std::equal_to<>> cache_;
};

}  // namespace st::adapters::sqlite
