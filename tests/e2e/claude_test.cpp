// The whole system against the fake Anthropic API (ANTHROPIC_BASE_URL pointed at it): Claude
// decides while the API answers; every way it can fail still gets the ticket routed, by the
// fallback, within the create deadline; the breaker opens (health: degraded) and closes
// when the API comes back; the key stays out of every output.
#include <cstdio>
#include <fstream>
#include <thread>

#include "fakes/anthropic/fake_anthropic.hpp"
#include "support/e2e.hpp"

namespace st::e2e {
namespace {

using fakes::AnthropicMode;
using fakes::FakeAnthropic;

constexpr const char* kKey = "sk-ant-api03-E2E-SECRET-7c1d";

class Claude : public OwnServerTest {
 protected:
  static FakeAnthropic::Options fake_options() {
    FakeAnthropic::Options o;
    o.api_key = kKey;
    o.retry_after = "30";  // longer than any budget: a 429 ends the attempts at once
    o.slow_delay = std::chrono::milliseconds(2500);
    o.department = "Facilities";  // keywords would never say Facilities for these tickets
    o.confidence = 91;
    return o;
  }

  void SetUp() override {
    OwnServerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    fake = std::make_unique<FakeAnthropic>(fake_options());
    key_file = server().data_dir() + "/anthropic.key";
    std::ofstream(key_file) << kKey << "\n";
  }

  void TearDown() override {
    OwnServerTest::TearDown();
    if (server_) {
      const auto out = server().output();
      EXPECT_EQ(out.find(kKey), std::string::npos) << "the API key was logged";
      EXPECT_EQ(out.find("E2E-SECRET"), std::string::npos) << "part of the API key was logged";
    }
  }

  void start_with(std::vector<std::string> extra) {
    std::vector<std::string> args{"--anthropic-base-url=" + fake->base_url(),
                                  "--anthropic-api-key-file=" + key_file, "--claude-timeout-ms=800",
                                  "--claude-backoff-ms=50", "--claude-backoff-max-ms=100",
                                  "--log-level=debug",
                                  // The learned model would answer before the keywords; these
                                  // tests pin Claude's own fallback (the model's turn in the
                                  // chain is tested in the learned-model suite).
                                  "--model-enabled=false"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_NO_FATAL_FAILURE(start(args));
  }

  // A VPN ticket with text no other ticket has (no cache hit); returns the 201 body.
  json create_vpn_ticket() {
    const auto body = ticket_body("VPN keeps disconnecting " + unique_tag(),
                                  "Since this morning the VPN drops every few minutes.");
    const Response r = create_ticket(http(), body);
    EXPECT_TRUE(IsSuccess(r, 201));
    return r.json;
  }

  json health() {
    const Response r = http().get("/api/health");
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos);
    return r.json;
  }

  std::unique_ptr<FakeAnthropic> fake;
  std::string key_file;
};

// The requester's personal data in a ticket, and what of it must not reach the API.
json personal_ticket_body() {
  return ticket_body("Refund to DE89 3704 0044 0532 0130 00 " + unique_tag(),
                     "Card 4111 1111 1111 1111 was charged twice for order 12345678. Write to "
                     "ana.garcia@example.com or call +34 612 345 678.",
                     "Ana Garcia", "ana.garcia@example.com");
}
const char* const kPersonalValues[] = {"ana.garcia@example.com", "4111 1111 1111 1111",
                                       "612 345 678", "DE89 3704 0044 0532 0130 00"};

TEST_F(Claude, TheApiNeverSeesTheRequestersEmailPhoneCardOrIban) {
  ASSERT_NO_FATAL_FAILURE(start_with({}));
  const Response r = create_ticket(http(), personal_ticket_body());
  ASSERT_TRUE(IsSuccess(r, 201));
  EXPECT_EQ(r.json["categorized_by"], "claude") << r.describe();
  const auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 1u);
  for (const char* value : kPersonalValues)
    EXPECT_EQ(requests[0].body.find(value), std::string::npos) << value << " was sent";
  const auto content = requests[0].json["messages"][0]["content"].get<std::string>();
  EXPECT_NE(content.find("order 12345678"), std::string::npos) << content;
  // The stored ticket keeps its text.
  EXPECT_NE(r.json["ticket"]["description"].get<std::string>().find("4111 1111 1111 1111"),
            std::string::npos);
}

TEST_F(Claude, WithRedactionOffTheTicketGoesAsWritten) {
  ASSERT_NO_FATAL_FAILURE(start_with({"--claude-redact-pii=false"}));
  ASSERT_TRUE(IsSuccess(create_ticket(http(), personal_ticket_body()), 201));
  const auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto content = requests[0].json["messages"][0]["content"].get<std::string>();
  for (const char* value : kPersonalValues)
    EXPECT_NE(content.find(value), std::string::npos) << value << " was not sent";
}

TEST_F(Claude, DecidesWhileTheApiAnswers) {
  ASSERT_NO_FATAL_FAILURE(start_with({}));
  const auto created = create_vpn_ticket();
  EXPECT_EQ(created["categorized_by"], "claude") << created;
  EXPECT_EQ(created["department"], "Facilities") << created;
  EXPECT_EQ(created["confidence_score"], 91) << created;

  // What reached the API: the key, the version, and the live department list as the enum.
  const auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].status, 200);
  EXPECT_EQ(requests[0].header("x-api-key"), kKey);
  const Response departments = http().get("/api/departments");
  ASSERT_TRUE(IsSuccess(departments, 200));
  std::set<std::string> active;
  for (const auto& d : departments.json["departments"]) active.insert(d["name"].get<std::string>());
  const auto sent = requests[0]
                        .json["tools"][0]["input_schema"]["properties"]["department"]["enum"]
                        .get<std::set<std::string>>();
  EXPECT_EQ(sent, active);

  const auto h = health();
  EXPECT_EQ(h["status"], "healthy") << h;
  EXPECT_EQ(h["services"]["categorizer"]["details"]["claude"]["breaker"], "closed") << h;

  // The analytics count Claude's share (they catch up with the pipeline asynchronously).
  json perf;
  EXPECT_TRUE(eventually([&] {
    perf = http().get("/api/analytics/performance").json;
    return perf["categorized_by"]["claude"] == 1;
  })) << perf;

  const Response metrics = http().get("/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.describe();
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("smartticket_claude_answers_total 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("smartticket_claude_request_duration_seconds_count 1\n"),
            std::string::npos);
  EXPECT_EQ(metrics.body.find("SECRET"), std::string::npos);
}

