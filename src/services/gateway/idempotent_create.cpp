#include "services/gateway/idempotent_create.hpp"

#include <spdlog/spdlog.h>

#include "auth/api_key.hpp"
#include "http/json_response.hpp"

namespace st::services::gateway {

namespace bhttp = http::bhttp;
using http::ApiError;
using http::Response;

namespace {

constexpr domain::Millis kKeepFor = 24 * 3600 * 1000;  // the draft's and Stripe's 24 h
// A create waits for routing at most create_timeout (≤ 60 s); a claim older than this belongs
// to a process that died, and a retry may run.
constexpr domain::Millis kLease = 2 * 60 * 1000;
constexpr domain::Millis kPurgeEvery = 3600 * 1000;

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// The caller's own namespace of keys: two callers may pick the same key.
std::string scope_of(const http::RequestContext& ctx) {
  if (ctx.principal && ctx.principal->is_key()) return "key:" + ctx.principal->key_id;
  return "anonymous";
}

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

}  // namespace

void IdempotentCreate::purge_now_and_then(domain::Millis now) {
  auto last = last_purge_.load();
  if (now - last < kPurgeEvery || !last_purge_.compare_exchange_strong(last, now)) return;
  try {
    if (const auto n = store_.purge(now - kKeepFor))
      spdlog::info("gateway: forgot {} idempotency keys older than 24 h", n);
  } catch (const std::exception& e) {
    spdlog::warn("gateway: purging idempotency keys failed: {}", e.what());
  }
}

http::asio::awaitable<Response> IdempotentCreate::run(const http::RequestContext& ctx,
                                                      Create create) {
  const auto key_header = ctx.header("idempotency-key");
  if (ctx.request.count("idempotency-key") == 0) co_return co_await create();
  if (ctx.request.count("idempotency-key") > 1 || !valid_key(key_header))
    throw ApiError::bad_request(
        "Idempotency-Key must be 1 to 255 visible ASCII characters, sent once", "Idempotency-Key");
  const std::string key(key_header);
  const std::string scope = scope_of(ctx);
  const auto now = clock_.now();
  purge_now_and_then(now);
  const auto claim =
      store_.claim(scope, key, fingerprint_of(ctx.request), now, now - kKeepFor, now - kLease);
  using Outcome = ports::IdempotencyClaim::Outcome;
  switch (claim.outcome) {
    case Outcome::replay:
      co_return response_of(*claim.answer);
    case Outcome::mismatch:
      throw ApiError(bhttp::status::unprocessable_entity, "idempotency_key_reused",
                     "This Idempotency-Key was used with a different request; use a new key",
                     "Idempotency-Key");
    case Outcome::in_flight: {
      auto res = http::error_response(
          bhttp::status::conflict, "idempotency_key_in_flight",
          "A request with this Idempotency-Key is still being processed; retry shortly");
      res.set(bhttp::field::retry_after, "1");
      co_return res;
    }
    case Outcome::started:
      break;
  }
  std::optional<Response> res;
  try {
    res = co_await create();
  } catch (...) {
    store_.abandon(scope, key);
    throw;
  }
  if (res->result_int() >= 500)
    store_.abandon(scope, key);
  else
    store_.complete(scope, key, answer_of(*res), clock_.now());
  co_return std::move(*res);
}

}  // namespace st::services::gateway
