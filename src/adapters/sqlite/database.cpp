#include "adapters/sqlite/database.hpp"

#include <sqlite3.h>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace st::adapters::sqlite {

Database::Database(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(options) {
  if (path_.empty() || path_ == ":memory:" || path_.starts_with("file:"))
    throw SqliteError(SQLITE_MISUSE,
                      "sqlite: Database needs a plain file path, got '" + path_ + "'");
  writer_ = std::make_unique<Connection>(path_, Connection::Mode::writer, options_.busy_timeout);
}

Database::~Database() {
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
  return std::make_unique<Connection>(path_, Connection::Mode::reader, options_.busy_timeout);
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

namespace {

// Locks the writer, counting the thread as queued while it waits: a finishing transaction
// that sees a queue leaves the group open for it.
std::unique_lock<std::mutex> lock_writer(std::atomic<int>& waiting, std::mutex& m) {
  waiting.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(m);
  waiting.fetch_sub(1, std::memory_order_relaxed);
  return lock;
}

}  // namespace

WriteTransaction::WriteTransaction(Database& db)
    : db_(db), lock_(lock_writer(db.writers_waiting_, db.write_mutex_)), conn_(*db.writer_) {
  if (db_.open_group_) {
    // Joining: a savepoint makes this transaction's work undoable on its own.
    try {
      conn_.query("SAVEPOINT st_write").run();
    } catch (...) {
      ++db_.open_group_size_;
      finish_group();  // the members before this one still need their COMMIT
      throw;
    }
  } else {
    // IMMEDIATE takes the write lock up front, so the transaction cannot fail half-way with
    // SQLITE_BUSY when it first writes (only matters if another process shares the file).
    conn_.query("BEGIN IMMEDIATE").run();
    db_.open_group_ = std::make_shared<Database::Group>();
    db_.open_group_size_ = 0;
    first_ = true;
  }
  group_ = db_.open_group_;
  ++db_.open_group_size_;
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  // Not committed (an exception, or commit() never called): undo this transaction's part.
  try {
    if (conn_.autocommit()) {
      // SQLite already rolled the whole transaction back (I/O error, disk full...): the
      // other members' work is gone too.
      end_group(std::make_exception_ptr(
          SqliteError(0, "sqlite: the group transaction was rolled back by a failed write")));
    } else if (first_) {
      // Nobody joins before the first member finishes, so the transaction is all ours.
      conn_.query("ROLLBACK").run();
      end_group(nullptr);
    } else {
      conn_.query("ROLLBACK TO st_write").run();
      conn_.query("RELEASE st_write").run();
      finish_group();  // the others' work is still to be committed
    }
  } catch (const std::exception& e) {
    spdlog::error("sqlite: rollback failed: {}", e.what());
    try {
      if (!conn_.autocommit()) conn_.exec("ROLLBACK");
    } catch (...) {
    }
    if (lock_.owns_lock()) end_group(std::current_exception());
  }
}

void WriteTransaction::commit() {
  if (!first_) conn_.query("RELEASE st_write").run();
  done_ = true;
  auto group = group_;
  finish_group();
  // Wait for whoever commits the group (possibly this thread, already done).
  std::unique_lock wait(db_.group_mutex_);
  db_.group_done_.wait(wait, [&] { return group->done; });
  if (group->error) std::rethrow_exception(group->error);
}

void WriteTransaction::finish_group() {
  if (db_.writers_waiting_.load(std::memory_order_relaxed) > 0 &&
      db_.open_group_size_ < (getenv("ST_MAXG") ? atoi(getenv("ST_MAXG")) : kMaxGroup)) {
    // A writer is queued on the mutex: it joins the open transaction and will commit it (or
    // pass it on). Every queued writer gets the mutex, so the chain always ends in a COMMIT.
    lock_.unlock();
    return;
  }
  std::exception_ptr error;
  try {
    conn_.query("COMMIT").run();
  } catch (...) {
    error = std::current_exception();
    try {
      if (!conn_.autocommit()) conn_.exec("ROLLBACK");  // a failed COMMIT can stay open
    } catch (...) {
    }
  }
  end_group(error);
}

void WriteTransaction::end_group(std::exception_ptr error) {
  auto group = std::move(db_.open_group_);
  if (!error && db_.open_group_size_ > 0) {
    db_.commits_.fetch_add(1, std::memory_order_relaxed);
    db_.grouped_.fetch_add(static_cast<std::uint64_t>(db_.open_group_size_),
                           std::memory_order_relaxed);
  }
  db_.open_group_size_ = 0;
  lock_.unlock();
  if (!group) return;  // the next group may start while this one's members wake up
  {
    std::lock_guard g(db_.group_mutex_);
    group->done = true;
    group->error = error;
  }
  db_.group_done_.notify_all();
}

}  // namespace st::adapters::sqlite
