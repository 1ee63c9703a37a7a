// The server's bounds, each against a client that would otherwise hold it: too many
// connections, headers that never finish, and the keep-alive wait they must not cut short.
#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "http/server.hpp"
#include "loopback_client.hpp"

namespace st::http {
namespace {

using namespace std::chrono_literals;
using testing::closed_by_server;
using testing::connect_loopback;
using testing::get_health;
using testing::send_text;

struct LimitedServer {
  explicit LimitedServer(ServerOptions options) {
    testing::add_health_route(router);
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    server = std::make_unique<Server>(std::move(options), router);
    server->start();
  }
  ~LimitedServer() { server->stop(0ms); }
  Router router;
  std::unique_ptr<Server> server;
  asio::io_context client_ioc;
};

TEST(ServerLimits, ConnectionsOverTheCapAreAnswered503AndClosed) {
  LimitedServer s({.max_connections = 3});
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_loopback(s.client_ioc, s.server->port()));
    ASSERT_EQ(get_health(held.back()).result(), bhttp::status::ok);
  }

  auto extra = connect_loopback(s.client_ioc, s.server->port());
  const Response refused = get_health(extra);
  EXPECT_EQ(refused.result(), bhttp::status::service_unavailable);
  EXPECT_EQ(nlohmann::json::parse(refused.body())["code"], "too_many_connections");
  EXPECT_FALSE(refused.keep_alive());
  EXPECT_EQ(refused[bhttp::field::retry_after], "1");
  EXPECT_TRUE(closed_by_server(extra, 2s));
  EXPECT_EQ(s.server->open_connections(), 3u);

  // A closed connection frees its place.
  held.pop_back();
  for (int i = 0; i < 100 && s.server->open_connections() > 2; ++i)
    std::this_thread::sleep_for(10ms);
  auto next = connect_loopback(s.client_ioc, s.server->port());
  EXPECT_EQ(get_health(next).result(), bhttp::status::ok);
}

TEST(ServerLimits, HeadersTricklingInPastTheHeaderTimeoutAreCutOff) {
  LimitedServer s({.header_timeout = 300ms});
  auto slow = connect_loopback(s.client_ioc, s.server->port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(send_text(slow, "GET /health HTTP/1.1\r\n"));
  bool closed = false;
  // A header line every 50 ms keeps any per-read timeout satisfied; only a deadline on the
  // whole header cuts it. Bounded: 40 lines, 2 s.
  for (int i = 0; i < 40 && !closed; ++i) {
    closed = closed_by_server(slow, 50ms) || !send_text(slow, "X-Slow: 1\r\n");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, 250ms);
}

TEST(ServerLimits, KeepAliveWaitBetweenRequestsIsNotCutByTheHeaderTimeout) {
  LimitedServer s({.header_timeout = 300ms});
  auto client = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(get_health(client).result(), bhttp::status::ok);
  std::this_thread::sleep_for(700ms);  // idle, longer than the header timeout
  EXPECT_FALSE(closed_by_server(client, 0ms));
  EXPECT_EQ(get_health(client).result(), bhttp::status::ok);
}

TEST(ServerLimits, DefaultCapIsSizedFromTheFileLimit) {
  LimitedServer s({});
  EXPECT_EQ(s.server->max_connections(), default_max_connections());
  EXPECT_GE(default_max_connections(), 64u);
}

}  // namespace
}  // namespace st::http
