#pragma once
// One SQLite data file in WAL mode, shared by every embedded store of the process.
//
// Writes: SQLite allows one writer at a time anyway, so there is exactly one writer
// connection, guarded by a mutex; a WriteTransaction holds it for BEGIN IMMEDIATE..COMMIT.
// (Group commit, several writers' transactions sharing one COMMIT, was measured and left
// out: on a 2-core machine the extra thread hand-offs cost as much CPU as the shared
// commits saved. Keep write transactions short instead.)
//
// Reads: a pool of reader connections. In WAL mode readers see the last committed state and
// never block the writer or each other, so a read takes a connection from the pool (or opens
// a new one when all are busy) and gives it back: no lock is held while SQL runs.
//
// Use one Database per file per process: two instances on the same file would contend on
// SQLite's file lock (busy-waiting) instead of on the writer mutex.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "adapters/sqlite/checkpointer.hpp"
#include "adapters/sqlite/connection.hpp"
#include "ports/health_check.hpp"

namespace st::adapters::sqlite {

struct DatabaseOptions {
  // How long a connection waits for a lock held by another process before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
  // Reader connections kept open between reads; more are opened when needed and closed
  // again when returned to a full pool.
  std::size_t max_idle_readers = 16;
  // Opens the file through SQLite's "unix-excl" VFS: the process takes an exclusive lock
  // on the file, so no other process (not even the sqlite3 shell) can open it while this
  // one runs, and the WAL index lives in heap memory. In exchange every transaction skips
  // its file-lock system calls: 13-25% less CPU per write transaction, measured.
  // Connections of this process are unaffected.
  bool exclusive_process = false;
  // WAL size (pages) at which a background thread checkpoints it into the main file (see
  // Checkpointer); the writer does it itself past 8 times this. 0: SQLite's default
  // auto-checkpoint, run by the committing writer.
  int checkpoint_pages = 1000;
  // When a commit reaches the disk (Connection::Durability): full by default, so nothing
  // answered is lost to a power cut.
  Connection::Durability durability = Connection::Durability::full;
};

class Database final : public ports::HealthCheck {
 public:
  // Opens or creates the file (its directory must exist). `path` must name a file:
  // ":memory:" would give every connection a database of its own.
  explicit Database(std::string path, DatabaseOptions options = {});
  // Closes every connection; the writer checkpoints the WAL into the main file first.
  // No read or write may be in progress.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }

  // /health's "database": opens the file anew and reads its schema (a deleted, unreadable or
  // damaged file fails, though the pooled connections may still read their cached pages).
  std::string health_name() const override { return "database"; }
  ports::Probe probe() noexcept override;

  // Runs `f(Connection&)` inside BEGIN IMMEDIATE..COMMIT on the writer connection and
  // returns its result. If `f` throws, the transaction is rolled back and the exception
  // propagates. Must not be nested (the writer mutex is not recursive).
  template <class F>
  std::invoke_result_t<F&, Connection&> write(F&& f);

  // Runs `f(Connection&)` on a pooled reader connection. Each statement sees the latest
  // commit; use read_snapshot when several statements must agree with each other.
  template <class F>
  std::invoke_result_t<F&, Connection&> read(F&& f);

  // Like read, inside one read transaction: every statement sees the same snapshot.
  template <class F>
  std::invoke_result_t<F&, Connection&> read_snapshot(F&& f);

  // The writer as metrics see it (app/store_metrics.hpp): write transactions begun, those
  // that found the writer taken, and the time they waited for it, in all.
  struct WriterStats {
    std::uint64_t writes = 0;
    std::uint64_t queued = 0;  // write transactions waiting for the writer now
    std::uint64_t waits = 0;
    double wait_seconds = 0;
  };
  WriterStats writer_stats() const;

 private:
  friend class WriteTransaction;
  friend class ReaderLease;

  const char* vfs() const { return options_.exclusive_process ? "unix-excl" : nullptr; }
  std::unique_ptr<Connection> acquire_reader();
  void release_reader(std::unique_ptr<Connection> c);

  std::string path_;
  DatabaseOptions options_;

  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::atomic<std::uint64_t> writes_{0}, writer_waits_{0}, writer_wait_ns_{0}, writer_queue_{0};
  std::unique_ptr<Checkpointer> checkpointer_;

  std::mutex readers_mutex_;  // guards only the free list, never held while SQL runs
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// Holds the writer for one BEGIN IMMEDIATE transaction; rolls back unless commit() was
// called (so an exception anywhere in between leaves nothing written).
class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Connection& connection() { return conn_; }
  void commit();

 private:
  std::unique_lock<std::mutex> lock_;
  Connection& conn_;
  bool done_ = false;
};

// A reader connection borrowed from the pool for the lifetime of this object.
class ReaderLease {
 public:
  explicit ReaderLease(Database& db) : db_(db), conn_(db.acquire_reader()) {}
  ~ReaderLease() { db_.release_reader(std::move(conn_)); }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;

  Connection& connection() { return *conn_; }

 private:
  Database& db_;
  std::unique_ptr<Connection> conn_;
};

template <class F>
std::invoke_result_t<F&, Connection&> Database::write(F&& f) {
  using R = std::invoke_result_t<F&, Connection&>;
  WriteTransaction tx(*this);
  if constexpr (std::is_void_v<R>) {
    f(tx.connection());
    tx.commit();
  } else {
    R result = f(tx.connection());
    tx.commit();
    return result;
  }
}

template <class F>
std::invoke_result_t<F&, Connection&> Database::read(F&& f) {
  ReaderLease lease(*this);
  return f(lease.connection());
}

template <class F>
std::invoke_result_t<F&, Connection&> Database::read_snapshot(F&& f) {
  using R = std::invoke_result_t<F&, Connection&>;
  ReaderLease lease(*this);
  Connection& c = lease.connection();
  c.query("BEGIN").run();
  try {
    if constexpr (std::is_void_v<R>) {
      f(c);
      c.query("COMMIT").run();
    } else {
      R result = f(c);
      c.query("COMMIT").run();
      return result;
    }
  } catch (...) {
    // Never return a connection to the pool with a transaction still open.
    try {
      if (!c.autocommit()) c.exec("ROLLBACK");
    } catch (...) {
      // The lease discards a connection still inside a transaction.
    }
    throw;
  }
}

}  // namespace st::adapters::sqlite
