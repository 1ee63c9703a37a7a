#pragma once
// Copies the WAL back into the main database file on a background thread.
//
// SQLite's own auto-checkpoint runs inside the COMMIT that crosses the threshold, so every
// ~1000 pages one writer pays for copying them and for two fsyncs (milliseconds on a slow
// disk) while holding the single writer. Here the commit only signals; a thread with its
// own connection runs a PASSIVE checkpoint, which works alongside the writer and readers.
//
// A passive checkpoint never fully catches up while commits keep coming, and the WAL only
// restarts from its beginning once it has. So past `hard_pages` the writer itself, between
// two transactions, checkpoints the (small) remainder the thread left, which bounds the WAL.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "adapters/sqlite/connection.hpp"

namespace st::adapters::sqlite {

class Checkpointer {
 public:
  // Installs itself as `writer`'s WAL hook (replacing SQLite's auto-checkpoint). `own` is a
  // connection to the same file for the thread's exclusive use.
  Checkpointer(Connection& writer, std::unique_ptr<Connection> own, int soft_pages, int hard_pages);
  // Stops the thread and removes the hook. The writer must be idle.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  // sqlite3_wal_hook callback: after each commit, on the writer's thread.
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();

  Connection& writer_;
  std::unique_ptr<Connection> conn_;
  const int soft_pages_;
  const int hard_pages_;
  std::atomic<bool> requested_{false};  // a checkpoint is asked for and not yet done

  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;  // guarded by mutex_
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is initialized
};

}  // namespace st::adapters::sqlite
