#include "adapters/sqlite/database.hpp"

#include <chrono>

#include <sqlite3.h>

#include <spdlog/spdlog.h>

namespace st::adapters::sqlite {

Database::Database(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(options) {
  if (path_.empty() || path_ == ":memory:" || path_.starts_with("file:"))
    throw SqliteError(SQLITE_MISUSE,
                      "sqlite: Database needs a plain file path, got '" + path_ + "'");
  writer_ = std::make_unique<Connection>(path_, Connection::Mode::writer, options_.busy_timeout,
                                         vfs(), options_.durability);
  if (options_.checkpoint_pages > 0) {
    checkpointer_ = std::make_unique<Checkpointer>(
        *writer_,
        std::make_unique<Connection>(path_, Connection::Mode::checkpointer, options_.busy_timeout,
                                     vfs()),
        options_.checkpoint_pages, 8 * options_.checkpoint_pages);
  }
}

Database::~Database() {
  checkpointer_.reset();
  // Readers first: the checkpoint cannot move past a snapshot a reader still holds.
  {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.clear();
  }
  std::lock_guard lock(write_mutex_);
  try {
    // Folds the WAL back into the main file so the data file alone is complete.
    writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    spdlog::warn("sqlite: final checkpoint of {} failed: {}", path_, e.what());
  }
  writer_.reset();
}

std::unique_ptr<Connection> Database::acquire_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return c;
    }
  }
  // Opened outside the lock: a slow open must not stall other readers.
  return std::make_unique<Connection>(path_, Connection::Mode::reader, options_.busy_timeout,
                                      vfs());
}

void Database::release_reader(std::unique_ptr<Connection> c) {
  // A connection left inside a transaction would pin an old snapshot: close it instead.
  if (!c || !c->autocommit()) return;
  {
    std::lock_guard lock(readers_mutex_);
    if (idle_readers_.size() < options_.max_idle_readers) {
      idle_readers_.push_back(std::move(c));
      return;
    }
  }
  // Pool full: `c` closes here, outside the lock.
}

WriteTransaction::WriteTransaction(Database& db)
    : lock_(db.write_mutex_, std::try_to_lock), conn_(*db.writer_) {
  // The clock is read only when the writer is taken: the uncontended path stays as cheap.
  if (!lock_.owns_lock()) {
    const auto started = std::chrono::steady_clock::now();
    db.writer_queue_.fetch_add(1, std::memory_order_relaxed);
    lock_.lock();
    db.writer_queue_.fetch_sub(1, std::memory_order_relaxed);
    db.writer_waits_.fetch_add(1, std::memory_order_relaxed);
    db.writer_wait_ns_.fetch_add(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count()),
        std::memory_order_relaxed);
  }
  db.writes_.fetch_add(1, std::memory_order_relaxed);
  // IMMEDIATE takes the write lock up front, so the transaction cannot fail half-way with
  // SQLITE_BUSY when it first writes (only matters if another process shares the file).
  conn_.query("BEGIN IMMEDIATE").run();
}

WriteTransaction::~WriteTransaction() {
  if (done_ || conn_.autocommit()) return;  // committed, or SQLite already rolled back
  try {
    conn_.query("ROLLBACK").run();
  } catch (const std::exception& e) {
    spdlog::error("sqlite: rollback failed: {}", e.what());
  }
}

void WriteTransaction::commit() {
  conn_.query("COMMIT").run();
  done_ = true;
}

ports::Probe Database::probe() noexcept {
  try {
    // A connection of its own, opened now: a pooled one keeps its open descriptor and cached
    // pages, and would go on answering after the file was deleted or damaged.
    Connection c(path_, Connection::Mode::reader, std::chrono::milliseconds(500), vfs());
    c.exec("SELECT count(*) FROM sqlite_master");  // reads the schema from the file
    return {};
  } catch (const std::exception& e) {
    return {false, e.what()};
  } catch (...) {
    return {false, "unknown error"};
  }
}

Database::WriterStats Database::writer_stats() const {
  return {
      .writes = writes_.load(std::memory_order_relaxed),
      .queued = writer_queue_.load(std::memory_order_relaxed),
      .waits = writer_waits_.load(std::memory_order_relaxed),
      .wait_seconds = static_cast<double>(writer_wait_ns_.load(std::memory_order_relaxed)) / 1e9};
}

}  // namespace st::adapters::sqlite
