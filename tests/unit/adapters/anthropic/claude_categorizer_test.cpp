// ClaudeCategorizer against the fake Anthropic server over real HTTP: each way the API
// answers or fails, retries and their backoff, the circuit breaker's transitions, the
// concurrency limit, deadlines, and that the key stays out of logs, health and metrics.
#include "adapters/anthropic/claude_categorizer.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <sstream>
#include <thread>

#include "fakes/anthropic/fake_anthropic.hpp"
#include "unit/support/manual_clock.hpp"

namespace st::adapters::anthropic {
namespace {

using namespace std::chrono_literals;
using fakes::AnthropicMode;
using fakes::FakeAnthropic;
using resilience::BreakerState;
using State = ports::CategorizerHealth::State;
using testing_support::ManualSteadyClock;

const std::vector<std::string> kDepartments{"IT Support", "HR", "Facilities", "Finance", "General"};
constexpr const char* kKey = "sk-ant-api03-SECRET-do-not-log-4f9a";

ports::CategorizationRequest vpn_ticket() {
  return {"VPN keeps disconnecting", "Since this morning the VPN drops every few minutes.",
          kDepartments};
}

std::uint64_t counter(const metrics::Registry& r, const std::string& series) {
  const auto text = r.render();
  const auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return 0;
  return std::stoull(text.substr(pos + series.size() + 2));
}

class ClaudeCategorizerTest : public ::testing::Test {
 protected:
  ClaudeCategorizerTest() : fake(fake_options()) { fake.set_department("Facilities", 88); }

  static FakeAnthropic::Options fake_options() {
    FakeAnthropic::Options o;
    o.api_key = kKey;
    return o;
  }

  ClaudeOptions options() const {
    ClaudeOptions o;
    o.api_key = kKey;
    o.base_url = fake.base_url();
    o.request_timeout = 3000ms;
    o.budget = 10'000ms;
    o.retry = {.max_attempts = 3, .initial_backoff = 10ms, .multiplier = 2, .max_backoff = 40ms};
    o.breaker = {.failure_threshold = 5, .open_duration = 1000ms};
    o.max_concurrency = 4;
    return o;
  }

  ClaudeCategorizer& make(ClaudeOptions o) {
    ClaudeHooks hooks;
    hooks.now = clock.function();
    hooks.sleep = [this](std::chrono::milliseconds d) {
      std::lock_guard lock(sleeps_mutex);
      sleeps.push_back(d);
    };
    hooks.jitter = [] { return 1.0; };
    claude = std::make_unique<ClaudeCategorizer>(std::move(o), registry, hooks);
    return *claude;
  }

  std::uint64_t failures(const std::string& kind) const {
    return counter(registry, "smartticket_claude_failures_total{kind=\"" + kind + "\"}");
  }

  FakeAnthropic fake;
  ManualSteadyClock clock;
  metrics::Registry registry;
  std::mutex sleeps_mutex;
  std::vector<std::chrono::milliseconds> sleeps;
  std::unique_ptr<ClaudeCategorizer> claude;
};

TEST_F(ClaudeCategorizerTest, AToolUseAnswerDecides) {
  auto& c = make(options());
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  // The fake always names Facilities: the answer is Claude's, not the keywords'.
  EXPECT_EQ(r->department, "Facilities");
  EXPECT_EQ(r->confidence, 88);
  EXPECT_EQ(r->categorized_by, domain::CategorizedBy::claude);
  EXPECT_EQ(r->reason, "The fake always names Facilities.");
  EXPECT_EQ(r->model_version, "claude-haiku-4-5-fake");

  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_EQ(req.status, 200);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/v1/messages");
  EXPECT_EQ(req.header("x-api-key"), kKey);
  EXPECT_EQ(req.header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.json["model"], "claude-haiku-4-5");
  EXPECT_EQ(req.json["tools"][0]["input_schema"]["properties"]["department"]["enum"],
            nlohmann::json(kDepartments));
  EXPECT_EQ(req.json["tool_choice"]["name"], kToolName);
  EXPECT_EQ(counter(registry, "smartticket_claude_calls_total"), 1u);
  EXPECT_EQ(counter(registry, "smartticket_claude_answers_total"), 1u);
  EXPECT_GT(counter(registry, "smartticket_claude_input_tokens_total"), 0u);
  EXPECT_EQ(counter(registry, "smartticket_claude_request_duration_seconds_count"), 1u);
}

TEST_F(ClaudeCategorizerTest, ThePriorityOfTheAnswerIsKeptAndItsAbsenceLeftToTheFallback) {
  auto& c = make(options());
  fake.set_priority("high");
  auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->priority, domain::Priority::high);
  EXPECT_EQ(
      fake.requests().back().json["tools"][0]["input_schema"]["properties"]["priority"]["type"],
      "string");
  fake.set_priority("");  // the answer names no priority: the service estimates it
  r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->department, "Facilities");
  EXPECT_EQ(r->priority, std::nullopt);
}

