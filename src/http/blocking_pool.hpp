#pragma once
// A small, bounded pool of threads for the handlers that wait (a Claude call of seconds, a
// blocking call to another service): run() hands such work to a pool thread and suspends the
// request's coroutine meanwhile, so the server's I/O threads stay free to answer everything
// else (/health among them). Bounded: at most `threads` jobs run and `queue` more wait; past
// that run() throws ApiError 503 `busy` at once rather than queueing without end.
//
// Lifetime: stop() (or the destructor) finishes the queued jobs and joins the threads; call it
// while the executors the requests run on still exist (a component's drain(): after the HTTP
// server stopped, before it is destroyed).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "http/api_error.hpp"
#include "http/beast.hpp"

namespace st::http {

struct BlockingPoolOptions {
  std::string name = "blocking";  // thread names: "<name>-<n>"
  std::size_t threads = 8;
  std::size_t queue = 32;  // jobs waiting for a thread, at most
};

class BlockingPool {
 public:
  explicit BlockingPool(BlockingPoolOptions options);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `f()` on a pool thread and resumes the caller on its own executor with the result
  // (or the exception f threw). Throws ApiError 503 `busy` when the pool is full or stopped.
  template <class F>
  asio::awaitable<std::invoke_result_t<F&>> run(F f);

  void stop();
  std::size_t running_or_queued() const;
  std::uint64_t refused() const;

 private:
  // False (the job is not taken) when the pool is full or stopped.
  bool try_submit(std::function<void()> job);
  void work();
  static ApiError busy();

  const BlockingPoolOptions options_;
  const std::size_t thread_count_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  std::uint64_t refused_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

template <class F>
asio::awaitable<std::invoke_result_t<F&>> BlockingPool::run(F f) {
  using Result = std::invoke_result_t<F&>;
  std::optional<Result> result;
  std::exception_ptr error;
  bool accepted = false;
  // The locals above live in this coroutine's frame, which stays suspended (and alive)
  // until the job posts the completion handler back to the caller's executor.
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        using Handler = decltype(handler);
        auto done = std::make_shared<Handler>(std::move(handler));
        // Counted as outstanding work: the caller's io_context keeps running while it waits.
        auto ex = asio::prefer(asio::get_associated_executor(*done),
                               asio::execution::outstanding_work.tracked);
        auto resume = [done, ex] { asio::post(ex, [done]() mutable { std::move (*done)(); }); };
        accepted = try_submit([&f, &result, &error, resume] {
          try {
            result.emplace(f());
          } catch (...) {
            error = std::current_exception();
          }
          resume();
        });
        if (!accepted) resume();
      },
      asio::use_awaitable);
  if (!accepted) throw busy();
  if (error) std::rethrow_exception(error);
  co_return std::move(*result);
}

}  // namespace st::http
