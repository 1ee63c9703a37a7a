#pragma once
// Interrupts the statements of one connection that run past a deadline (SQLite's progress
// handler, checked every few thousand virtual-machine steps): the running step() then fails
// with SQLITE_INTERRUPT and expired() says why. Removed again when destroyed, so the pooled
// connection goes back without it.
#include <sqlite3.h>

#include <chrono>

#include "adapters/sqlite/connection.hpp"

namespace st::adapters::sqlite {

class ProgressDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  ProgressDeadline(Connection& c, Clock::duration budget)
      : db_(c.handle()), deadline_(Clock::now() + budget) {
    sqlite3_progress_handler(db_, kSteps, &ProgressDeadline::check, this);
  }
  ~ProgressDeadline() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }
  ProgressDeadline(const ProgressDeadline&) = delete;
  ProgressDeadline& operator=(const ProgressDeadline&) = delete;

  bool expired() const { return expired_; }

 private:
  // Often enough to stop within a millisecond or so, rarely enough to cost nothing.
  static constexpr int kSteps = 4000;

  static int check(void* self) {
    auto* d = static_cast<ProgressDeadline*>(self);
    if (Clock::now() < d->deadline_) return 0;
    d->expired_ = true;
    return 1;
  }

  sqlite3* db_;
  Clock::time_point deadline_;
  bool expired_ = false;
};

}  // namespace st::adapters::sqlite
