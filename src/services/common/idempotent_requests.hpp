#pragma once
// A request run once per key: the first answer is kept (ports::IdempotencyStore, 24 h) and
// replayed to a repeat of the same request (method, target, body); the same key with another
// request is a 422, a repeat while the first still runs a 409. A 5xx is not kept: the retry
// runs again. Two users:
// - the gateway, for a client's Idempotency-Key on POST /api/tickets (idempotent_create);
// - the services, for the id the gateway gives each request it forwards (the header below):
//   the gateway's client retries a PUT whose answer it lost, and the change must not be
//   recorded twice (once_per_gateway_request).
#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "http/beast.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"
#include "ports/clock.hpp"
#include "ports/idempotency_store.hpp"

namespace st::services {

// Internal only: set by the gateway on every call it forwards to a service in another
// process, a new random id per request it received (never the client's X-Request-Id, which a
// client may reuse), the same on the client's retry of that call. The gateway drops any
// value a client sent.
inline constexpr std::string_view kGatewayRequestHeader = "X-SmartTicket-Gateway-Request";

// Internal only: set by the gateway on a create that carries a client's Idempotency-Key, a
// digest of the key and its caller's scope (64 hex digits). The tickets service stores it with
// the ticket (ports::TicketCreate::create_key): however often the create is repeated — a
// retry after a timeout, a gateway killed before it kept the answer — one ticket is made.
// The gateway drops any value a client sent.
inline constexpr std::string_view kCreateKeyHeader = "X-SmartTicket-Create-Key";

class IdempotentRequests {
 public:
  struct Key {
    std::string scope;  // whose keys these are (a caller, the gateway)
    std::string key;
    std::string_view name;  // how the key was sent, for the error messages
  };

  IdempotentRequests(ports::IdempotencyStore& store, const ports::Clock& clock)
      : store_(store), clock_(clock) {}

  // Claims `key` for `req`. Returns the answer to give at once (the first answer, marked
  // Idempotent-Replayed, or the 409 of a request still running), or nullopt: the caller runs
  // the request, then finish()es or abandon()s. Throws ApiError 422 for another request.
  std::optional<http::Response> begin(const Key& key, const http::Request& req);
  // Keeps `res` for repeats; a 5xx is forgotten instead.
  void finish(const Key& key, const http::Response& res);
  // Forgets a claim whose request failed without an answer worth keeping.
  void abandon(const Key& key);

 private:
  void purge_now_and_then(domain::Millis now);

  ports::IdempotencyStore& store_;
  const ports::Clock& clock_;
  std::atomic<domain::Millis> last_purge_{0};
};

// `handler`, run once per gateway request id (kGatewayRequestHeader): the gateway's retry of
// a call whose answer it lost gets the first answer back instead of a second change. A
// request without the header (the one-process mode, which has no such retry) just runs.
http::SyncHandler once_per_gateway_request(IdempotentRequests& requests, http::SyncHandler handler);

}  // namespace st::services
