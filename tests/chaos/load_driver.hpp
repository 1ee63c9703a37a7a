#pragma once
// The steady load of a chaos run: `count` tickets created at a constant `rate` (each at its
// scheduled time, however late the answers to the earlier ones are), the way a busy front end
// keeps sending while a part of the system is down. A ticket that is not accepted is retried
// with the same Idempotency-Key until it is (or its budget runs out), as a careful client would:
// the key is what makes "accepted twice" impossible to hide as "created twice".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace st::chaos {

using Clock = std::chrono::steady_clock;

struct LoadOptions {
  std::uint16_t port = 0;
  std::string key;      // Bearer key (admin, rate limit 0), empty in the open mode
  std::string run_tag;  // a word unique to the run, in every ticket's title
  int count = 5000;
  double rate = 100;  // tickets per second
  int workers = 64;   // concurrent clients (enough to keep the rate through slow answers)
  // Per ticket, from its scheduled time: past the 30 s lease of a key left "in flight" by a
  // failed attempt (the contract says retry a 409 in flight; it ends with the lease), plus
  // the longest fault's own length.
  std::chrono::seconds retry_budget{90};
  // Prefer: respond-async (201/202 once stored). Off: each create waits for its routing, and
  // an attempt's latency is the whole pipeline's (the soak run measures that).
  bool respond_async = true;
};

// One HTTP attempt: when it ended (ms since the run started), how long it took, and the
// answer (0: no answer at all — refused, reset or timed out).
struct Attempt {
  std::int64_t at_ms = 0;
  int status = 0;
  double latency_ms = 0;
};

struct LoadResult {
  Clock::time_point started;
  std::vector<std::optional<std::int64_t>> ids;  // per ticket index: the id once accepted
  std::vector<Attempt> attempts;                 // every attempt, in no particular order
};

// Ticket i is due at `started` + i / rate (the caller's clock, shared with its fault timing).
LoadResult drive_load(const LoadOptions& options, Clock::time_point started);

// The title of ticket `index` of a run: the tag finds the run's tickets, `#index` each one.
std::string chaos_title(const std::string& run_tag, int index);

}  // namespace st::chaos
