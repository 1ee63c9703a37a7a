#include "adapters/sqlite/checkpointer.hpp"

#include <sqlite3.h>

#include <chrono>

#include <spdlog/spdlog.h>

namespace st::adapters::sqlite {

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> own, int soft_pages,
                           int hard_pages)
    : writer_(writer),
      conn_(std::move(own)),
      soft_pages_(soft_pages),
      hard_pages_(hard_pages),
      thread_([this] { run(); }) {
  sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (wal_pages >= c->hard_pages_) {
    // The writer is between transactions here (it holds the writer mutex): copying what the
    // thread has not yet copied lets the next transaction restart the WAL. BUSY (the thread
    // is checkpointing right now) is fine: the next commit tries again.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (wal_pages >= c->soft_pages_ && !c->requested_.exchange(true)) {
    {
      std::lock_guard lock(c->mutex_);
      c->pending_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;  // a failed checkpoint must not fail the commit that triggered it
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    const int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("sqlite: background checkpoint failed: {}", sqlite3_errmsg(conn_->handle()));
    // Until the writer restarts the WAL, every commit still sees it above the threshold:
    // a short pause keeps those requests from turning into back-to-back no-op checkpoints.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    requested_ = false;
    lock.lock();
  }
}

}  // namespace st::adapters::sqlite
