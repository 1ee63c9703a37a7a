// BlockingPool: work runs off the caller's executor, results and exceptions come back to
// the coroutine, and a full pool refuses at once (503 busy) instead of queueing.
#include "http/blocking_pool.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "unit/support/eventually.hpp"

namespace st::http {
namespace {

using testing_support::eventually;

// Spawns `job` on the context and returns how it ended: the value, or the exception.
template <class F>
std::future<int> spawn(asio::io_context& ioc, BlockingPool& pool, F job) {
  auto promise = std::make_shared<std::promise<int>>();
  auto future = promise->get_future();
  asio::co_spawn(
      ioc,
      [&pool, job, promise]() -> asio::awaitable<void> {
        try {
          promise->set_value(co_await pool.run(job));
        } catch (...) {
          promise->set_exception(std::current_exception());
        }
      },
      asio::detached);
  return future;
}

TEST(BlockingPool, RunsTheJobOnAPoolThreadAndResumesWithItsResult) {
  asio::io_context ioc;
  BlockingPool pool({.name = "test", .threads = 1, .queue = 0});
  const auto caller = std::this_thread::get_id();
  auto f = spawn(ioc, pool, [caller] { return std::this_thread::get_id() == caller ? 0 : 7; });
  ioc.run();
  EXPECT_EQ(f.get(), 7);
}

TEST(BlockingPool, AnExceptionOfTheJobReachesTheCoroutine) {
  asio::io_context ioc;
  BlockingPool pool({.name = "test", .threads = 1, .queue = 0});
  auto f = spawn(ioc, pool, []() -> int { throw ApiError::conflict("taken"); });
  ioc.run();
  EXPECT_THROW(f.get(), ApiError);
}

TEST(BlockingPool, AFullPoolRefusesWith503BusyInsteadOfQueueing) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  std::jthread io([&] { ioc.run(); });
  BlockingPool pool({.name = "test", .threads = 1, .queue = 1});
  std::promise<void> release;
  auto released = release.get_future().share();
  auto hold = [released] {
    released.wait();
    return 1;
  };
  auto running = spawn(ioc, pool, hold);
  auto queued = spawn(ioc, pool, hold);
  ASSERT_TRUE(eventually([&] { return pool.running_or_queued() == 2; }));

  auto refused = spawn(ioc, pool, hold);
  try {
    refused.get();
    ADD_FAILURE() << "a full pool took the job";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), bhttp::status::service_unavailable);
    EXPECT_EQ(e.code(), "busy");
  }
  release.set_value();
  EXPECT_EQ(running.get() + queued.get(), 2);
  EXPECT_EQ(pool.refused(), 1u);
  work.reset();
}

}  // namespace
}  // namespace st::http
