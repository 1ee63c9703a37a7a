#include <gtest/gtest.h>

#include <thread>

#include "services/gateway/route_waiter.hpp"

#include "domain/codec.hpp"

namespace st::services::gateway {
namespace {

namespace asio = http::asio;
using namespace std::chrono_literals;

domain::Ticket routed(domain::TicketId id, const char* department) {
  domain::Ticket t;
  t.id = id;
  t.department = department;
  return t;
}

struct Waited {
  std::optional<RoutedTicket> result;
  std::chrono::milliseconds took{0};
};

// Runs one wait on its own io_context thread; `during` runs (on this thread) while it waits.
Waited wait_for(RouteWaiter& w, domain::TicketId id, std::chrono::milliseconds timeout,
                const std::function<void()>& during = {}) {
  asio::io_context ioc;
  Waited out;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        out.result = co_await w.wait(id, timeout);
        out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      },
      asio::detached);
  std::thread runner([&] { ioc.run(); });
  if (during) during();
  runner.join();
  return out;
}

TEST(RouteWaiter, WakesTheWaiterWhenItsTicketIsRouted) {
  RouteWaiter w;
  auto out = wait_for(w, 7, 5s, [&] {
    std::this_thread::sleep_for(50ms);
    w.on_routed(routed(8, "HR"));  // someone else's ticket: keeps waiting
    w.on_routed(routed(7, "Finance"));
  });
  ASSERT_TRUE(out.result);
  EXPECT_EQ(out.result->department, "Finance");
  EXPECT_LT(out.took, 2s);
}

TEST(RouteWaiter, ARoutingThatLandedBeforeTheWaitIsRemembered) {
  RouteWaiter w;
  w.on_routed(routed(3, "IT Support"));
  auto out = wait_for(w, 3, 5s);
  ASSERT_TRUE(out.result);
  EXPECT_EQ(out.result->department, "IT Support");
  EXPECT_LT(out.took, 1s);
}

TEST(RouteWaiter, GivesUpAtTheDeadline) {
  RouteWaiter w;
  auto out = wait_for(w, 9, 100ms);
  EXPECT_FALSE(out.result);
  EXPECT_GE(out.took, 90ms);
}

TEST(RouteWaiter, ForgetsTheOldestBeyondItsMemory) {
  RouteWaiter w(2);
  w.on_routed(routed(1, "HR"));
  w.on_routed(routed(2, "HR"));
  w.on_routed(routed(3, "HR"));
  EXPECT_FALSE(wait_for(w, 1, 10ms).result);
  EXPECT_TRUE(wait_for(w, 3, 10ms).result);
}

TEST(RouteWaiter, RecentRoutingsAreBoundedInBytesWhateverTheTicketSizes) {
  constexpr domain::TicketId kRemember = 1000;
  RouteWaiter w(static_cast<std::size_t>(kRemember));
  for (domain::TicketId id = 1; id <= 2 * kRemember; ++id) {
    auto t = routed(id, "IT Support");
    t.title = std::string(200, 't');
    t.description = std::string(8 * 1024, 'd');  // 8 KB: 16 MB if whole tickets were kept
    t.user_email = "someone@example.com";
    w.on_routed(t);
  }
  EXPECT_LE(w.retained_bytes(), static_cast<std::size_t>(kRemember) * 256);
  auto out = wait_for(w, 2 * kRemember, 10ms);
  ASSERT_TRUE(out.result);
  EXPECT_EQ(out.result->department, "IT Support");
}

TEST(RouteWaiter, TheRoutingIsAppliedToTheCreatedTicketsJson) {
  domain::Ticket created;
  created.id = 5;
  created.title = "Printer jam";
  created.description = "Paper stuck";
  auto ticket = domain::to_json(created);
  auto t = created;
  t.department = "Facilities";
  t.confidence_score = 81;
  t.categorized_by = domain::CategorizedBy::keywords;
  t.priority = domain::Priority::urgent;  // the pipeline sets it with the department
  t.updated_at = 1'800'000'000'000;
  RoutedTicket(t).apply_to(ticket);
  EXPECT_EQ(ticket, domain::to_json(t));
}

TEST(RouteWaiter, ShutdownWakesEveryWaiter) {
  RouteWaiter w;
  auto out = wait_for(w, 11, 10s, [&] {
    std::this_thread::sleep_for(50ms);
    w.shutdown();
  });
  EXPECT_FALSE(out.result);
  EXPECT_LT(out.took, 5s);
}

}  // namespace
}  // namespace st::services::gateway
