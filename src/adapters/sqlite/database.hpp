#pragma once
// One SQLite data file in WAL mode, shared by every embedded store of the process.
//
// Writes: SQLite allows one writer at a time anyway, so there is exactly one writer
// connection, guarded by a mutex; a WriteTransaction holds it while its work runs.
//
// Group commit: most of a commit's cost is fixed (file-lock calls, WAL frames for pages
// every transaction touches: the tail of each table and index). When other writers are
// already queued for the mutex, a finished WriteTransaction leaves SQLite's transaction
// open and hands the writer to the next one, which runs inside it under a SAVEPOINT; the
// last of the queue (or the kMaxGroup-th) COMMITs for all and wakes them. Each
// WriteTransaction is still all-or-nothing on its own (a failure rolls back to its
// savepoint, not the others' work) and commit() returns only once its work is durable in
// the WAL, so callers see the same semantics as one BEGIN IMMEDIATE..COMMIT each. With no
// queue (one writer thread) it is exactly BEGIN IMMEDIATE..COMMIT.
//
// Reads: a pool of reader connections. In WAL mode readers see the last committed state and
// never block the writer or each other, so a read takes a connection from the pool (or opens
// a new one when all are busy) and gives it back: no lock is held while SQL runs.
//
// Use one Database per file per process: two instances on the same file would contend on
// SQLite's file lock (busy-waiting) instead of on the writer mutex.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "adapters/sqlite/connection.hpp"

namespace st::adapters::sqlite {

struct DatabaseOptions {
  // How long a connection waits for a lock held by another process before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
  // Reader connections kept open between reads; more are opened when needed and closed
  // again when returned to a full pool.
  std::size_t max_idle_readers = 16;
};

class Database {
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

  struct WriteStats {
    std::uint64_t commits = 0;       // SQLite COMMITs that succeeded
    std::uint64_t transactions = 0;  // WriteTransaction members in them (rolled-back
                                     // members of a committed group included)
  };
  // transactions / commits is the average group size.
  WriteStats write_stats() const {
    return {commits_.load(std::memory_order_relaxed), grouped_.load(std::memory_order_relaxed)};
  }

  // Runs `f(Connection&)` in a write transaction on the writer connection (see
  // WriteTransaction) and returns its result once committed. If `f` throws, its writes are
  // rolled back and the exception propagates. Must not be nested (the writer mutex is not
  // recursive), and `f` must not wait for another thread that may be writing: with group
  // commit, a writer's COMMIT can depend on the next writer's `f` finishing.
  template <class F>
  std::invoke_result_t<F&, Connection&> write(F&& f);

  // Runs `f(Connection&)` on a pooled reader connection. Each statement sees the latest
  // commit; use read_snapshot when several statements must agree with each other.
  template <class F>
  std::invoke_result_t<F&, Connection&> read(F&& f);

  // Like read, inside one read transaction: every statement sees the same snapshot.
  template <class F>
  std::invoke_result_t<F&, Connection&> read_snapshot(F&& f);

 private:
  friend class WriteTransaction;
  friend class ReaderLease;

  std::unique_ptr<Connection> acquire_reader();
  void release_reader(std::unique_ptr<Connection> c);

  std::string path_;
  DatabaseOptions options_;

  // Writer side. write_mutex_ is held while a WriteTransaction's work runs; the fields
  // after it are guarded by it.
  struct Group {
    bool done = false;  // guarded by group_mutex_
    std::exception_ptr error;
  };
  std::atomic<int> writers_waiting_{0};  // threads blocked on write_mutex_
  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::shared_ptr<Group> open_group_;  // set while SQLite's transaction is open
  int open_group_size_ = 0;
  std::atomic<std::uint64_t> commits_{0}, grouped_{0};
  // Completion of a group, for the members waiting on its COMMIT.
  std::mutex group_mutex_;
  std::condition_variable group_done_;

  std::mutex readers_mutex_;  // guards only the free list, never held while SQL runs
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// One all-or-nothing unit of writes on the writer connection (RAII): rolled back unless
// commit() is called, so an exception anywhere in between leaves nothing of it written.
// Starts BEGIN IMMEDIATE, or joins the group transaction still open (see the top).
class WriteTransaction {
 public:
  // Most transactions committed together; bounds the wait of the group's first member.
  static constexpr int kMaxGroup = 64;

  explicit WriteTransaction(Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Connection& connection() { return conn_; }
  // Returns once the work is committed; throws if the COMMIT failed (nothing was written).
  void commit();

 private:
  // Commits the group now, or leaves it to a writer queued behind; then releases the writer.
  void finish_group();
  // Closes the group (committed, or rolled back with `error`), releases the writer and
  // wakes the members waiting for the outcome.
  void end_group(std::exception_ptr error);

  Database& db_;
  std::unique_lock<std::mutex> lock_;
  Connection& conn_;
  std::shared_ptr<Database::Group> group_;
  bool first_ = false;  // began the transaction (no savepoint of its own)
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
