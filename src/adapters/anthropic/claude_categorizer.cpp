#include "adapters/anthropic/claude_categorizer.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <thread>

#include "domain/status.hpp"

namespace st::adapters::anthropic {

using namespace std::chrono;
using resilience::BreakerState;

namespace {

constexpr std::size_t kFailureKinds = std::size(kAllFailureKinds);

double breaker_gauge_value(BreakerState s) {
  switch (s) {
    case BreakerState::closed:
      return 0;
    case BreakerState::half_open:
      return 1;
    case BreakerState::open:
      return 2;
  }
  return 0;
}

// What one HTTP exchange amounts to: an answer, or a classified failure.
std::variant<Answer, Failure> interpret(const std::variant<HttpReply, TransportFailure>& reply,
                                        const std::vector<std::string>& departments,
                                        std::string& request_id) {
  if (const auto* failed = std::get_if<TransportFailure>(&reply))
    return Failure{failed->timed_out ? FailureKind::timeout : FailureKind::connection,
                   failed->message, std::nullopt};
  const auto& r = std::get<HttpReply>(reply);
  request_id = r.request_id;
  if (r.status == 200) return parse_response(r.body, departments);
  std::optional<milliseconds> retry_after;
  if (r.retry_after) retry_after = resilience::parse_retry_after_seconds(*r.retry_after);
  return classify_status(r.status, r.body, retry_after);
}

}  // namespace

struct ClaudeCategorizer::Metrics {
  explicit Metrics(metrics::Registry& r)
      : calls(r.counter("smartticket_claude_calls_total", "HTTP calls made to the Messages API")),
        answers(r.counter("smartticket_claude_answers_total",
                          "Tickets Claude categorized (valid answers)")),
        retries(r.counter("smartticket_claude_retries_total",
                          "Calls repeated after a retryable failure")),
        input_tokens(r.counter("smartticket_claude_input_tokens_total",
                               "Input tokens billed, as reported by the API")),
        output_tokens(r.counter("smartticket_claude_output_tokens_total",
                                "Output tokens billed, as reported by the API")),
        breaker_opened(r.counter("smartticket_claude_breaker_opened_total",
                                 "Times the circuit breaker opened")),
        latency(r.histogram("smartticket_claude_request_duration_seconds",
                            "Duration of one Messages API call, failures included",
                            metrics::latency_buckets_seconds())),
        in_flight(r.gauge("smartticket_claude_in_flight", "Messages API calls in flight")),
        breaker_state(r.gauge("smartticket_claude_breaker_state",
                              "Circuit breaker: 0 closed, 1 half-open, 2 open")) {
    for (std::size_t i = 0; i < kFailureKinds; ++i)
      failures[i] = &r.counter("smartticket_claude_failures_total", "Failed calls by kind",
                               {{"kind", std::string(to_string(kAllFailureKinds[i]))}});
    // In the order of ClaudeCategorizer::Skip.
    const std::array<const char*, 4> reasons{"no_key", "breaker_open", "busy", "deadline"};
    for (std::size_t i = 0; i < reasons.size(); ++i)
      skipped[i] = &r.counter("smartticket_claude_skipped_total",
                              "Tickets left to the fallback without a (further) call, by reason",
                              {{"reason", reasons[i]}});
  }
  metrics::Counter& failure(FailureKind k) { return *failures[static_cast<std::size_t>(k)]; }

