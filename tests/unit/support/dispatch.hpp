// Shared unit-test helper: one request through a router, without a server (the handler runs
// on a private io_context, which keeps running while a blocking-pool job is out).
#pragma once

#include <optional>

#include "http/json_response.hpp"
#include "http/router.hpp"

namespace st::testing_support {

inline http::Response dispatch(const http::Router& router, const http::Request& req) {
  http::RequestContext ctx{req, {}, {}, {}, "rid", "trace", {}, nullptr, {}};
  try {
    http::parse_target(ctx);
  } catch (const http::ApiError& e) {
    return http::error_response(e);  // what the server answers
  }
  http::asio::io_context ioc;
  std::optional<http::Response> out;
  http::asio::co_spawn(
      ioc, [&]() -> http::asio::awaitable<void> { out = co_await router.dispatch(ctx); },
      http::asio::detached);
  ioc.run();
  return std::move(*out);
}

}  // namespace st::testing_support