TEST_F(ClaudeCategorizerTest, TheExplanationHoldsTheReasonTheAlternativesAndThePromptVersion) {
  auto& c = make(options());
  fake.set_alternatives({{"IT Support", 40}, {"Facilities", 30}, {"Astrology", 20}});
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->explanation);
  const auto& e = *r->explanation;
  EXPECT_EQ(e.decided_by, domain::CategorizedBy::claude);
  // The model that answered (the fake appends "-fake") and the prompt's version.
  EXPECT_EQ(e.version, r->model_version + " prompt-" + std::to_string(kPromptVersion));
  EXPECT_NE(e.version.find("-fake prompt-"), std::string::npos);
  // The chosen department first; the chosen one again and an unlisted one are dropped.
  ASSERT_EQ(e.candidates.size(), 2u);
  EXPECT_EQ(e.candidates[0], (domain::Candidate{"Facilities", 88}));
  EXPECT_EQ(e.candidates[1], (domain::Candidate{"IT Support", 40}));
  // Claude's reason, as the fake wrote it, is the evidence.
  ASSERT_EQ(e.evidence.size(), 1u);
  EXPECT_EQ(e.evidence[0], "The fake always names Facilities.");
  const auto requests = fake.requests();
  const auto schema = requests.back().json["tools"][0]["input_schema"];
  EXPECT_EQ(schema["properties"]["alternatives"]["type"], "array");
  EXPECT_EQ(schema["properties"]["alternatives"]["maxItems"], kMaxAlternatives);
}

TEST_F(ClaudeCategorizerTest, AnAnswerWithoutAlternativesHasTheChosenDepartmentAlone) {
  auto& c = make(options());
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r && r->explanation);
  ASSERT_EQ(r->explanation->candidates.size(), 1u);
  EXPECT_EQ(r->explanation->candidates[0].department, "Facilities");
}

TEST_F(ClaudeCategorizerTest, ATextAnswerDecides) {
  fake.set_mode(AnthropicMode::text);
  auto& c = make(options());
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->department, "Facilities");
  EXPECT_EQ(r->confidence, 88);
  EXPECT_EQ(r->categorized_by, domain::CategorizedBy::claude);
}

TEST_F(ClaudeCategorizerTest, RateLimitIsRetriedAfterRetryAfter) {
  fake.script({AnthropicMode::rate_limited});  // retry-after: 1
  auto& c = make(options());
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(fake.request_count(), 2u);
  EXPECT_EQ(fake.requests()[0].status, 429);
  // The backoff would be 10 ms; the server asked for a second.
  EXPECT_EQ(sleeps, std::vector<std::chrono::milliseconds>{1000ms});
  EXPECT_EQ(failures("rate_limited"), 1u);
  EXPECT_EQ(counter(registry, "smartticket_claude_retries_total"), 1u);
}

