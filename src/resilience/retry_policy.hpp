#pragma once
// When to try a failed call again and how long to wait first: exponential backoff with
// jitter, and a server's Retry-After honoured. Which failures are worth retrying is the
// caller's business (it knows the protocol); this only does the arithmetic.
//
// The delay before retry n (n = 1 after the first attempt) is drawn from
// [cap/2, cap] with cap = min(max_backoff, initial_backoff * multiplier^(n-1)) ("equal
// jitter"): clients that failed together spread out instead of retrying in lock-step, and
// every retry still waits at least half its share. A Retry-After longer than that wins.
#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace st::resilience {

struct RetryOptions {
  int max_attempts = 3;  // including the first; 1 means never retry
  std::chrono::milliseconds initial_backoff{250};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{4000};
};

class RetryPolicy {
 public:
  // A source of numbers uniform in [0, 1); tests pass a fixed one.
  using Uniform = std::function<double()>;

  explicit RetryPolicy(RetryOptions options, Uniform uniform = {});

  // Whether another attempt may follow `attempts_made` attempts.
  bool may_retry(int attempts_made) const { return attempts_made < options_.max_attempts; }

  // How long to wait after `attempts_made` (>= 1) attempts before the next one.
  std::chrono::milliseconds delay(int attempts_made,
                                  std::optional<std::chrono::milliseconds> retry_after = {}) const;

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  Uniform uniform_;
};

// Parses an HTTP Retry-After value given in seconds ("2", "0.5"); nullopt for anything else
// (the HTTP-date form is not worth supporting for an API that sends seconds).
std::optional<std::chrono::milliseconds> parse_retry_after_seconds(std::string_view value);

}  // namespace st::resilience
