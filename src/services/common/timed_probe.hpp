#pragma once
// One dependency's probe (ports::HealthCheck) with a time budget, for the health routes.
//
// The probe runs on a thread of its own, never on an HTTP thread: a dependency that hangs (a
// stopped database holding the connection, a broker that does not answer) costs a waiting
// health request at most `timeout` from the probe's start, then reads as failed ("no answer
// within N ms"), while the coroutine that waits holds no thread. At most one probe is in
// flight per dependency: requests that come while one runs share its answer, and while it
// hangs past its budget they answer at once; the next request after it returns probes
// anew. Shared by every service of a process (one process probes its database once).
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/beast.hpp"
#include "ports/health_check.hpp"

namespace st::services {

class TimedProbe {
 public:
  struct Result {
    ports::Probe probe;
    std::chrono::milliseconds took{0};
  };

  // `check` outlives this object.
  TimedProbe(ports::HealthCheck& check, std::chrono::milliseconds timeout);
  // Waits for a probe in flight (the adapters bound their own calls: connect and RPC
  // timeouts), so the check is never used after it is gone.
  ~TimedProbe();
  TimedProbe(const TimedProbe&) = delete;
  TimedProbe& operator=(const TimedProbe&) = delete;

  std::string name() const { return check_.health_name(); }
  // Starts a probe unless one is in flight (to run several dependencies' probes at once);
  // returns the number of the probe that is running, for result().
  std::uint64_t start();
  // The answer of probe number `started` or of a later one (started here if none is in
  // flight), or a failure once its budget ran out. A probe that already returned is not run
  // again: a fast one often finishes between start() and this call.
  http::asio::awaitable<Result> result(std::uint64_t started);

 private:
  struct Waiter {
    explicit Waiter(http::asio::any_io_executor ex) : timer(std::move(ex)) {}
    http::asio::steady_timer timer;
    std::optional<Result> result;  // guarded by mutex_
  };
  void start_locked();
  void run(std::uint64_t number);

  ports::HealthCheck& check_;
  const std::chrono::milliseconds timeout_;

  std::mutex mutex_;
  bool in_flight_ = false;
  std::uint64_t running_ = 0;   // the number of the latest probe started (1, 2, ...)
  std::optional<Result> last_;  // the latest probe's answer, once it returned
  std::uint64_t last_number_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::thread thread_;
};

}  // namespace st::services
