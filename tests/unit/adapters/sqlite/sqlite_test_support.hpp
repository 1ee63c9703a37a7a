// Helpers shared by the unit tests that run on the real SQLite stores.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "ports/outbox.hpp"

namespace st::adapters::sqlite::test_support {

// Relays everything in `outbox` (batches of up to 1000) and returns the rows, in order.
inline std::vector<ports::OutboxMessage> drain(ports::Outbox& outbox) {
  std::vector<ports::OutboxMessage> all;
  outbox.relay(1000, [&](const std::vector<ports::OutboxMessage>& batch) {
    all.insert(all.end(), batch.begin(), batch.end());
  });
  return all;
}

// Counts the commits of the database's writer connection. Database has no commit counter of
// its own, so the test installs SQLite's commit hook on the writer (reached through a write
// transaction); every later COMMIT on that connection calls it. Declare it before the
// Database: the hook points at it until the database closes.
class CommitCounter {
 public:
  void attach(Database& db) {
    db.write([&](Connection& c) { sqlite3_commit_hook(c.handle(), &CommitCounter::hook, this); });
    commits_ = 0;
  }
  int commits() const { return commits_.load(); }

 private:
  static int hook(void* self) {
    ++static_cast<CommitCounter*>(self)->commits_;
    return 0;  // 0 lets the commit proceed
  }
  std::atomic<int> commits_{0};
};

}  // namespace st::adapters::sqlite::test_support