TEST_F(ClaudeCategorizerTest, OverloadAndServerErrorsAreRetriedWithGrowingBackoff) {
  fake.script({AnthropicMode::overloaded, AnthropicMode::server_error});
  auto& c = make(options());
  ASSERT_TRUE(c.categorize(vpn_ticket()));
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].status, 529);
  EXPECT_EQ(requests[1].status, 500);
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{10ms, 20ms}));
  EXPECT_EQ(failures("overloaded"), 1u);
  EXPECT_EQ(failures("server_error"), 1u);
}

TEST_F(ClaudeCategorizerTest, GivesUpAfterTheLastAttempt) {
  fake.set_mode(AnthropicMode::overloaded);
  auto& c = make(options());
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 3u);
  EXPECT_EQ(sleeps.size(), 2u);
  EXPECT_EQ(failures("overloaded"), 3u);
}

TEST_F(ClaudeCategorizerTest, AuthenticationFailuresAreNotRetried) {
  fake.set_mode(AnthropicMode::unauthorized);
  auto& c = make(options());
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 1u);
  EXPECT_EQ(fake.requests()[0].status, 401);
  EXPECT_TRUE(sleeps.empty());
  EXPECT_EQ(failures("authentication"), 1u);
}

TEST_F(ClaudeCategorizerTest, ARefusedKeyIsDegradedUntilTheNextAnswer) {
  fake.set_mode(AnthropicMode::unauthorized);
  auto& c = make(options());
  EXPECT_EQ(c.health().state, State::healthy);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  const auto h = c.health();
  EXPECT_EQ(h.state, State::degraded);
  EXPECT_NE(h.summary.find("refused the key"), std::string::npos) << h.summary;
  fake.set_mode(AnthropicMode::tool_use);
  ASSERT_TRUE(c.categorize(vpn_ticket()));
  EXPECT_EQ(c.health().state, State::healthy);
}

TEST_F(ClaudeCategorizerTest, AWrongKeyIsRejectedByTheFakeLikeTheApi) {
  auto o = options();
  o.api_key = "sk-ant-wrong";
  auto& c = make(o);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  ASSERT_EQ(fake.request_count(), 1u);
  EXPECT_EQ(fake.requests()[0].status, 401);
}

TEST_F(ClaudeCategorizerTest, ASlowAnswerTimesOut) {
  fake.set_mode(AnthropicMode::slow);  // 3 s
  auto o = options();
  o.request_timeout = 200ms;
  o.retry.max_attempts = 1;
  auto& c = make(o);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(failures("timeout"), 1u);
}

TEST_F(ClaudeCategorizerTest, MalformedJsonIsAFailedAttempt) {
  fake.script({AnthropicMode::malformed_json});
  auto& c = make(options());
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(fake.request_count(), 2u);
  EXPECT_EQ(failures("malformed_response"), 1u);
}

TEST_F(ClaudeCategorizerTest, ADepartmentOutsideTheListIsAFailedAttemptNotAnOutage) {
  fake.set_mode(AnthropicMode::unknown_department);
  auto o = options();
  o.retry.max_attempts = 2;
  o.breaker.failure_threshold = 1;
  auto& c = make(o);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 2u);
  EXPECT_EQ(failures("invalid_answer"), 2u);
  EXPECT_EQ(c.breaker_state(), BreakerState::closed);
}

TEST_F(ClaudeCategorizerTest, AnUnreachableApiIsAConnectionFailure) {
  fake.stop();
  auto o = options();
  o.retry.max_attempts = 2;
  auto& c = make(o);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(failures("connection"), 2u);
}

TEST_F(ClaudeCategorizerTest, WithoutAKeyItMakesNoCallAndReportsOff) {
  auto o = options();
  o.api_key.clear();
  auto& c = make(o);
  EXPECT_FALSE(c.enabled());
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 0u);
  const auto h = c.health();
  EXPECT_EQ(h.state, State::off);
  EXPECT_NE(h.summary.find("no Anthropic API key"), std::string::npos);
  EXPECT_EQ(counter(registry, "smartticket_claude_skipped_total{reason=\"no_key\"}"), 1u);
}

