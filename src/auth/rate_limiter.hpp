#pragma once
// Token buckets per caller (a key id, or a client address for unauthenticated calls), with the
// answer headers of the IETF httpapi RateLimit draft (structured form):
//   RateLimit-Policy: "default";q=600;w=60
//   RateLimit: "default";r=12;t=5
// A bucket holds `per_minute` tokens and refills at per_minute/60 tokens a second; a request
// takes one. Memory is bounded: idle, full buckets are forgotten (a forgotten bucket is
// indistinguishable from a full one), and the table never holds more than `max_buckets`.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/time.hpp"

namespace st::auth {

struct RateDecision {
  bool allowed = true;
  int limit = 0;          // tokens per window (q); 0 = unlimited (no headers are sent)
  int remaining = 0;      // whole tokens left after this request (r)
  int reset_s = 0;        // seconds until the bucket is full again (t)
  int retry_after_s = 0;  // when refused: whole seconds until one token is back (>= 1)
};

class RateLimiter {
 public:
  explicit RateLimiter(std::size_t max_buckets = 100'000);

  // Takes one token from `caller`'s bucket of `per_minute` tokens at time `now`.
  // per_minute <= 0: unlimited, always allowed, nothing is stored.
  RateDecision take(std::string_view caller, int per_minute, domain::Millis now);

  std::size_t bucket_count() const;

 private:
  // ... implementation-defined (sharded maps under mutexes)
};

// `"default";q=<limit>;w=60`
std::string rate_limit_policy_header(const RateDecision& d);
// `"default";r=<remaining>;t=<reset_s>`
std::string rate_limit_header(const RateDecision& d);

}  // namespace st::auth
