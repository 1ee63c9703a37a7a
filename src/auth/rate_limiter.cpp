#include "auth/rate_limiter.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace st::auth {
namespace {

// An empty bucket is full again after one minute whatever its size.
constexpr domain::Millis kFillTimeMs = 60'000;
// Below this many buckets a shard gets no share worth splitting further: small tables (and
// tests) use one shard, so eviction order is exact there.
constexpr std::size_t kMinBucketsPerShard = 64;

}  // namespace

RateLimiter::RateLimiter(std::size_t max_buckets) {
  if (max_buckets < 1) throw std::invalid_argument("rate limiter: max_buckets must be at least 1");
  shard_count_ = std::clamp<std::size_t>(max_buckets / kMinBucketsPerShard, 1, kMaxShards);
  // The shares add up to max_buckets exactly, so the whole table never exceeds it.
  for (std::size_t i = 0; i < shard_count_; ++i)
    shards_[i].capacity = max_buckets / shard_count_ + (i < max_buckets % shard_count_ ? 1 : 0);
}

RateLimiter::Shard& RateLimiter::shard_of(std::string_view caller) {
  return shards_[std::hash<std::string_view>{}(caller) % shard_count_];
}

void RateLimiter::make_room_locked(Shard& shard, domain::Millis now) {
  // A bucket that would be full by now answers exactly as a new one would: dropping it
  // forgets nothing.
  std::erase_if(shard.buckets, [now](const auto& entry) {
    const Bucket& b = entry.second;
    const domain::Millis elapsed = now - b.updated;
    return elapsed >= kFillTimeMs ||
           b.level + std::max<domain::Millis>(elapsed, 0) * b.per_minute >=
               b.per_minute * kUnitsPerToken;
  });
  // Still over: the least recently used callers lose their buckets (and so get a full one
  // back if they return). Freeing an eighth of the shard at once spreads the cost of the
  // sweep over the inserts that follow, rather than paying it on each new caller.
  const std::size_t keep = shard.capacity - std::max<std::size_t>(1, shard.capacity / 8);
  if (shard.buckets.size() <= keep) return;
  using Entry = std::pair<domain::Millis, decltype(shard.buckets)::iterator>;
  std::vector<Entry> by_use;
  by_use.reserve(shard.buckets.size());
  for (auto it = shard.buckets.begin(); it != shard.buckets.end(); ++it)
    by_use.emplace_back(it->second.updated, it);
  const std::size_t drop = shard.buckets.size() - keep;
  std::nth_element(by_use.begin(), by_use.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   by_use.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < drop; ++i) shard.buckets.erase(by_use[i].second);
}

RateDecision RateLimiter::take(std::string_view caller, int per_minute, domain::Millis now) {
  if (per_minute <= 0) return RateDecision{};
  const std::int64_t capacity = std::int64_t{per_minute} * kUnitsPerToken;

  Shard& shard = shard_of(caller);
  std::lock_guard lock(shard.mutex);
  std::string key(caller);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= shard.capacity) make_room_locked(shard, now);
    it = shard.buckets.emplace(std::move(key), Bucket{capacity, now, per_minute}).first;
  } else {
    Bucket& b = it->second;
    // Requests handled out of order may carry a slightly earlier `now`: time never runs
    // backwards for a bucket.
    const domain::Millis elapsed = std::clamp<domain::Millis>(now - b.updated, 0, kFillTimeMs);
    // min() with the capacity first: the caller's limit may have been lowered since.
    b.level = std::min(capacity, std::min(b.level, capacity) + elapsed * per_minute);
    b.updated = std::max(b.updated, now);
    b.per_minute = per_minute;
  }
  Bucket& b = it->second;

  const std::int64_t units_per_second = std::int64_t{per_minute} * 1000;
  auto ceil_seconds = [units_per_second](std::int64_t units) {
    return static_cast<int>((units + units_per_second - 1) / units_per_second);
  };
  RateDecision d;
  d.limit = per_minute;
  if (b.level >= kUnitsPerToken) {
    b.level -= kUnitsPerToken;
    d.remaining = static_cast<int>(b.level / kUnitsPerToken);
  } else {
    d.allowed = false;
    d.retry_after_s = std::max(1, ceil_seconds(kUnitsPerToken - b.level));
  }
  d.reset_s = ceil_seconds(capacity - b.level);
  return d;
}

std::size_t RateLimiter::bucket_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].buckets.size();
  }
  return n;
}

std::string rate_limit_policy_header(const RateDecision& d) {
  return "\"default\";q=" + std::to_string(d.limit) + ";w=60";
}

std::string rate_limit_header(const RateDecision& d) {
  return "\"default\";r=" + std::to_string(d.remaining) + ";t=" + std::to_string(d.reset_s);
}

}  // namespace st::auth