TEST_F(Claude, ANewDepartmentReachesThePromptWithoutACodeChange) {
  ASSERT_NO_FATAL_FAILURE(start_with({}));
  const Response added =
      http().post_json("/api/departments", {{"name", "Legal"}, {"description", "Contracts"}});
  ASSERT_TRUE(IsSuccess(added, 201)) << added.describe();
  fake->set_department("Legal", 80);
  // The categorizer re-reads departments every few seconds.
  const bool reached = eventually([&] {
    const auto created = create_vpn_ticket();
    return created["department"] == "Legal" && created["categorized_by"] == "claude";
  });
  EXPECT_TRUE(reached);
}

TEST_F(Claude, EveryFailureStillRoutesTheTicketByTheFallbackInTime) {
  // The breaker stays closed here, so each failure is met with the full retry policy.
  ASSERT_NO_FATAL_FAILURE(start_with({"--claude-breaker-failures=1000"}));
  for (auto mode : {AnthropicMode::rate_limited, AnthropicMode::overloaded,
                    AnthropicMode::server_error, AnthropicMode::slow, AnthropicMode::malformed_json,
                    AnthropicMode::unknown_department, AnthropicMode::unauthorized}) {
    fake->set_mode(mode);
    fake->clear_requests();
    const auto created = create_vpn_ticket();
    // A synchronous create answers once routed, or at the deadline with department null.
    EXPECT_EQ(created["department"], "IT Support") << static_cast<int>(mode) << created;
    EXPECT_EQ(created["categorized_by"], "keywords") << static_cast<int>(mode) << created;
    EXPECT_GE(fake->request_count(), 1u) << static_cast<int>(mode);
  }
  // The API goes away altogether (connection refused).
  fake->stop();
  const auto created = create_vpn_ticket();
  EXPECT_EQ(created["department"], "IT Support") << created;
  EXPECT_EQ(created["categorized_by"], "keywords") << created;
  // It comes back, answering in text form this time: that is an answer, Claude decides.
  fake->set_mode(AnthropicMode::text);
  fake->restart();
  EXPECT_EQ(create_vpn_ticket()["categorized_by"], "claude");
}

TEST_F(Claude, ABurstAgainstASlowApiIsStillRoutedInTime) {
  // Every call times out (slow answers, breaker never opens): only concurrency and the
  // per-ticket deadlines keep eight tickets from waiting on each other's timeouts.
  ASSERT_NO_FATAL_FAILURE(start_with({"--claude-breaker-failures=1000", "--claude-concurrency=4"}));
  fake->set_mode(AnthropicMode::slow);
  constexpr int kTickets = 8;
  std::vector<json> answers(kTickets);
  std::vector<std::thread> threads;
  for (int i = 0; i < kTickets; ++i)
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", server().port());
      client.set_default_headers(bearer(suite_key(&server())));
      const auto body = ticket_body("VPN keeps disconnecting " + unique_tag(),
                                    "Since this morning the VPN drops every few minutes.");
      answers[static_cast<std::size_t>(i)] = create_ticket(client, body).json;
    });
  for (auto& t : threads) t.join();
  for (const auto& a : answers) {
    EXPECT_EQ(a["department"], "IT Support") << a.dump();  // null: not routed in time
    EXPECT_EQ(a["categorized_by"], "keywords") << a;
  }
  // Calls overlapped. (No upper bound here: the fake still counts calls the client has
  // abandoned at its timeout; the limit itself is unit-tested.)
  EXPECT_GE(fake->peak_concurrency(), 2);
}

