#pragma once
// One SQLite data file in WAL mode, shared by every embedded store of the process.
//
// Writes: SQLite allows one writer at a time anyway, so there is exactly one writer
// connection. Calls of write() that find it busy queue up and then share one transaction
// (group commit): the first caller to find the writer free becomes the leader, runs every
// queued call in one BEGIN IMMEDIATE..COMMIT, each inside its own SAVEPOINT (a call that
// throws rolls back only its own changes), commits once and wakes the others, whose write()
// then returns or throws as if it had run alone, and only once the commit is on disk. With
// synchronous=FULL every COMMIT is an fsync; one writer mutex made each call pay its own
// while every other writer waited (the writer was the create path's bottleneck), a group pays
// it once and writes a page its calls share (a queue's rows, an index leaf) once. There is
// no extra thread: the leader is one of the callers, so an uncontended write costs what it
// did. (Measured before durability=full was the default, with a dedicated commit thread,
// group commit saved nothing; docs/benchmarks.md has the figures with it.)
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
#include <optional>
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
  // returns its result once committed. If `f` throws, its changes are rolled back and the
  // exception propagates. Under load `f` runs on another caller's thread, in a transaction
  // shared with other calls (see above): it must not rely on thread-local state, take a lock
  // its caller holds, or call write() (nesting would wait for itself).
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
    std::uint64_t commits = 0;  // fewer than writes when calls shared a commit
    std::uint64_t queued = 0;   // write transactions waiting for the writer now
    std::uint64_t waits = 0;
    double wait_seconds = 0;
  };
  WriterStats writer_stats() const;

 private:
  friend class WriteTransaction;
  friend class ReaderLease;

  // One queued write() call: `call(context, writer)` runs it.
  struct PendingWrite {
    void (*call)(void*, Connection&) = nullptr;
    void* context = nullptr;
    std::exception_ptr error;
    bool done = false;    // guarded by group_mutex_
    bool queued = false;  // found the writer busy
    std::chrono::steady_clock::time_point queued_at;
  };
  template <class G>
  void run_write(G& g);
  // Queues `w` and returns once it ran and its transaction committed (or failed).
  void submit(PendingWrite& w);
  // The leader's work: runs `group` in one transaction, recording each call's error.
  void run_group(const std::vector<PendingWrite*>& group) noexcept;
  // For a WriteTransaction: waits until no group runs, then keeps the writer to itself.
  void take_writer();
  void give_back_writer();
  // Stats for calls that found the writer busy, counted when their turn comes.
  void count_wait(std::chrono::steady_clock::time_point queued_at);

  const char* vfs() const { return options_.exclusive_process ? "unix-excl" : nullptr; }
  std::unique_ptr<Connection> acquire_reader();
  void release_reader(std::unique_ptr<Connection> c);

  std::string path_;
  DatabaseOptions options_;

  // Guards the queue and the busy flag only; SQL runs outside it.
  std::mutex group_mutex_;
  std::condition_variable group_cv_;
  std::vector<PendingWrite*> pending_;
  bool writer_busy_ = false;
  std::unique_ptr<Connection> writer_;
  std::atomic<std::uint64_t> writes_{0}, commits_{0}, writer_waits_{0}, writer_wait_ns_{0},
      writer_queue_{0};
  std::unique_ptr<Checkpointer> checkpointer_;

  std::mutex readers_mutex_;  // guards only the free list, never held while SQL runs
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// Holds the writer for one BEGIN IMMEDIATE transaction of its own (no group); rolls back
// unless commit() was called (so an exception anywhere in between leaves nothing written).
class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Connection& connection() { return conn_; }
  void commit();

 private:
  Database& db_;
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

template <class G>
void Database::run_write(G& g) {
  PendingWrite w;
  w.context = &g;
  w.call = [](void* context, Connection& c) { (*static_cast<G*>(context))(c); };
  submit(w);
}

template <class F>
std::invoke_result_t<F&, Connection&> Database::write(F&& f) {
  using R = std::invoke_result_t<F&, Connection&>;
  if constexpr (std::is_void_v<R>) {
    auto call = [&f](Connection& c) { f(c); };
    run_write(call);
  } else {
    std::optional<R> result;
    auto call = [&f, &result](Connection& c) { result.emplace(f(c)); };
    run_write(call);
    return std::move(*result);
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
