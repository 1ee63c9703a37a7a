#pragma once
// The first strategy of the categorizer chain: asks Claude (Anthropic Messages API) with a
// forced tool call, and gives up (nullopt, so the next strategy decides) rather than let a
// ticket wait: no key, circuit breaker open, every permitted attempt failed, or no time
// left before the request's deadline.
//
// Per ticket: up to retry.max_attempts calls, each bounded by request_timeout and by what is
// left of the budget; 429/529/5xx/timeouts/bad answers are retried after a jittered
// exponential backoff (Retry-After wins when longer), 400/401/403 are not. Every HTTP call
// passes the circuit breaker (fail fast while the API is down) and the concurrency limiter
// (at most max_concurrency calls in flight). The key never appears in a log line.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/anthropic/curl_client.hpp"
#include "adapters/anthropic/messages_protocol.hpp"
#include "metrics/registry.hpp"
#include "ports/categorizer.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/concurrency_limiter.hpp"
#include "resilience/retry_policy.hpp"

namespace st::adapters::anthropic {

struct ClaudeOptions {
  std::string api_key;  // empty: the strategy is off and always gives up
  std::string base_url = "https://api.anthropic.com";
  std::string model = "claude-haiku-4-5";
  int max_tokens = 300;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{4000};  // one HTTP attempt
  std::chrono::milliseconds budget{4000};           // all attempts of one ticket
  resilience::RetryOptions retry{};
  resilience::CircuitBreakerOptions breaker{};
  std::size_t max_concurrency = 4;
  // The ticket's e-mail addresses, phone, card and IBAN numbers never reach the API.
  bool redact_pii = true;
};

// Injected for tests: the clock the circuit breaker reads (deadlines are real time), how to
// wait between attempts, and the jitter source.
struct ClaudeHooks {
  resilience::CircuitBreaker::NowFunction now = &std::chrono::steady_clock::now;
  std::function<void(std::chrono::milliseconds)> sleep;
  resilience::RetryPolicy::Uniform jitter;
};

class ClaudeCategorizer final : public ports::Categorizer {
 public:
  using Clock = std::chrono::steady_clock;

  ClaudeCategorizer(ClaudeOptions options, metrics::Registry& metrics, ClaudeHooks hooks = {});
  ~ClaudeCategorizer() override;

  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return "claude"; }
  ports::CategorizerHealth health() override;

  bool enabled() const { return !options_.api_key.empty(); }
  resilience::BreakerState breaker_state() { return breaker_.state(); }

  // An attempt needs at least this much time left to be worth starting.
  static constexpr std::chrono::milliseconds kMinAttemptTime{100};

 private:
  struct Metrics;
  enum class Skip { no_key, breaker_open, busy, deadline };
  std::optional<ports::Categorization> skip(Skip why);
  void on_breaker_change(resilience::BreakerState from, resilience::BreakerState to);
  // The message with every occurrence of the key replaced (defence in depth for logs).
  std::string redact(std::string message) const;

  const ClaudeOptions options_;
  ClaudeHooks hooks_;
  std::unique_ptr<Metrics> metrics_;
  resilience::RetryPolicy retry_;
  resilience::CircuitBreaker breaker_;
  resilience::ConcurrencyLimiter limiter_;
  std::unique_ptr<CurlClient> client_;  // null without a key
  // The last answer was 401/403 (cleared by the next success): health says so, as a fault.
  std::atomic<bool> key_refused_{false};
};

}  // namespace st::adapters::anthropic
