#pragma once
// What the accept loop does when accept fails (EMFILE, ENFILE, ENOBUFS, ENOMEM...): the
// failure persists until something frees a descriptor or memory, so retrying at once would
// spin a core and flood the log. It waits instead, twice as long after each failure in a
// row (kFirst up to kMost), and logs at most once per kLogEvery, counting what it skipped.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace st::http {

class AcceptBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirst{5};
  static constexpr std::chrono::milliseconds kMost{1000};
  static constexpr std::chrono::seconds kLogEvery{5};

  // After a failed accept: how long to wait before the next one.
  std::chrono::milliseconds failed() {
    delay_ = delay_.count() == 0 ? kFirst : std::min(delay_ * 2, kMost);
    ++unlogged_;
    return delay_;
  }
  // After a successful accept: the next failure waits kFirst again.
  void succeeded() { delay_ = std::chrono::milliseconds{0}; }

  // Whether to log now; if so, `failures` is how many failed since the last line.
  bool should_log(Clock::time_point now, std::uint64_t& failures) {
    if (logged_once_ && now - last_log_ < kLogEvery) return false;
    logged_once_ = true;
    last_log_ = now;
    failures = unlogged_;
    unlogged_ = 0;
    return true;
  }

 private:
  std::chrono::milliseconds delay_{0};
  std::uint64_t unlogged_ = 0;
  bool logged_once_ = false;
  Clock::time_point last_log_{};
};

}  // namespace st::http
