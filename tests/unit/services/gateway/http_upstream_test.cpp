// The gateway's upstream in distributed mode: a real service on a loopback port, reached
// through the pooled client, behind the per-service circuit breaker.
#include <gtest/gtest.h>

#include <thread>

#include "http/json_response.hpp"
#include "http/server.hpp"
#include "services/gateway/http_upstream.hpp"

namespace st::services::gateway {
namespace {

using namespace std::chrono_literals;
namespace bhttp = http::bhttp;

http::Response call(Upstream& up, const std::string& target) {
  http::Request req{bhttp::verb::get, target, 11};
  http::RequestContext origin{req, {}, {}, {}, "rid-7", std::string(32, 'b'), {}, nullptr, {}};
  http::asio::io_context ioc;
  std::optional<http::Response> out;
  http::asio::co_spawn(
      ioc, [&]() -> http::asio::awaitable<void> { out = co_await up.send(req, origin); },
      http::asio::detached);
  ioc.run();
  return std::move(*out);
}

struct Service {
  Service() {
    router.route(bhttp::verb::get, "/api/tickets/1", [](http::RequestContext& ctx) {
      return http::ok(
          {{"request_id", std::string(ctx.header("x-request-id"))}, {"trace_id", ctx.trace_id}});
    });
    router.route(bhttp::verb::get, "/api/tickets/2", [](http::RequestContext&) {
      return http::json_response(bhttp::status::not_found, {{"success", false}});
    });
    router.route(bhttp::verb::get, "/boom",
                 [](http::RequestContext&) -> http::Response { throw std::runtime_error("bug"); });
  }
  void start(std::uint16_t port = 0) {
    server = std::make_unique<http::Server>(http::ServerOptions{"127.0.0.1", port, 1}, router);
    server->start();
  }
  http::Router router;
  std::unique_ptr<http::Server> server;
};

resilience::CircuitBreakerOptions breaker() {
  return {.failure_threshold = 3, .open_duration = 100ms};
}

TEST(HttpUpstream, ForwardsWithTheOriginsRequestAndTraceIds) {
  Service svc;
  svc.start();
  http::HttpClient client({"127.0.0.1", svc.server->port(), ""}, {.name = "tickets"});
  HttpUpstream up(client, breaker());
  auto res = call(up, "/api/tickets/1");
  ASSERT_EQ(res.result(), bhttp::status::ok);
  auto body = nlohmann::json::parse(res.body());
  EXPECT_EQ(body["request_id"], "rid-7");
  EXPECT_EQ(body["trace_id"], std::string(32, 'b'));
}

TEST(HttpUpstream, ClientErrorsDoNotOpenTheCircuit) {
  Service svc;
  svc.start();
  http::HttpClient client({"127.0.0.1", svc.server->port(), ""}, {.name = "tickets"});
  HttpUpstream up(client, breaker());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(call(up, "/api/tickets/2").result(), bhttp::status::not_found);
  EXPECT_EQ(up.breaker_state(), resilience::BreakerState::closed);
}

TEST(HttpUpstream, OpensAfterRepeatedFailuresFailsFastThenProbesAndCloses) {
  Service svc;
  svc.start();
  const auto port = svc.server->port();
  svc.server->stop();
  http::HttpClient client({"127.0.0.1", port, ""}, {.name = "tickets", .idempotent_retries = 0});
  HttpUpstream up(client, breaker());
  for (int i = 0; i < 3; ++i) {
    auto res = call(up, "/api/tickets/1");
    EXPECT_EQ(res.result(), bhttp::status::service_unavailable);
    EXPECT_NE(res.body().find("tickets service is unavailable"), std::string::npos);
  }
  EXPECT_EQ(up.breaker_state(), resilience::BreakerState::open);
  const auto attempts = client.stats().requests;
  auto fast = call(up, "/api/tickets/1");
  EXPECT_EQ(fast.result(), bhttp::status::service_unavailable);
  EXPECT_FALSE(fast[bhttp::field::retry_after].empty());
  EXPECT_EQ(client.stats().requests, attempts) << "an open circuit must not call the service";

  svc.start(port);                                                    // the service is back
  std::this_thread::sleep_for(150ms);                                 // the cool-down passes
  EXPECT_EQ(call(up, "/api/tickets/1").result(), bhttp::status::ok);  // the probe
  EXPECT_EQ(up.breaker_state(), resilience::BreakerState::closed);
}

TEST(HttpUpstream, AServiceThatNeverAnswersIsAGatewayTimeout) {
  // Listening, so connections are taken (by the kernel), but nothing ever answers.
  http::asio::io_context ioc;
  http::tcp::acceptor silent(ioc, {http::asio::ip::make_address("127.0.0.1"), 0});
  http::HttpClient client({"127.0.0.1", silent.local_endpoint().port(), ""},
                          {.name = "tickets", .request_timeout = 200ms});
  HttpUpstream up(client, breaker());
  auto res = call(up, "/api/tickets/1");
  EXPECT_EQ(res.result(), bhttp::status::gateway_timeout);
  auto body = nlohmann::json::parse(res.body());
  EXPECT_EQ(body["code"], "service_timeout");
  EXPECT_EQ(body["success"], false);
  EXPECT_NE(body["error"].get<std::string>().find("tickets service did not answer in time"),
            std::string::npos);
}

TEST(HttpUpstream, ServerErrorsCountAsFailures) {
  Service svc;
  svc.start();
  http::HttpClient client({"127.0.0.1", svc.server->port(), ""}, {.name = "tickets"});
  HttpUpstream up(client, breaker());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(call(up, "/boom").result(), bhttp::status::internal_server_error);
  EXPECT_EQ(up.breaker_state(), resilience::BreakerState::open);
}

}  // namespace
}  // namespace st::services::gateway