TEST_F(ClaudeCategorizerTest, BreakerOpensSkipsProbesAndCloses) {
  fake.set_mode(AnthropicMode::server_error);
  auto o = options();
  o.retry.max_attempts = 1;
  o.breaker = {.failure_threshold = 2, .open_duration = 1000ms};
  auto& c = make(o);
  EXPECT_EQ(c.health().state, State::healthy);

  // closed -> open after two failed calls
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(c.breaker_state(), BreakerState::closed);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(c.breaker_state(), BreakerState::open);
  EXPECT_EQ(fake.request_count(), 2u);

  // open: no call at all, health degraded
  fake.set_mode(AnthropicMode::tool_use);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 2u);
  EXPECT_EQ(counter(registry, "smartticket_claude_skipped_total{reason=\"breaker_open\"}"), 1u);
  auto h = c.health();
  EXPECT_EQ(h.state, State::degraded);
  EXPECT_NE(h.summary.find("breaker open"), std::string::npos);
  EXPECT_EQ(counter(registry, "smartticket_claude_breaker_state"), 2u);

  // open -> half_open after the cool-down; a failed probe reopens it
  clock.advance(1000ms);
  EXPECT_EQ(c.breaker_state(), BreakerState::half_open);
  EXPECT_EQ(c.health().state, State::degraded);
  fake.set_mode(AnthropicMode::overloaded);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 3u);  // one probe, no retry past the reopened breaker
  EXPECT_EQ(c.breaker_state(), BreakerState::open);

  // half_open -> closed when a probe succeeds
  clock.advance(1000ms);
  fake.set_mode(AnthropicMode::tool_use);
  const auto r = c.categorize(vpn_ticket());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->categorized_by, domain::CategorizedBy::claude);
  EXPECT_EQ(c.breaker_state(), BreakerState::closed);
  EXPECT_EQ(c.health().state, State::healthy);
  EXPECT_EQ(counter(registry, "smartticket_claude_breaker_opened_total"), 2u);
  EXPECT_EQ(counter(registry, "smartticket_claude_breaker_state"), 0u);
}

TEST_F(ClaudeCategorizerTest, NoCallWhenTheDeadlineIsTooClose) {
  auto& c = make(options());
  auto req = vpn_ticket();
  req.deadline = std::chrono::steady_clock::now() + ClaudeCategorizer::kMinAttemptTime / 2;
  EXPECT_FALSE(c.categorize(req));
  EXPECT_EQ(fake.request_count(), 0u);
  EXPECT_EQ(counter(registry, "smartticket_claude_skipped_total{reason=\"deadline\"}"), 1u);
}

