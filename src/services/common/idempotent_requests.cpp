#include "services/common/idempotent_requests.hpp"

#include <spdlog/spdlog.h>

#include "auth/api_key.hpp"
#include "http/api_error.hpp"
#include "http/json_response.hpp"

namespace st::services {

namespace bhttp = http::bhttp;
using http::ApiError;
using http::Response;

namespace {

constexpr domain::Millis kKeepFor = 24 * 3600 * 1000;  // the draft's and Stripe's 24 h
// A claim older than this belongs to a process that died (or lost its store while it ran: the
// claim could not be given up), and a retry may run. A manual change takes milliseconds; a
// create may wait for routing longer (create_timeout up to 60 s), but a create run twice
// still makes one ticket (kCreateKeyHeader), so its lease need not cover that wait. Short, so
// a client retrying after a crash is not told "in flight" for long.
constexpr domain::Millis kLease = 30 * 1000;
constexpr domain::Millis kPurgeEvery = 3600 * 1000;

std::string fingerprint_of(const http::Request& req) {
  std::string material = std::string(req.method_string()) + " " + std::string(req.target()) + "\n";
  material += req.body();
  return auth::hash_key(material);  // SHA-256, hex
}

ports::StoredAnswer answer_of(const Response& res) {
  return {static_cast<int>(res.result_int()), std::string(res[bhttp::field::content_type]),
          std::string(res[bhttp::field::location]), res.body()};
}

Response response_of(const ports::StoredAnswer& a) {
  Response res{static_cast<bhttp::status>(a.status), 11};
  if (!a.content_type.empty()) res.set(bhttp::field::content_type, a.content_type);
  if (!a.location.empty()) res.set(bhttp::field::location, a.location);
  res.set("Idempotent-Replayed", "true");
  res.body() = a.body;
  res.prepare_payload();
  return res;
}

// The gateway's ids are random: one scope for all of them.
constexpr const char* kGatewayScope = "gateway-request";

}  // namespace

void IdempotentRequests::purge_now_and_then(domain::Millis now) {
  auto last = last_purge_.load();
  if (now - last < kPurgeEvery || !last_purge_.compare_exchange_strong(last, now)) return;
  try {
    if (const auto n = store_.purge(now - kKeepFor))
      spdlog::info("forgot {} idempotency records older than 24 h", n);
  } catch (const std::exception& e) {
    spdlog::warn("purging idempotency records failed: {}", e.what());
  }
}

std::optional<Response> IdempotentRequests::begin(const Key& key, const http::Request& req) {
  const auto now = clock_.now();
  purge_now_and_then(now);
  const auto claim =
      store_.claim(key.scope, key.key, fingerprint_of(req), now, now - kKeepFor, now - kLease);
  using Outcome = ports::IdempotencyClaim::Outcome;
  switch (claim.outcome) {
    case Outcome::replay:
      return response_of(*claim.answer);
    case Outcome::mismatch:
      throw ApiError(
          bhttp::status::unprocessable_entity, "idempotency_key_reused",
          "This " + std::string(key.name) + " was used with a different request; use a new key",
          std::string(key.name));
    case Outcome::in_flight: {
      auto res = http::error_response(bhttp::status::conflict, "idempotency_key_in_flight",
                                      "A request with this " + std::string(key.name) +
                                          " is still being processed; retry shortly");
      res.set(bhttp::field::retry_after, "1");
      return res;
    }
    case Outcome::started:
      break;
  }
  return std::nullopt;
}

void IdempotentRequests::finish(const Key& key, const Response& res) {
  if (res.result_int() >= 500)
    store_.abandon(key.scope, key.key);
  else
    store_.complete(key.scope, key.key, answer_of(res), clock_.now());
}

void IdempotentRequests::abandon(const Key& key) {
  store_.abandon(key.scope, key.key);
}

http::SyncHandler once_per_gateway_request(IdempotentRequests& requests,
                                           http::SyncHandler handler) {
  return [&requests, handler = std::move(handler)](http::RequestContext& ctx) -> Response {
    const auto id = ctx.header(kGatewayRequestHeader);
    if (id.empty()) return handler(ctx);
    const IdempotentRequests::Key key{kGatewayScope, std::string(id), kGatewayRequestHeader};
    if (auto early = requests.begin(key, ctx.request)) return std::move(*early);
    std::optional<Response> res;
    try {
      res = handler(ctx);
    } catch (const ApiError& e) {
      res = http::error_response(e);  // a 4xx answer, kept like any other
    } catch (...) {
      requests.abandon(key);
      throw;
    }
    requests.finish(key, *res);
    return std::move(*res);
  };
}

}  // namespace st::services
