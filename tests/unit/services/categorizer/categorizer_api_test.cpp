// The categorizer's HTTP surface on a real server with two I/O threads, Claude being the fake
// Anthropic API on loopback answering slowly: categorize calls in flight hold no I/O thread,
// so /health still answers while every one of them waits for Claude.
#include "services/categorizer/categorizer_api.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "adapters/anthropic/claude_categorizer.hpp"
#include "fakes/anthropic/fake_anthropic.hpp"
#include "http/blocking_pool.hpp"
#include "http/server.hpp"
#include "ports/clock.hpp"
#include "unit/http/loopback_client.hpp"
#include "unit/support/eventually.hpp"

namespace st::services::categorizer {
namespace {

using namespace std::chrono_literals;
using testing_support::eventually;

constexpr const char* kKey = "sk-ant-test-0000";
constexpr int kSlowCalls = 4;  // twice the server's I/O threads

class Departments final : public ports::DepartmentDirectory {
 public:
  std::vector<std::string> active_department_names() override { return {"IT Support", "General"}; }
};

class NoBus final : public ports::EventBus {
 public:
  void publish(const std::vector<ports::OutgoingMessage>&) override {}
  void subscribe(const ports::QueueSpec&, ports::BatchConsumer) override {}
  void start() override {}
  void stop() override {}
  std::size_t dead_letter_count(const std::string&) override { return 0; }
};

adapters::anthropic::ClaudeOptions claude_options(const fakes::FakeAnthropic& fake) {
  adapters::anthropic::ClaudeOptions o;
  o.api_key = kKey;
  o.base_url = fake.base_url();
  o.request_timeout = 10'000ms;  // longer than the fake's delay: each call waits it out
  o.budget = 10'000ms;
  o.retry.max_attempts = 1;
  o.max_concurrency = kSlowCalls;
  return o;
}

fakes::FakeAnthropic::Options slow_fake() {
  fakes::FakeAnthropic::Options o;
  o.api_key = kKey;
  o.slow_delay = 3000ms;
  return o;
}

http::Response post_categorize(std::uint16_t port) {
  http::asio::io_context ioc;
  auto s = http::testing::connect_loopback(ioc, port);
  const std::string body = R"({"title":"VPN drops","description":"The VPN drops every hour"})";
  http::testing::send_text(s,
                           "POST /api/categorize HTTP/1.1\r\nHost: t\r\nContent-Type: "
                           "application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body);
  return http::testing::read_response(s);
}

class CategorizerApiTest : public ::testing::Test {
 protected:
  CategorizerApiTest() {
    fake.set_mode(fakes::AnthropicMode::slow);
    register_routes(router, service, waits);
    http::testing::add_health_route(router);  // a quick route: what must stay answerable
    server.start();
  }
  ~CategorizerApiTest() override { server.stop(); }

  fakes::FakeAnthropic fake{slow_fake()};
  metrics::Registry registry;
  adapters::anthropic::ClaudeCategorizer claude{claude_options(fake), registry};
  Departments departments;
  NoBus bus;
  ports::SystemClock clock;
  CategorizerService service{{&claude}, departments, bus, clock};
  http::Router router;
  http::Server server{{.address = "127.0.0.1", .port = 0, .threads = 2}, router};
  // After the server: the pool's jobs end (and resume their requests) while it exists.
  http::BlockingPool waits{{.name = "categorize", .threads = kSlowCalls, .queue = 0}};
};

TEST_F(CategorizerApiTest, HealthAnswersWhileSlowClaudeCallsAreInFlight) {
  std::atomic<int> answered{0};
  std::vector<std::jthread> callers;
  for (int i = 0; i < kSlowCalls; ++i)
    callers.emplace_back([&] {
      EXPECT_EQ(post_categorize(server.port()).result_int(), 200);
      ++answered;
    });
  // Each call holds its thread until the fake answers; at least as many as the server has
  // I/O threads must have reached it before /health is asked.
  ASSERT_TRUE(eventually([&] { return fake.request_count() >= 2; }));

  http::asio::io_context ioc;
  auto s = http::testing::connect_loopback(ioc, server.port());
  EXPECT_EQ(http::testing::get_health(s).result_int(), 200);
  // Holding an I/O thread per call, /health would have had to wait for them to end.
  EXPECT_EQ(answered.load(), 0);
}

TEST_F(CategorizerApiTest, AFullPoolAnswers503BusyAtOnce) {
  std::vector<std::jthread> callers;
  for (int i = 0; i < kSlowCalls; ++i)
    callers.emplace_back([&] { post_categorize(server.port()); });
  ASSERT_TRUE(eventually([&] { return fake.request_count() >= kSlowCalls; }));

  const auto res = post_categorize(server.port());
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(nlohmann::json::parse(res.body())["code"], "busy");
}

}  // namespace
}  // namespace st::services::categorizer
