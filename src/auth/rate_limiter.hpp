#pragma once
// Token buckets per caller (a key id, or a client address for unauthenticated calls), with the
// answer headers of the IETF httpapi RateLimit draft (structured form):
//   RateLimit-Policy: "default";q=600;w=60
//   RateLimit: "default";r=12;t=5
// A bucket holds `per_minute` tokens and refills at per_minute/60 tokens a second; a request
// takes one. Memory is bounded: the table never holds more than `max_buckets`. When it is
// full, buckets that have refilled are forgotten first (a forgotten bucket is indistinguishable
// from a full one), then the least recently used ones (their callers start over with a full one).
#include <array>
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
  // Token levels are kept in 1/60000ths of a token: a bucket of `per_minute` tokens then
  // refills by exactly `per_minute` units a millisecond, so all arithmetic is exact integers.
  static constexpr std::int64_t kUnitsPerToken = 60'000;
  struct Bucket {
    std::int64_t level = 0;      // units, 0..per_minute * kUnitsPerToken
    domain::Millis updated = 0;  // when `level` was computed; also the last use, for eviction
    int per_minute = 0;          // the capacity it was last taken with
  };
  // Callers are spread over shards by hash, each with its own lock, so concurrent requests
  // from different callers rarely wait for each other.
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
    std::size_t capacity = 0;  // this shard's share of max_buckets
  };
  static constexpr std::size_t kMaxShards = 16;

  Shard& shard_of(std::string_view caller);
  static void make_room_locked(Shard& shard, domain::Millis now);

  std::array<Shard, kMaxShards> shards_;
  std::size_t shard_count_ = 1;  // fewer shards for small tables, so each keeps a useful share
};

// `"default";q=<limit>;w=60`
std::string rate_limit_policy_header(const RateDecision& d);
// `"default";r=<remaining>;t=<reset_s>`
std::string rate_limit_header(const RateDecision& d);

}  // namespace st::auth
