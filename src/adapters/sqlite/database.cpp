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
  take_writer();
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

void Database::count_wait(std::chrono::steady_clock::time_point queued_at) {
  writer_queue_.fetch_sub(1, std::memory_order_relaxed);
  writer_waits_.fetch_add(1, std::memory_order_relaxed);
  writer_wait_ns_.fetch_add(
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now() - queued_at)
                                     .count()),
      std::memory_order_relaxed);
}

void Database::submit(PendingWrite& w) {
  writes_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(group_mutex_);
  if (writer_busy_) {
    // The clock is read only when the writer is taken: the uncontended path stays as cheap.
    w.queued = true;
    w.queued_at = std::chrono::steady_clock::now();
    writer_queue_.fetch_add(1, std::memory_order_relaxed);
  }
  pending_.push_back(&w);
  while (!w.done) {
    if (writer_busy_) {
      group_cv_.wait(lock);
      continue;
    }
    // Leader: everything queued so far (this call included) goes into one transaction.
    writer_busy_ = true;
    std::vector<PendingWrite*> group;
    group.swap(pending_);
    lock.unlock();
    for (auto* g : group)
      if (g->queued) count_wait(g->queued_at);
    run_group(group);
    lock.lock();
    for (auto* g : group) g->done = true;
    writer_busy_ = false;
    group_cv_.notify_all();
  }
  lock.unlock();
  if (w.error) std::rethrow_exception(w.error);
}

void Database::run_group(const std::vector<PendingWrite*>& group) noexcept {
  Connection& c = *writer_;
  // A call alone needs no savepoint: its transaction is its own.
  const bool shared = group.size() > 1;
  bool open = false;
  std::size_t first = 0;  // the open transaction's first call
  // SQLite ended the transaction itself (a full disk, an I/O error): the calls before the
  // failing one lost their changes too, so they fail with its error rather than report a
  // commit that did not happen.
  const auto lost = [&](std::size_t to, const std::exception_ptr& error) {
    for (std::size_t k = first; k < to; ++k)
      if (!group[k]->error) group[k]->error = error;
    open = false;
  };
  const auto roll_back = [&] {
    try {
      if (!c.autocommit()) c.query("ROLLBACK").run();
    } catch (const std::exception& e) {
      spdlog::error("sqlite: rollback failed: {}", e.what());
    }
  };
  for (std::size_t i = 0; i < group.size(); ++i) {
    PendingWrite& w = *group[i];
    if (!open) {
      try {
        // IMMEDIATE takes the write lock up front, so the transaction cannot fail half-way
        // with SQLITE_BUSY when it first writes (only if another process shares the file).
        c.query("BEGIN IMMEDIATE").run();
        open = true;
        first = i;
      } catch (...) {
        w.error = std::current_exception();
        continue;
      }
    }
    try {
      if (shared) c.query("SAVEPOINT group_write").run();
      w.call(w.context, c);
      if (shared) c.query("RELEASE group_write").run();
    } catch (...) {
      w.error = std::current_exception();
      if (c.autocommit()) {
        lost(i, w.error);
        continue;
      }
      if (!shared) {
        roll_back();
        open = false;
        continue;
      }
      try {
        c.query("ROLLBACK TO group_write").run();
        c.query("RELEASE group_write").run();
      } catch (...) {
        roll_back();
        lost(i, w.error);
      }
    }
  }
  if (!open) return;
  try {
    c.query("COMMIT").run();
    commits_.fetch_add(1, std::memory_order_relaxed);
  } catch (...) {
    const auto error = std::current_exception();
    roll_back();
    lost(group.size(), error);
  }
}

void Database::take_writer() {
  std::unique_lock lock(group_mutex_);
  if (writer_busy_) {
    const auto queued_at = std::chrono::steady_clock::now();
    writer_queue_.fetch_add(1, std::memory_order_relaxed);
    group_cv_.wait(lock, [this] { return !writer_busy_; });
    count_wait(queued_at);
  }
  writer_busy_ = true;
}

void Database::give_back_writer() {
  {
    std::lock_guard lock(group_mutex_);
    writer_busy_ = false;
  }
  group_cv_.notify_all();
}

WriteTransaction::WriteTransaction(Database& db) : db_(db), conn_(*db.writer_) {
  db_.take_writer();
  db_.writes_.fetch_add(1, std::memory_order_relaxed);
  try {
    conn_.query("BEGIN IMMEDIATE").run();
  } catch (...) {
    db_.give_back_writer();
    throw;
  }
}

WriteTransaction::~WriteTransaction() {
  if (!done_ && !conn_.autocommit()) {  // not committed, and SQLite has not rolled back
    try {
      conn_.query("ROLLBACK").run();
    } catch (const std::exception& e) {
      spdlog::error("sqlite: rollback failed: {}", e.what());
    }
  }
  db_.give_back_writer();
}

void WriteTransaction::commit() {
  conn_.query("COMMIT").run();
  db_.commits_.fetch_add(1, std::memory_order_relaxed);
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
      .commits = commits_.load(std::memory_order_relaxed),
      .queued = writer_queue_.load(std::memory_order_relaxed),
      .waits = writer_waits_.load(std::memory_order_relaxed),
      .wait_seconds = static_cast<double>(writer_wait_ns_.load(std::memory_order_relaxed)) / 1e9};
}

}  // namespace st::adapters::sqlite