  metrics::Counter& calls;
  metrics::Counter& answers;
  metrics::Counter& retries;
  metrics::Counter& input_tokens;
  metrics::Counter& output_tokens;
  metrics::Counter& breaker_opened;
  metrics::Histogram& latency;
  metrics::Gauge& in_flight;
  metrics::Gauge& breaker_state;
  std::array<metrics::Counter*, kFailureKinds> failures{};
  std::array<metrics::Counter*, 4> skipped{};
};

ClaudeCategorizer::ClaudeCategorizer(ClaudeOptions options, metrics::Registry& registry,
                                     ClaudeHooks hooks)
    : options_(std::move(options)),
      hooks_(std::move(hooks)),
      metrics_(std::make_unique<Metrics>(registry)),
      retry_(options_.retry, hooks_.jitter),
      breaker_(
          options_.breaker,
          [this](BreakerState from, BreakerState to) { on_breaker_change(from, to); },
          hooks_.now ? hooks_.now : &Clock::now),
      limiter_(options_.max_concurrency) {
  if (!hooks_.now) hooks_.now = &Clock::now;
  if (!hooks_.sleep) hooks_.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
  if (!enabled()) {
    spdlog::warn(
        "categorizer: no Anthropic API key (ANTHROPIC_API_KEY or ANTHROPIC_API_KEY_FILE); "
        "Claude is off and tickets are categorized by the fallbacks");
    return;
  }
  client_ = std::make_unique<CurlClient>(CurlClientOptions{
      .base_url = options_.base_url,
      .api_key = options_.api_key,
      .connect_timeout = options_.connect_timeout,
  });
  spdlog::info("categorizer: Claude on ({} at {}), up to {} calls at once", options_.model,
               client_->url(), options_.max_concurrency);
}

ClaudeCategorizer::~ClaudeCategorizer() = default;

void ClaudeCategorizer::on_breaker_change(BreakerState from, BreakerState to) {
  metrics_->breaker_state.set(breaker_gauge_value(to));
  if (to == BreakerState::open) {
    metrics_->breaker_opened.inc();
    spdlog::warn("categorizer: Claude circuit breaker {} -> open; fallbacks decide for {} ms",
                 resilience::to_string(from), options_.breaker.open_duration.count());
  } else {
    spdlog::info("categorizer: Claude circuit breaker {} -> {}", resilience::to_string(from),
                 resilience::to_string(to));
  }
}

std::string ClaudeCategorizer::redact(std::string message) const {
  if (options_.api_key.empty()) return message;
  for (auto pos = message.find(options_.api_key); pos != std::string::npos;
       pos = message.find(options_.api_key, pos))
    message.replace(pos, options_.api_key.size(), "[redacted]");
  return message;
}

std::optional<ports::Categorization> ClaudeCategorizer::skip(Skip why) {
  metrics_->skipped[static_cast<std::size_t>(why)]->inc();
  return std::nullopt;
}

std::optional<ports::Categorization> ClaudeCategorizer::categorize(
    const ports::CategorizationRequest& request) {
  if (!enabled()) return skip(Skip::no_key);
  // Deadlines are real time (request.deadline is); hooks_.now drives only the breaker.
  auto deadline = Clock::now() + options_.budget;
  if (request.deadline && *request.deadline < deadline) deadline = *request.deadline;

  std::string body;  // built once the breaker lets a call through: skipping stays cheap
  for (int attempt = 1;; ++attempt) {
    if (deadline - Clock::now() < kMinAttemptTime) return skip(Skip::deadline);
    auto call = breaker_.try_call();
    if (!call) return skip(Skip::breaker_open);
    if (body.empty())
      body =
          build_request({options_.model, options_.max_tokens, options_.redact_pii}, request).dump();
    auto permit = limiter_.acquire_until(deadline - kMinAttemptTime);
    if (!permit) return skip(Skip::busy);
    const auto left = duration_cast<milliseconds>(deadline - Clock::now());
    const auto timeout = std::min(options_.request_timeout, left);

    metrics_->calls.inc();
    metrics_->in_flight.add(1);
    const auto call_start = Clock::now();
    auto reply = client_->post_messages(body, timeout);
    metrics_->latency.observe(duration<double>(Clock::now() - call_start).count());
    metrics_->in_flight.add(-1);
    permit.reset();

    std::string request_id;
    auto outcome = interpret(reply, request.departments, request_id);
    if (auto* answer = std::get_if<Answer>(&outcome)) {
      call->succeeded();
      key_refused_.store(false);
      metrics_->answers.inc();
      metrics_->input_tokens.inc(static_cast<std::uint64_t>(std::max(0L, answer->input_tokens)));
      metrics_->output_tokens.inc(static_cast<std::uint64_t>(std::max(0L, answer->output_tokens)));
      ports::Categorization c;
      c.department = answer->department;
      c.confidence = answer->confidence;
      c.categorized_by = domain::CategorizedBy::claude;
      c.reason = answer->reason.empty() ? "Claude chose " + answer->department : answer->reason;
      c.model_version = answer->model.empty() ? options_.model : answer->model;
      c.priority = answer->priority;
      domain::Explanation why;
      why.decided_by = domain::CategorizedBy::claude;
      why.version = c.model_version + " prompt-" + std::to_string(kPromptVersion);
      why.candidates.push_back({c.department, c.confidence});
      for (const auto& alternative : answer->alternatives) why.candidates.push_back(alternative);
      why.evidence.push_back(c.reason);
      c.explanation = std::move(why);
      return c;
    }

    const auto& failure = std::get<Failure>(outcome);
    metrics_->failure(failure.kind).inc();
    if (failure.kind == FailureKind::authentication || failure.kind == FailureKind::permission)
      key_refused_.store(true);
    if (counts_against_breaker(failure.kind)) call->failed();
    // A neutral outcome leaves the breaker as it is (the Call's destructor frees a probe).
    call.reset();
    spdlog::warn("categorizer: Claude attempt {} failed ({}): {}{}", attempt,
                 to_string(failure.kind), redact(failure.message),
                 request_id.empty() ? "" : " [request-id " + request_id + "]");
    if (!retryable(failure.kind) || !retry_.may_retry(attempt)) return std::nullopt;
    const auto delay = retry_.delay(attempt, failure.retry_after);
    if (deadline - Clock::now() < delay + kMinAttemptTime) return skip(Skip::deadline);
    metrics_->retries.inc();
    hooks_.sleep(delay);
  }
}

ports::CategorizerHealth ClaudeCategorizer::health() {
  ports::CategorizerHealth h;
  h.details.emplace_back("model", options_.model);
  using State = ports::CategorizerHealth::State;
  if (!enabled()) {
    h.state = State::off;
    h.summary = "no Anthropic API key set; the fallbacks categorize every ticket";
    h.details.emplace_back("api_key", "not set");
    return h;
  }
  if (key_refused_.load()) {
    h.state = State::degraded;
    h.summary = "the Anthropic API refused the key (401/403); the fallbacks decide";
  }
  const auto s = breaker_.snapshot();
  h.details.emplace_back("breaker", std::string(resilience::to_string(s.state)));
  switch (s.state) {
    case BreakerState::closed:
      break;
    case BreakerState::open:
      h.state = State::degraded;
      h.summary =
          "Claude circuit breaker open after repeated failures; the fallbacks decide; "
          "next probe in " +
          std::to_string(s.retry_in.count()) + " ms";
      break;
    case BreakerState::half_open:
      h.state = State::degraded;
      h.summary = "Claude circuit breaker half-open: probing whether the API is back";
      break;
  }
  return h;
}

}  // namespace st::adapters::anthropic
