#include "services/gateway/idempotent_create.hpp"

#include "auth/api_key.hpp"
#include "http/api_error.hpp"

namespace st::services::gateway {

using http::ApiError;
using http::Response;

namespace {

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

}  // namespace

http::asio::awaitable<Response> IdempotentCreate::run(const http::RequestContext& ctx,
                                                      Create create) {
  const auto key_header = ctx.header("idempotency-key");
  if (ctx.request.count("idempotency-key") == 0) co_return co_await create(std::string());
  if (ctx.request.count("idempotency-key") > 1 || !valid_key(key_header))
    throw ApiError::bad_request(
        "Idempotency-Key must be 1 to 255 visible ASCII characters, sent once", "Idempotency-Key");
  const IdempotentRequests::Key key{scope_of(ctx), std::string(key_header), "Idempotency-Key"};
  if (auto early = requests_.begin(key, ctx.request)) co_return std::move(*early);
  // The scope keeps two callers' equal keys apart; hashed, so no key is stored as sent.
  std::string create_key = auth::hash_key(key.scope + "\n" + key.key);
  std::optional<Response> res;
  try {
    res = co_await create(std::move(create_key));
  } catch (...) {
    requests_.abandon(key);
    throw;
  }
  requests_.finish(key, *res);
  co_return std::move(*res);
}

}  // namespace st::services::gateway