TEST_F(ClaudeCategorizerTest, ARetryAfterPastTheDeadlineEndsTheAttempts) {
  fake.set_mode(AnthropicMode::rate_limited);  // retry-after: 1 s
  auto o = options();
  o.budget = 600ms;
  auto& c = make(o);
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  EXPECT_EQ(fake.request_count(), 1u);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(ClaudeCategorizerTest, AtMostMaxConcurrencyCallsRunAtOnce) {
  FakeAnthropic::Options fo = fake_options();
  fo.slow_delay = 150ms;
  FakeAnthropic slow(fo);
  slow.set_mode(AnthropicMode::slow);
  auto o = options();
  o.base_url = slow.base_url();
  o.max_concurrency = 2;
  auto& c = make(o);
  std::atomic<int> decided{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      if (c.categorize(vpn_ticket())) ++decided;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(decided.load(), 6);
  EXPECT_EQ(slow.request_count(), 6u);
  EXPECT_LE(slow.peak_concurrency(), 2);
  EXPECT_GE(slow.peak_concurrency(), 1);
}

TEST_F(ClaudeCategorizerTest, TheKeyNeverReachesLogsHealthOrMetrics) {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::trace);
  {
    auto o = options();
    o.breaker.failure_threshold = 100;
    auto& c = make(o);
    for (auto mode :
         {AnthropicMode::unauthorized, AnthropicMode::rate_limited, AnthropicMode::overloaded,
          AnthropicMode::server_error, AnthropicMode::malformed_json,
          AnthropicMode::unknown_department, AnthropicMode::tool_use}) {
      fake.set_mode(mode);
      c.categorize(vpn_ticket());
    }
    fake.stop();
    c.categorize(vpn_ticket());
    const auto h = c.health();
    for (const auto& [k, v] : h.details) EXPECT_EQ(v.find(kKey), std::string::npos) << k;
    EXPECT_EQ(h.summary.find(kKey), std::string::npos);
  }
  spdlog::set_default_logger(previous);
  const auto logged = stream->str();
  EXPECT_NE(logged.find("Claude attempt"), std::string::npos);  // it did log the failures
  EXPECT_EQ(logged.find(kKey), std::string::npos) << logged;
  EXPECT_EQ(logged.find("SECRET"), std::string::npos);
  EXPECT_EQ(registry.render().find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace st::adapters::anthropic

namespace st::adapters::anthropic {
namespace {

TEST_F(ClaudeCategorizerTest, TheApiComesBackOnTheSamePortAfterAnOutage) {
  auto o = options();
  o.retry.max_attempts = 1;
  auto& c = make(o);
  ASSERT_TRUE(c.categorize(vpn_ticket()));  // leaves a kept-alive connection behind
  const auto port = fake.port();
  fake.stop();
  EXPECT_FALSE(c.categorize(vpn_ticket()));
  fake.restart();
  EXPECT_EQ(fake.port(), port);
  EXPECT_TRUE(c.categorize(vpn_ticket()));
}

// A ticket full of its requester's personal data, and the values that must not leave.
ports::CategorizationRequest personal_ticket() {
  return {"Refund to DE89 3704 0044 0532 0130 00 for ana.garcia@example.com",
          "Card 4111 1111 1111 1111 was charged twice for order 12345678 on 2024-03-15. "
          "Call me on +34 612 345 678. Reference 4111111111111112.",
          kDepartments};
}
const std::vector<std::string> kPersonalValues{"ana.garcia@example.com", "4111 1111 1111 1111",
                                               "612 345 678", "DE89 3704 0044 0532 0130 00",
                                               "DE89370400440532013000"};

TEST_F(ClaudeCategorizerTest, TheRequestBodyHoldsNoEmailPhoneCardOrIban) {
  auto& c = make(options());
  ASSERT_TRUE(c.categorize(personal_ticket()));
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& body = requests[0].body;
  for (const auto& value : kPersonalValues) EXPECT_EQ(body.find(value), std::string::npos) << value;
  const auto content = requests[0].json["messages"][0]["content"].get<std::string>();
  for (const auto* placeholder : {"[email]", "[phone]", "[card]", "[iban]"})
    EXPECT_NE(content.find(placeholder), std::string::npos) << placeholder;
  // What is not personal data reaches Claude as written.
  for (const auto* kept : {"order 12345678", "2024-03-15", "Reference 4111111111111112"})
    EXPECT_NE(content.find(kept), std::string::npos) << kept;
}

TEST_F(ClaudeCategorizerTest, WithRedactionOffTheTextGoesAsWritten) {
  auto o = options();
  o.redact_pii = false;
  auto& c = make(o);
  ASSERT_TRUE(c.categorize(personal_ticket()));
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto content = requests[0].json["messages"][0]["content"].get<std::string>();
  for (const auto& value : kPersonalValues) {
    if (value == "DE89370400440532013000") continue;  // written in groups in this ticket
    EXPECT_NE(content.find(value), std::string::npos) << value;
  }
  EXPECT_EQ(content.find("[card]"), std::string::npos);
}

}  // namespace
}  // namespace st::adapters::anthropic
