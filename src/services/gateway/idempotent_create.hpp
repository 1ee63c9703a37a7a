#pragma once
// Idempotency-Key on POST /api/tickets (IETF httpapi draft; Stripe's semantics): a client that
// retries a create after a timeout gets the first answer back, not a second ticket.
//   same key, same request, within 24 h  -> the first answer, with Idempotent-Replayed: true
//   same key, another request            -> 422
//   same key while the first still runs  -> 409
// Keys are scoped to the caller (their key id) and stored, so a replay survives a restart and
// works on any gateway instance. A 5xx is not kept: the retry runs again; it makes no second
// ticket, because the create carries a digest of the key to the tickets service, which stores
// it with the ticket (kCreateKeyHeader): exactly one ticket per key, even when the gateway
// dies between the ticket and keeping the answer, or two runs overlap.
#include <functional>
#include <string>

#include "http/beast.hpp"
#include "http/request_context.hpp"
#include "ports/clock.hpp"
#include "ports/idempotency_store.hpp"
#include "services/common/idempotent_requests.hpp"

namespace st::services::gateway {

inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

class IdempotentCreate {
 public:
  // Runs the create; `create_key` (empty without an Idempotency-Key) goes to the tickets
  // service in kCreateKeyHeader.
  using Create = std::function<http::asio::awaitable<http::Response>(std::string create_key)>;

  IdempotentCreate(ports::IdempotencyStore& store, const ports::Clock& clock)
      : requests_(store, clock) {}

  // Runs `create` once per (caller, Idempotency-Key); without the header, simply runs it.
  http::asio::awaitable<http::Response> run(const http::RequestContext& ctx, Create create);

 private:
  IdempotentRequests requests_;
};

}  // namespace st::services::gateway