TEST_F(Claude, TheBreakerOpensWhileTheApiIsDownAndClosesWhenItIsBack) {
  ASSERT_NO_FATAL_FAILURE(
      start_with({"--claude-breaker-failures=2", "--claude-breaker-open-ms=1500"}));
  EXPECT_EQ(create_vpn_ticket()["categorized_by"], "claude");

  // The API fails: two failed calls open the breaker; the ticket is routed by keywords.
  fake->set_mode(AnthropicMode::overloaded);
  auto created = create_vpn_ticket();
  EXPECT_EQ(created["categorized_by"], "keywords") << created;
  EXPECT_EQ(created["department"], "IT Support") << created;
  auto h = health();
  EXPECT_EQ(h["status"], "degraded") << h;
  EXPECT_EQ(h["services"]["categorizer"]["status"], "degraded") << h;
  EXPECT_EQ(h["services"]["categorizer"]["details"]["claude"]["breaker"], "open") << h;
  EXPECT_EQ(h["services"]["tickets"]["status"], "healthy") << h;

  // Then it goes down altogether: while the breaker is open no call is even tried.
  fake->stop();
  const auto calls_before = fake->request_count();
  created = create_vpn_ticket();
  EXPECT_EQ(created["categorized_by"], "keywords") << created;
  EXPECT_EQ(fake->request_count(), calls_before);

  // It comes back: after the cool-down a probe succeeds and Claude decides again.
  fake->set_mode(AnthropicMode::tool_use);
  fake->restart();
  const bool back =
      eventually([&] { return create_vpn_ticket()["categorized_by"] == "claude"; }, 20s, 200ms);
  EXPECT_TRUE(back);
  h = health();
  EXPECT_EQ(h["status"], "healthy") << h;
  EXPECT_EQ(h["services"]["categorizer"]["details"]["claude"]["breaker"], "closed") << h;

  const Response metrics = http().get("/metrics");
  EXPECT_NE(metrics.body.find("smartticket_claude_breaker_opened_total"), std::string::npos);
  json perf;
  EXPECT_TRUE(eventually([&] {
    perf = http().get("/api/analytics/performance").json;
    return num(perf["categorized_by"]["claude"]) >= 2 &&
           num(perf["categorized_by"]["keywords"]) >= 2;
  })) << perf;
}

// The original monolith's check, on a fresh server as a new user starts it: without an
// Anthropic key the fallbacks categorize (a designed mode), so /api/health says "healthy",
// with Claude "off" and why.
TEST_F(Claude, WithoutAKeyTheFallbacksDecideAndHealthSaysHealthyWithClaudeOff) {
  ASSERT_NO_FATAL_FAILURE(
      start({"--anthropic-base-url=" + fake->base_url(), "--model-enabled=false"}));
  const auto created = create_vpn_ticket();
  EXPECT_EQ(created["categorized_by"], "keywords");
  EXPECT_EQ(fake->request_count(), 0u);
  const auto h = health();
  EXPECT_EQ(h["status"], "healthy") << h;
  EXPECT_FALSE(h.contains("problems")) << h;
  const auto& categorizer = h["services"]["categorizer"];
  EXPECT_EQ(categorizer["status"], "healthy") << h;
  EXPECT_EQ(categorizer["details"]["claude"]["status"], "off") << h;
  EXPECT_NE(
      categorizer["details"]["claude"]["reason"].get<std::string>().find("no Anthropic API key"),
      std::string::npos)
      << h;
  EXPECT_EQ(categorizer["details"]["claude"]["api_key"], "not set") << h;
  EXPECT_NE(server().output().find("no Anthropic API key"), std::string::npos);
}

// A key that is set but refused is a fault: degraded, and /api/health names it.
TEST_F(Claude, ARefusedKeyIsDegradedAndNamedInProblems) {
  ASSERT_NO_FATAL_FAILURE(start_with({}));
  fake->set_mode(AnthropicMode::unauthorized);
  EXPECT_EQ(create_vpn_ticket()["categorized_by"], "keywords");
  const auto h = health();
  EXPECT_EQ(h["status"], "degraded") << h;
  EXPECT_EQ(h["services"]["categorizer"]["details"]["claude"]["status"], "degraded") << h;
  ASSERT_TRUE(h.contains("problems") && h["problems"].is_array()) << h;
  bool named = false;
  for (const auto& p : h["problems"])
    named = named || p.get<std::string>().starts_with("categorizer.claude: ");
  EXPECT_TRUE(named) << h;
  EXPECT_EQ(h["services"]["tickets"]["status"], "healthy") << h;
}

TEST(ClaudeConfig, ConfigOutputNeverShowsTheKey) {
  if (external_mode()) GTEST_SKIP() << "runs the local binary";
  const std::string command = "ANTHROPIC_API_KEY='" + std::string(kKey) + "' '" +
                              ServerProcess::binary_path() + "' config 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  EXPECT_NE(out.find("anthropic_api_key: (set)"), std::string::npos) << out;
  EXPECT_NE(out.find("anthropic_model: claude-haiku-4-5"), std::string::npos) << out;
  EXPECT_EQ(out.find("E2E-SECRET"), std::string::npos) << out;
}

}  // namespace
}  // namespace st::e2e
