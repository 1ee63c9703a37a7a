#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include "http/api_error.hpp"
#include "http/json_response.hpp"
#include "logging/request_scope.hpp"
#include "ports/unavailable.hpp"

namespace st::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    out.push_back(path.substr(i, next - i));
    i = next;
  }
  return out;
}

void Router::add(Route r) {
  for (auto seg : split_path(r.pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void Router::route(bhttp::verb method, std::string pattern, SyncHandler handler) {
  add({method,
       std::move(pattern),
       {},
       [h = std::move(handler)](RequestContext& ctx) -> asio::awaitable<Response> {
         // A synchronous handler runs on one thread start to end: its log lines carry the ids.
         const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
         co_return h(ctx);
       },
       {}});
}

void Router::route_async(bhttp::verb method, std::string pattern, AsyncHandler handler) {
  add({method, std::move(pattern), {}, std::move(handler), {}});
}

void Router::route_blocking(bhttp::verb method, std::string pattern, BlockingPool& pool,
                            SyncHandler handler) {
  add({method,
       std::move(pattern),
       {},
       [&pool, h = std::move(handler)](RequestContext& ctx) -> asio::awaitable<Response> {
         auto job = [&h, &ctx] {
           const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
           return h(ctx);
         };
         co_return co_await pool.run(job);
       },
       {}});
}

void Router::route_stream(std::string pattern, StreamHandler handler) {
  add({bhttp::verb::get, std::move(pattern), {}, {}, std::move(handler)});
}

Router::Match Router::match(bhttp::verb method, RequestContext& ctx) const {
  // Routing happens on the raw path so that an encoded '/' (%2F) stays inside one segment;
  // segments are decoded one by one.
  const auto target = ctx.request.target();
  const auto raw_path = target.substr(0, target.find('?'));
  const auto segments = split_path(raw_path);
  Match result;
  for (std::size_t ri = 0; ri < routes_.size(); ++ri) {
    const Route& r = routes_[ri];
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (!(p.size() > 2 && p.front() == '{' && p.back() == '}')) ok = p == segments[i];
    }
    if (!ok) continue;
    if (r.method != method) {
      auto name = bhttp::to_string(r.method);
      if (result.allow.find(std::string(name)) == std::string::npos) {
        if (!result.allow.empty()) result.allow += ", ";
        result.allow += std::string(name);
      }
      continue;
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string& p = r.segments[i];
      if (p.front() == '{') {
        auto decoded = percent_decode(segments[i], false);
        if (!decoded)
          throw ApiError::bad_request("The path contains an invalid escape or invalid UTF-8");
        ctx.params[p.substr(1, p.size() - 2)] = std::move(*decoded);
      }
    }
    result.handler = r.handler ? &r.handler : nullptr;
    result.stream = r.stream ? &r.stream : nullptr;
    result.allow.clear();
    result.route = static_cast<int>(ri);
    return result;
  }
  return result;
}

asio::awaitable<Response> Router::dispatch(RequestContext& ctx) const {
  Match m;
  try {
    m = match(ctx.request.method(), ctx);
  } catch (const ApiError& e) {
    co_return error_response(e);
  }
  co_return co_await execute(m, ctx);
}

asio::awaitable<Response> Router::execute(const Match& m, RequestContext& ctx) const {
  std::optional<Response> failure;
  try {
    if (m.handler) co_return co_await (*m.handler)(ctx);
    if (!m.allow.empty()) {
      Response res = error_response(
          bhttp::status::method_not_allowed, "method_not_allowed",
          "Method " + std::string(ctx.request.method_string()) + " is not allowed on " + ctx.path);
      res.set(bhttp::field::allow, m.allow);
      co_return res;
    }
    throw ApiError::not_found("No such endpoint: " + ctx.path);
  } catch (const ApiError& e) {
    failure = error_response(e);
  } catch (const ports::TimedOut& e) {
    // A dependency did not answer in time: what it was asked may have happened.
    const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
    spdlog::warn("request {} {} {}: dependency timed out: {}", ctx.request_id,
                 std::string(ctx.request.method_string()), ctx.path, e.what());
    failure = error_response(bhttp::status::gateway_timeout, "service_timeout",
                             "A service this request needs did not answer in time");
  } catch (const ports::Unavailable& e) {
    // A dependency is down: fail fast, the client may retry. Logged at warn, not error.
    const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
    spdlog::warn("request {} {} {}: dependency unavailable: {}", ctx.request_id,
                 std::string(ctx.request.method_string()), ctx.path, e.what());
    failure = error_response(bhttp::status::service_unavailable, "service_unavailable",
                             "A service this request needs is unavailable; try again shortly");
  } catch (const std::exception& e) {
    // A bug, not bad input: log it (without the body, which may hold personal data).
    const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
    spdlog::error("request {} {} {} failed: {}", ctx.request_id,
                  std::string(ctx.request.method_string()), ctx.path, e.what());
    failure = error_response(bhttp::status::internal_server_error, "internal_error",
                             "The server could not complete the request");
  }
  co_return std::move(*failure);
}

std::vector<std::string> Router::describe_routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_)
    out.push_back(std::string(bhttp::to_string(r.method)) + " " + r.pattern);
  return out;
}

}  // namespace st::http
