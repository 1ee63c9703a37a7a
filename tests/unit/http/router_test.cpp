#include <gtest/gtest.h>

#include "http/json_response.hpp"
#include "http/router.hpp"
#include "ports/unavailable.hpp"

namespace st::http {
namespace {

// Runs an awaitable to completion on a private io_context.
Response run(const Router& router, RequestContext& ctx) {
  asio::io_context ioc;
  std::optional<Response> out;
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { out = co_await router.dispatch(ctx); }, asio::detached);
  ioc.run();
  return std::move(*out);
}

Response call(const Router& router, bhttp::verb method, std::string target) {
  Request req{method, target, 11};
  RequestContext ctx{req, {}, {}, {}, "rid", "trace", {}, nullptr, {}};
  try {
    parse_target(ctx);
  } catch (const ApiError& e) {
    return error_response(e);  // what the server answers
  }
  return run(router, ctx);
}

nlohmann::json body(const Response& r) {
  return nlohmann::json::parse(r.body());
}

Router sample() {
  Router r;
  r.route(bhttp::verb::get, "/api/tickets/{id}", [](RequestContext& ctx) {
    return ok({{"id", ctx.param("id")}});
  });
  r.route(bhttp::verb::put, "/api/tickets/{id}/status", [](RequestContext&) { return ok({}); });
  r.route(bhttp::verb::get, "/api/departments/{name}", [](RequestContext& ctx) {
    return ok({{"name", ctx.param("name")}});
  });
  r.route(bhttp::verb::post, "/api/departments/{name}",
          [](RequestContext&) -> Response { throw ApiError::conflict("exists"); });
  r.route(bhttp::verb::get, "/db-down", [](RequestContext&) -> Response {
    throw ports::Unavailable("connection refused to 10.0.0.1:5432");
  });
  r.route(bhttp::verb::get, "/slow-peer", [](RequestContext&) -> Response {
    throw ports::TimedOut("the tickets service at 10.0.0.2:5001 did not answer: timed out");
  });
  r.route(bhttp::verb::get, "/boom",
          [](RequestContext&) -> Response { throw std::runtime_error("bug"); });
  return r;
}

TEST(Router, MatchesPlaceholdersAndDecodesThem) {
  auto r = sample();
  EXPECT_EQ(body(call(r, bhttp::verb::get, "/api/tickets/42"))["id"], "42");
  EXPECT_EQ(body(call(r, bhttp::verb::get, "/api/departments/IT%20Support"))["name"], "IT Support");
  // An encoded slash stays inside its segment instead of creating a new one.
  EXPECT_EQ(body(call(r, bhttp::verb::get, "/api/departments/a%2Fb"))["name"], "a/b");
}

TEST(Router, UnknownPathIsJson404) {
  auto res = call(sample(), bhttp::verb::get, "/api/nope");
  EXPECT_EQ(res.result(), bhttp::status::not_found);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(body(res)["success"], false);
  EXPECT_EQ(body(res)["code"], "not_found");
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto res = call(sample(), bhttp::verb::delete_, "/api/departments/HR");
  EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(res[bhttp::field::allow], "GET, POST");
}

TEST(Router, ApiErrorBecomesItsStatusAndOtherExceptionsA500WithoutDetails) {
  auto r = sample();
  auto conflict = call(r, bhttp::verb::post, "/api/departments/HR");
  EXPECT_EQ(conflict.result(), bhttp::status::conflict);
  EXPECT_EQ(body(conflict)["error"], "exists");
  auto bug = call(r, bhttp::verb::get, "/boom");
  EXPECT_EQ(bug.result(), bhttp::status::internal_server_error);
  EXPECT_EQ(body(bug)["error"].get<std::string>().find("bug"), std::string::npos);
}

TEST(Router, UnavailableDependencyIs503WithoutItsDetails) {
  auto res = call(sample(), bhttp::verb::get, "/db-down");
  EXPECT_EQ(res.result(), bhttp::status::service_unavailable);
  EXPECT_EQ(body(res)["code"], "service_unavailable");
  EXPECT_EQ(body(res)["error"].get<std::string>().find("5432"), std::string::npos);
}

TEST(Router, ADependencyThatTimedOutIs504WithoutItsDetails) {
  auto res = call(sample(), bhttp::verb::get, "/slow-peer");
  EXPECT_EQ(res.result(), bhttp::status::gateway_timeout);
  EXPECT_EQ(body(res)["code"], "service_timeout");
  EXPECT_EQ(body(res)["error"].get<std::string>().find("5001"), std::string::npos);
}

TEST(Router, InvalidEscapeInPathIs400) {
  auto res = call(sample(), bhttp::verb::get, "/api/departments/%FF%FE");
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
}

}  // namespace
}  // namespace st::http
