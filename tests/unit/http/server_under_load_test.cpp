// The "done when", functionally: with 2,000 idle keep-alive connections and 300
// slowloris clients held open, a new client is answered at once, and the slowloris clients
// are cut off after the header timeout while the idle ones stay open.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "http/server.hpp"
#include "loopback_client.hpp"
#include "util/file_limit.hpp"

namespace st::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::closed_by_server;
using testing::connect_loopback;
using testing::send_text;

constexpr int kIdle = 2000;
constexpr int kSlow = 300;
constexpr auto kHeaderTimeout = 1500ms;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST(ServerUnderLoad, NewClientIsAnsweredWhileIdleAndSlowlorisClientsHoldConnections) {
  // Both ends live in this process: two descriptors per connection.
  if (util::raise_file_limit() < 2 * (kIdle + kSlow) + 256)
    GTEST_SKIP() << "open-file limit too low for this test";
  Router router;
  testing::add_health_route(router);
  Server server({.address = "127.0.0.1",
                 .port = 0,
                 .threads = 2,
                 .max_connections = 4096,
                 .header_timeout = kHeaderTimeout},
                router);
  server.start();
  asio::io_context ioc;

  // Idle: each asks once, then keeps its connection open (keep-alive).
  std::vector<tcp::socket> idle;
  idle.reserve(kIdle);
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(connect_loopback(ioc, server.port()));
    ASSERT_TRUE(send_text(idle.back(), testing::kGetHealth));
  }
  for (auto& s : idle) ASSERT_EQ(testing::read_response(s).result(), bhttp::status::ok);

  // Slowloris: a request line, then headers that never end.
  std::vector<tcp::socket> slow;
  std::vector<Clock::time_point> slow_since;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(connect_loopback(ioc, server.port()));
    slow_since.push_back(Clock::now());
    ASSERT_TRUE(send_text(slow.back(), "GET /health HTTP/1.1\r\nHost: t\r\n"));
  }

  const auto asked = Clock::now();
  auto fresh = connect_loopback(ioc, server.port());
  const Response answer = testing::get_health(fresh);
  const double health_ms = ms_between(asked, Clock::now());
  EXPECT_EQ(answer.result(), bhttp::status::ok);
  EXPECT_LT(health_ms, 1000.0);  // the bound, with a wide margin in practice

  // Trickle a header line to each open slowloris client every 100 ms until the server cuts
  // it. Bounded: the header timeout plus 2 s.
  std::vector<double> cut_after_ms(kSlow, -1);
  int open = kSlow;
  const auto give_up = Clock::now() + kHeaderTimeout + 2s;
  while (open > 0 && Clock::now() < give_up) {
    for (int i = 0; i < kSlow; ++i) {
      if (cut_after_ms[i] >= 0) continue;
      if (closed_by_server(slow[i], 0ms) || !send_text(slow[i], "X-Slow: 1\r\n")) {
        cut_after_ms[i] = ms_between(slow_since[i], Clock::now());
        --open;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(open, 0) << "slowloris clients still connected";
  const auto [first_cut, last_cut] = std::minmax_element(cut_after_ms.begin(), cut_after_ms.end());
  EXPECT_GE(*first_cut, 0.9 * static_cast<double>(kHeaderTimeout.count()));

  int idle_closed = 0;
  for (auto& s : idle) idle_closed += closed_by_server(s, 0ms) ? 1 : 0;
  EXPECT_EQ(idle_closed, 0);
  std::cout << "[ figures  ] /health with " << kIdle << " idle and " << kSlow
            << " slowloris connections: " << health_ms << " ms; slowloris cut after " << *first_cut
            << "-" << *last_cut << " ms (header timeout " << kHeaderTimeout.count()
            << " ms); idle connections still open: " << kIdle - idle_closed << std::endl;
  server.stop(0ms);
}

}  // namespace
}  // namespace st::http
