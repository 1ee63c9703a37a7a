#pragma once
// Idempotency-Key on POST /api/tickets (IETF httpapi draft; Stripe's semantics): the first
// answer to (caller, key) is kept for 24 h and replayed to a repeat with the same request.
// Stored, so a replay works after a restart and on any gateway instance.
#include <optional>
#include <string>

#include "domain/time.hpp"

namespace st::ports {

struct StoredAnswer {
  int status = 0;
  std::string content_type;
  std::string location;  // the Location header, if the answer had one
  std::string body;

  bool operator==(const StoredAnswer&) const = default;
};

struct IdempotencyClaim {
  enum class Outcome {
    started,    // the caller runs the request, then complete() or abandon()
    replay,     // done before with the same fingerprint: `answer` holds the first answer
    mismatch,   // the key was used with a different request (422)
    in_flight,  // the first request with this key is still running (409)
  };
  Outcome outcome = Outcome::started;
  std::optional<StoredAnswer> answer;  // set for replay
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // Claims (scope, key) for a request whose method, path and body hash to `fingerprint`.
  // A record older than `expire_before` (created_at < expire_before) counts as absent, and so
  // does an unfinished claim whose lease ended (claimed_at < lease_before: its process died).
  // Atomic: of two concurrent claims of one key, one starts and the other is in_flight.
  virtual IdempotencyClaim claim(const std::string& scope, const std::string& key,
                                 const std::string& fingerprint, domain::Millis now,
                                 domain::Millis expire_before, domain::Millis lease_before) = 0;
  // Records the answer of a started claim; later claims replay it.
  virtual void complete(const std::string& scope, const std::string& key,
                        const StoredAnswer& answer, domain::Millis now) = 0;
  // Forgets a started claim that produced no answer worth replaying (a 5xx): a retry runs.
  virtual void abandon(const std::string& scope, const std::string& key) = 0;
  // Deletes records created before `before`; returns how many.
  virtual std::size_t purge(domain::Millis before) = 0;
};

}  // namespace st::ports
