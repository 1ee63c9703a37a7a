// GET /metrics of a one-process server: what it shows after some tickets went through the
// pipeline, and who may read it (admins, or the metrics token on /metrics alone).
#include <fstream>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

const std::string kToken = "metrics-token-for-the-e2e-suite-0123456789";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Metrics : public OwnServerTest {
 protected:
  // Starts the server with the metrics token in a file.
  void start_with_token() {
    const std::string file = server().data_dir() + "/metrics.token";
    std::ofstream(file) << kToken << "\n";
    ASSERT_NO_FATAL_FAILURE(start({"--metrics-token-file=" + file}));
  }
  std::unique_ptr<HttpClient> bare() {
    return std::make_unique<HttpClient>("127.0.0.1", server().port());
  }
};

TEST_F(Metrics, AfterSomeCreatesShowsHttpPipelineQueueDeadLetterAndRelaySeries) {
  ASSERT_NO_FATAL_FAILURE(start());
  for (int i = 0; i < 3; ++i) {
    const auto& s = department_samples()[static_cast<std::size_t>(i)];
    ASSERT_FALSE(create_routed(http(), ticket_body(s.title, s.description)).is_null());
  }
  const Response missing = http().get("/api/tickets/999999");
  EXPECT_TRUE(IsError(missing, 404)) << missing.describe();

  Response m;
  // The relay publishes ticket.routed after the answer: its counter catches up shortly.
  EXPECT_TRUE(eventually([&] {
    m = http().get("/metrics");
    return m.status == 200 &&
           has(m.body, "smartticket_outbox_relayed_total{service=\"routing\"}") &&
           !has(m.body, "smartticket_outbox_relayed_total{service=\"routing\"} 0\n");
  })) << m.describe();
  EXPECT_TRUE(has(m.header("content-type"), "text/plain; version=0.0.4")) << m.describe();
  const std::string& b = m.body;
  // Routes by template, never by raw path.
  EXPECT_TRUE(has(b,
                  "smartticket_http_requests_total{route=\"/api/tickets\",method=\"POST\","
                  "code=\"201\"} 3\n"))
      << b;
  EXPECT_TRUE(has(b,
                  "smartticket_http_requests_total{route=\"/api/tickets/{id}\",method=\"GET\","
                  "code=\"404\"} 1\n"))
      << b;
  EXPECT_FALSE(has(b, "/api/tickets/999999"));
  EXPECT_TRUE(has(b,
                  "smartticket_http_request_duration_seconds_count{route=\"/api/tickets\","
                  "method=\"POST\",code_class=\"2xx\"} 3\n"))
      << b;
  // The pipeline, observed as each ticket was routed.
  for (const char* stage : {"created_to_categorized", "categorized_to_routed", "created_to_routed"})
    EXPECT_TRUE(has(
        b, std::string("smartticket_pipeline_duration_seconds_count{stage=\"") + stage + "\"} 3\n"))
        << stage << "\n"
        << b;
  // Queues, dead letters, outbox relays: read at scrape time.
  EXPECT_TRUE(has(b, "smartticket_queue_messages{queue=\"categorizer\"}")) << b;
  EXPECT_TRUE(has(b, "smartticket_queue_oldest_age_seconds{queue=\"routing\"}")) << b;
  EXPECT_TRUE(has(b, "smartticket_dead_letters{queue=\"routing\"} 0\n")) << b;
  EXPECT_TRUE(has(b, "smartticket_outbox_relay_failures_total{service=\"tickets\"} 0\n")) << b;
  EXPECT_TRUE(has(b, "smartticket_event_stream_subscribers 0\n")) << b;
  // The outboxes' backlog and lag (the tickets' created events were relayed: they were routed),
  // and the embedded store's one writer.
  EXPECT_TRUE(has(b, "smartticket_outbox_backlog{service=\"tickets\"} 0\n")) << b;
  EXPECT_TRUE(has(b, "smartticket_outbox_oldest_age_seconds{service=\"tickets\"} 0\n")) << b;
  EXPECT_TRUE(has(b, "smartticket_outbox_backlog{service=\"routing\"}")) << b;
  EXPECT_TRUE(has(b, "# TYPE smartticket_sqlite_writes_total counter\n")) << b;
  EXPECT_FALSE(has(b, "smartticket_sqlite_writes_total 0\n")) << b;
  EXPECT_TRUE(has(b, "smartticket_sqlite_writer_waits_total ")) << b;
  EXPECT_TRUE(has(b, "smartticket_sqlite_writer_wait_seconds ")) << b;
  // What the categorizer exported before stays.
  EXPECT_TRUE(has(b, "# TYPE smartticket_claude_calls_total counter\n")) << b;
  // One process: no service or instance labels.
  EXPECT_FALSE(has(b, "instance=\"")) << b;
}

TEST_F(Metrics, TheMetricsTokenReadsMetricsAndNothingElse) {
  ASSERT_NO_FATAL_FAILURE(start_with_token());
  auto client = bare();
  const Response m = client->get("/metrics", bearer(kToken));
  ASSERT_EQ(m.status, 200) << m.describe();
  EXPECT_TRUE(has(m.body, "# TYPE smartticket_http_requests_total counter")) << m.body;
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets", bearer(kToken))));
  EXPECT_TRUE(IsUnauthorized(client->get("/api/me", bearer(kToken))));
  EXPECT_TRUE(IsUnauthorized(client->get("/metrics", bearer(kToken + "x"))));
  EXPECT_TRUE(IsUnauthorized(client->get("/metrics")));
  // The refusals are counted; the token never reaches the log.
  const Response after = client->get("/metrics", bearer(kToken));
  ASSERT_EQ(after.status, 200) << after.describe();
  EXPECT_TRUE(has(after.body, "smartticket_http_unauthorized_total 4\n")) << after.body;
  EXPECT_FALSE(has(server().output(), kToken)) << server().output();
}

TEST_F(Metrics, AKeyOtherThanAnAdminsGets403) {
  ASSERT_NO_FATAL_FAILURE(start());
  const ApiKey agent = create_key(http(), {{"name", "Alex"}, {"role", "agent"}});
  const ApiKey requester =
      create_key(http(), {{"name", "Ann"}, {"role", "requester"}, {"email", "ann@example.com"}});
  auto client = bare();
  EXPECT_TRUE(IsError(client->get("/metrics", bearer(agent.secret)), 403));
  EXPECT_TRUE(IsError(client->get("/metrics", bearer(requester.secret)), 403));
  const Response admin = http().get("/metrics");
  EXPECT_EQ(admin.status, 200) << admin.describe();
  EXPECT_TRUE(has(admin.body, "# TYPE smartticket_http_requests_total counter")) << admin.body;
}

TEST_F(Metrics, AShortMetricsTokenIsRefusedAtStartAndConfigNeverPrintsIt) {
  const std::string file = server().data_dir() + "/short.token";
  std::ofstream(file) << "too-short\n";
  const CommandResult bad = run_binary("config --metrics-token-file=" + file);
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_TRUE(has(bad.output, "metrics_token must be at least 32 characters")) << bad.output;

  const std::string good = server().data_dir() + "/metrics.token";
  std::ofstream(good) << kToken << "\n";
  const CommandResult r = run_binary("config --metrics-token-file=" + good);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "metrics_token: (set)")) << r.output;
  EXPECT_FALSE(has(r.output, kToken)) << r.output;
}

}  // namespace
}  // namespace st::e2e
