#include "http/request_metrics.hpp"

#include <gtest/gtest.h>

#include "http/server.hpp"
#include "loopback_client.hpp"

namespace st::http {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RequestMetricsTest, LabelsAnswersWithTheRouteTemplateNotThePath) {
  Router router;
  router.route(bhttp::verb::get, "/api/tickets/{id}", [](RequestContext&) { return ok({}); });
  metrics::Registry registry;
  RequestMetrics m(registry, router);
  m.record(0, bhttp::verb::get, 200, 3ms);
  m.record(0, bhttp::verb::get, 200, 30ms);
  m.record(0, bhttp::verb::get, 404, 1ms);
  const auto text = registry.render();
  EXPECT_TRUE(contains(text,
                       "smartticket_http_requests_total{route=\"/api/tickets/{id}\",method=\"GET\","
                       "code=\"200\"} 2\n"));
  EXPECT_TRUE(contains(text,
                       "smartticket_http_requests_total{route=\"/api/tickets/{id}\",method=\"GET\","
                       "code=\"404\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "smartticket_http_request_duration_seconds_bucket{route=\"/api/tickets/"
                       "{id}\",method=\"GET\",code_class=\"2xx\",le=\"0.005\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "smartticket_http_request_duration_seconds_count{route=\"/api/tickets/"
                       "{id}\",method=\"GET\",code_class=\"2xx\"} 2\n"));
}

TEST(RequestMetricsTest, CountsWhatNoRouteMatchedAsUnmatched) {
  Router router;
  metrics::Registry registry;
  RequestMetrics m(registry, router);
  m.record(-1, bhttp::verb::delete_, 404, 1ms);
  EXPECT_TRUE(contains(registry.render(),
                       "smartticket_http_requests_total{route=\"unmatched\",method=\"DELETE\","
                       "code=\"404\"} 1\n"));
}

// The server reports which route matched: a request to /items/42 counts under /items/{id}.
TEST(RequestMetricsTest, TheServerCountsEachAnswerUnderItsMatchedRoute) {
  Router router;
  router.route(bhttp::verb::get, "/items/{id}", [](RequestContext&) { return ok({}); });
  testing::add_health_route(router);
  metrics::Registry registry;
  Server server(
      ServerOptions{.address = "127.0.0.1", .port = 0, .threads = 1, .metrics = &registry}, router);
  server.start();
  asio::io_context ioc;
  auto s = testing::connect_loopback(ioc, server.port());
  ASSERT_TRUE(testing::send_text(s, "GET /items/42 HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(testing::read_response(s).result_int(), 200);
  ASSERT_TRUE(testing::send_text(s, "GET /nowhere/at/all HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(testing::read_response(s).result_int(), 404);
  server.stop(0ms);
  const auto text = registry.render();
  EXPECT_TRUE(contains(
      text,
      "smartticket_http_requests_total{route=\"/items/{id}\",method=\"GET\",code=\"200\"} 1\n"));
  EXPECT_TRUE(contains(
      text,
      "smartticket_http_requests_total{route=\"unmatched\",method=\"GET\",code=\"404\"} 1\n"));
  EXPECT_FALSE(contains(text, "/items/42"));
}

}  // namespace
}  // namespace st::http
