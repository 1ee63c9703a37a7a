#include "services/common/timed_probe.hpp"

#include <algorithm>

#include "http/wake_waiters.hpp"

namespace st::services {

namespace asio = http::asio;

TimedProbe::TimedProbe(ports::HealthCheck& check, std::chrono::milliseconds timeout)
    : check_(check), timeout_(timeout) {}

TimedProbe::~TimedProbe() {
  if (thread_.joinable()) thread_.join();
}

std::uint64_t TimedProbe::start() {
  std::lock_guard lock(mutex_);
  start_locked();
  return running_;
}

void TimedProbe::start_locked() {
  if (in_flight_) return;
  // The previous probe has returned (in_flight_ is false): only its exit is left to wait for.
  if (thread_.joinable()) thread_.join();
  in_flight_ = true;
  ++running_;
  started_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this, number = running_] { run(number); });
}

void TimedProbe::run(std::uint64_t number) {
  const auto began = std::chrono::steady_clock::now();
  const ports::Probe answer = check_.probe();  // noexcept
  const Result result{answer, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - began)};
  std::lock_guard lock(mutex_);
  in_flight_ = false;
  last_ = result;
  last_number_ = number;
  for (auto& w : waiters_) w->result = result;
  // Posted under the lock: a waiter whose budget ran out takes itself out of waiters_ under it
  // too, so each waiter still listed here is still awaiting on a live executor. Posting after
  // the unlock raced with one that had just given up and whose io_context was then destroyed
  // (a use after free seen in TimedProbe.AfterAHungProbeReturnsTheNextRequestProbesAnew).
  http::wake_waiters(waiters_);
}

asio::awaitable<TimedProbe::Result> TimedProbe::result(std::uint64_t started) {
  auto w = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  std::chrono::steady_clock::time_point deadline;
  bool answered = false;
  {
    std::lock_guard lock(mutex_);
    if (last_ && last_number_ >= started) {
      w->result = last_;
      answered = true;
    } else {
      start_locked();
      deadline = started_ + timeout_;
      waiters_.push_back(w);
    }
  }
  if (answered) co_return *w->result;
  w->timer.expires_at(deadline);
  boost::system::error_code ec;
  co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  std::erase(waiters_, w);
  if (w->result) co_return *w->result;
  co_return Result{{false, "no answer within " + std::to_string(timeout_.count()) + " ms"},
                   timeout_};
}

}  // namespace st::services
