// Fault tests of distributed mode, against the local cluster (scripts/cluster, started by the
// ctest fixture): five service processes on real PostgreSQL and RabbitMQ. Each test breaks
// something the way production breaks — kill -9, a broker outage, a database restart, a poison
// message — and checks the promise: every accepted ticket is routed, exactly once (and every
// agent's reroute reaches the learned model's shared training store).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "adapters/rabbitmq/rabbit_bus.hpp"
#include "cluster/cluster.hpp"
#include "support/e2e.hpp"

namespace st::cluster {
namespace {

using e2e::json;
using namespace std::chrono_literals;

class ClusterFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Whatever an earlier test broke is running again before this one starts.
    ASSERT_TRUE(script("up --categorizers 2")) << "the cluster could not be brought up";
    http_ = std::make_unique<e2e::HttpClient>("127.0.0.1", gateway_port(), 20s);
    http_->set_default_headers(e2e::bearer(e2e::suite_key(nullptr)));
  }
  void TearDown() override { EXPECT_TRUE(script("up --categorizers 2")); }

  // Creates `n` tickets without waiting for routing (the way a busy front end does) and
  // returns their ids; `during` runs on another thread once a third of them are in.
  std::vector<std::int64_t> create_async(int n, const std::string& tag,
                                         const std::function<void()>& during = {}) {
    std::vector<std::int64_t> ids;
    std::thread breaker;
    for (int i = 0; i < n; ++i) {
      if (i == n / 3 && during) breaker = std::thread(during);
      const auto& sample =
          e2e::department_samples()[static_cast<std::size_t>(i) % e2e::department_samples().size()];
      auto body = e2e::ticket_body(sample.title + " " + tag, sample.description);
      // The gateway or tickets service may itself be briefly unavailable during a fault:
      // a client retries a 503, and only accepted (201/202) tickets are promised anything.
      for (int attempt = 0; attempt < 100; ++attempt) {
        try {
          auto r = e2e::create_ticket(*http_, body, /*async=*/true);
          if (r.status == 202 || r.status == 201) {
            ids.push_back(r.json["ticket_id"].get<std::int64_t>());
            break;
          }
        } catch (const std::exception&) {
          http_ = std::make_unique<e2e::HttpClient>("127.0.0.1", gateway_port(), 20s);
          http_->set_default_headers(e2e::bearer(e2e::suite_key(nullptr)));
        }
        std::this_thread::sleep_for(100ms);
      }
    }
    if (breaker.joinable()) breaker.join();
    return ids;
  }

  // Every ticket ends with a department, and routing recorded exactly one decision for it.
  // (The tickets service learns the department a moment before routing commits its own
  // record, so the history is awaited too, under the same deadline.)
  void expect_routed_exactly_once(const std::vector<std::int64_t>& ids,
                                  std::chrono::milliseconds timeout = 120s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto routed = e2e::wait_all_routed(*http_, ids, timeout);
    for (auto id : ids) {
      ASSERT_TRUE(routed.count(id) && !routed[id].is_null() && !routed[id]["department"].is_null())
          << "ticket " << id << " was never routed";
      e2e::Response history;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      e2e::eventually(
          [&] {
            history = http_->get("/api/routing/history/" + std::to_string(id));
            return history.status == 200 && !history.json["history"].empty();
          },
          std::max(left, std::chrono::milliseconds(1000)));
      ASSERT_EQ(history.status, 200) << history.describe();
      EXPECT_EQ(history.json["history"].size(), 1u)
          << "ticket " << id << " was not routed exactly once: " << history.body;
    }
  }

  std::unique_ptr<e2e::HttpClient> http_;
};

TEST_F(ClusterFaultTest, TwoCategorizersShareTheQueue) {
  const auto tag = e2e::unique_tag();
  const auto ids = create_async(60, tag);
  ASSERT_EQ(ids.size(), 60u);
  expect_routed_exactly_once(ids);
  // Each categorizer process counts what it categorized since it started.
  for (const std::string name : {"categorizer", "categorizer-2"}) {
    e2e::HttpClient c("127.0.0.1", service_port(name), 10s);
    auto health = c.get("/health");
    ASSERT_EQ(health.status, 200) << name << ": " << health.describe();
    EXPECT_GT(health.json["details"]["categorized"].get<std::int64_t>(), 0)
        << name << " took no share of the work: " << health.body;
  }
}

// Services trust each other explicitly: a client that reaches a service's own port gets only
// its probe; with the cluster's service credential the same call is answered, and a caller it
// claims to be is believed only then.
TEST_F(ClusterFaultTest, ServicesAnswerOnlyCallersWithTheServiceCredential) {
  const auto token_file = dir() + "/service.token";
  std::string token;
  std::getline(*std::make_unique<std::ifstream>(token_file), token);
  ASSERT_GE(token.size(), 32u) << token_file;
  const e2e::json reroute{{"department", "HR"}};
  for (const std::string name : {"tickets", "categorizer", "routing", "analytics"}) {
    e2e::HttpClient c("127.0.0.1", service_port(name), 10s);
    EXPECT_EQ(c.get("/health").status, 200) << name;
    const auto denied = c.get("/api/tickets?limit=1");
    EXPECT_TRUE(e2e::IsError(denied, 401)) << name << ": " << denied.describe();
    const auto wrong =
        c.get("/api/tickets?limit=1", {{"X-SmartTicket-Service-Token", token + "x"}});
    EXPECT_TRUE(e2e::IsError(wrong, 401)) << name << ": " << wrong.describe();
  }
  e2e::HttpClient tickets("127.0.0.1", service_port("tickets"), 10s);
  EXPECT_EQ(tickets.get("/api/tickets?limit=1", {{"X-SmartTicket-Service-Token", token}}).status,
            200);
  // Posing as an agent straight at routing, without the credential, changes nothing.
  const auto ids = create_async(1, e2e::unique_tag());
  ASSERT_EQ(ids.size(), 1u);
  e2e::HttpClient routing("127.0.0.1", service_port("routing"), 10s);
  const auto forged = routing.put_json(
      "/api/route/" + std::to_string(ids[0]), reroute,
      {{"X-SmartTicket-Actor", R"({"type":"key","id":"x","name":"Mallory","role":"admin"})"}});
  EXPECT_TRUE(e2e::IsError(forged, 401)) << forged.describe();
}

// Every process serves its own /metrics (issue 15 §1): labelled with its service and instance,
// the stores' processes with their outbox backlog and database pool.
TEST_F(ClusterFaultTest, EachProcessServesItsOwnMetrics) {
  const auto token_file = dir() + "/service.token";
  std::string token;
  std::getline(*std::make_unique<std::ifstream>(token_file), token);
  ASSERT_FALSE(create_async(1, e2e::unique_tag()).empty());
  for (const std::string name : {"tickets", "categorizer", "routing", "analytics"}) {
    e2e::HttpClient c("127.0.0.1", service_port(name), 10s);
    const auto m = c.get("/metrics", {{"X-SmartTicket-Service-Token", token}});
    ASSERT_EQ(m.status, 200) << name << ": " << m.describe();
    const std::string labels = "service=\"" + name + "\"";
    EXPECT_NE(m.body.find("smartticket_http_requests_total{"), std::string::npos) << name;
    EXPECT_NE(m.body.find(labels), std::string::npos) << name << ": " << m.body;
    EXPECT_NE(m.body.find("instance=\""), std::string::npos) << name;
    if (name == "tickets" || name == "routing") {
      // (The series' own `service` label and the process's are one: its place may vary.)
      EXPECT_NE(m.body.find("smartticket_outbox_backlog{"), std::string::npos)
          << name << ": " << m.body;
      EXPECT_NE(m.body.find("smartticket_outbox_oldest_age_seconds{"), std::string::npos) << name;
    }
    if (name != "categorizer") {
      EXPECT_NE(m.body.find("smartticket_db_connections{"), std::string::npos)
          << name << ": " << m.body;
      EXPECT_NE(m.body.find("smartticket_db_pool_waits_total{"), std::string::npos) << name;
    }
  }
  e2e::HttpClient gateway("127.0.0.1", gateway_port(), 10s);
  std::string admin;
  std::getline(*std::make_unique<std::ifstream>(dir() + "/admin.key"), admin);
  // Twice: the queue-age gauges join once the broker has been asked (the first scrape).
  gateway.get("/metrics", {{"Authorization", "Bearer " + admin}});
  const auto g = gateway.get("/metrics", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(g.status, 200) << g.describe();
  EXPECT_NE(g.body.find("service=\"gateway\""), std::string::npos) << g.body;
  EXPECT_NE(g.body.find("smartticket_db_connections{"), std::string::npos) << g.body;
  // RabbitMQ's queues have an age too (an upper bound, queue_wait_estimate.hpp).
  EXPECT_NE(g.body.find("smartticket_queue_oldest_age_seconds{"), std::string::npos) << g.body;
  EXPECT_NE(g.body.find("queue=\"routing\""), std::string::npos) << g.body;
}

// The label changes a categorizer's training store has seen (its /health), -1 when it does
// not answer or shows none.
std::int64_t label_watermark(const std::string& name) {
  try {
    e2e::HttpClient c("127.0.0.1", service_port(name), 10s);
    const auto health = c.get("/health");
    const auto& training = health.json["details"]["training"];
    if (health.status != 200 || !training.contains("label_watermark")) return -1;
    return training["label_watermark"].get<std::int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

// Agents' reroutes are the learned model's labels. The categorizers share them: one that was
// down while agents worked counts their labels when it is back, and labels published while
// no categorizer ran at all wait in the durable training queue.
TEST_F(ClusterFaultTest, ARestartedCategorizerCountsTheLabelsItMissed) {
  const auto ids = create_async(4, e2e::unique_tag());
  ASSERT_EQ(ids.size(), 4u);
  auto routed = e2e::wait_all_routed(*http_, ids, 60s);
  const auto before = label_watermark("categorizer");
  ASSERT_GE(before, 0) << "the categorizer shows no training watermark";
  auto reroute = [&](std::int64_t id) {
    const auto current = routed[id].value("department", std::string());
    const auto r =
        http_->put_json("/api/route/" + std::to_string(id),
                        {{"department", current == "Facilities" ? "Finance" : "Facilities"}});
    ASSERT_EQ(r.status, 200) << r.describe();
  };
  ASSERT_TRUE(script("stop categorizer-2"));
  reroute(ids[0]);
  reroute(ids[1]);
  ASSERT_TRUE(script("stop categorizer"));  // none runs now
  reroute(ids[2]);
  reroute(ids[3]);
  ASSERT_TRUE(script("up --categorizers 2"));
  EXPECT_TRUE(e2e::eventually([&] { return label_watermark("categorizer-2") >= before + 4; }, 30s))
      << "categorizer-2 counts " << label_watermark("categorizer-2") << " label changes, " << before
      << " + 4 expected";
}

TEST_F(ClusterFaultTest, RoutingKilledMidLoadRoutesEveryTicketExactlyOnce) {
  const auto tag = e2e::unique_tag();
  const auto ids = create_async(120, tag, [] {
    kill_hard("routing");
    std::this_thread::sleep_for(2s);  // tickets keep arriving while routing is dead
    EXPECT_TRUE(script("up --categorizers 2"));
  });
  ASSERT_EQ(ids.size(), 120u);
  expect_routed_exactly_once(ids);
}

TEST_F(ClusterFaultTest, TicketsAcceptedDuringABrokerOutageAreRoutedAfterIt) {
  const auto tag = e2e::unique_tag();
  const auto before = create_async(10, tag);
  ASSERT_TRUE(script("stop rabbitmq"));
  // Tickets are still accepted: the state change and its event wait in the outbox.
  const auto during = create_async(30, tag);
  std::this_thread::sleep_for(10s);
  ASSERT_TRUE(script("up --categorizers 2")) << "the broker did not come back";
  std::vector<std::int64_t> all = before;
  all.insert(all.end(), during.begin(), during.end());
  ASSERT_EQ(during.size(), 30u) << "tickets were refused during the broker outage";
  expect_routed_exactly_once(all);
}

TEST_F(ClusterFaultTest, ServicesRecoverAfterADatabaseRestart) {
  const auto tag = e2e::unique_tag();
  const auto before = create_async(10, tag);
  ASSERT_TRUE(script("stop postgres"));
  // While the database is down, reads fail fast with a 503 instead of hanging or crashing.
  auto r = http_->get("/api/tickets?limit=1");
  EXPECT_EQ(r.status, 503) << r.describe();
  std::this_thread::sleep_for(3s);
  ASSERT_TRUE(script("up --categorizers 2"));
  // Every service process survived: `up` had nothing to restart but PostgreSQL.
  for (const std::string name : {"tickets", "routing", "analytics", "categorizer", "gateway"})
    EXPECT_NO_THROW(pid_of(name));
  EXPECT_TRUE(
      e2e::eventually([&] { return http_->get("/api/tickets?limit=1").status == 200; }, 30s));
  const auto after = create_async(10, tag);
  std::vector<std::int64_t> all = before;
  all.insert(all.end(), after.begin(), after.end());
  expect_routed_exactly_once(all);
}

// The value of the first sample of a Prometheus counter in a scrape (-1 when absent).
double first_sample(const std::string& scrape, const std::string& metric) {
  std::size_t at = 0;
  while ((at = scrape.find(metric, at)) != std::string::npos) {
    const bool line_start = at == 0 || scrape[at - 1] == '\n';
    const std::size_t end = scrape.find('\n', at);
    const std::string line = scrape.substr(at, end == std::string::npos ? end : end - at);
    at += metric.size();
    if (!line_start || line.size() <= metric.size()) continue;
    const char next = line[metric.size()];
    if (next != '{' && next != ' ') continue;  // another metric with this prefix
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

// Two routing processes share the routing queue, and each routed ticket is assigned by the
// tickets service inside the transaction that records its department: a round-robin
// department still alternates its members, and no ticket is assigned twice, whichever
// process routed it.
TEST_F(ClusterFaultTest, TwoRoutingProcessesKeepTheRoundRobinAndAssignEachTicketOnce) {
  ASSERT_TRUE(script("up --categorizers 2 --routers 2"));
  struct SecondRouterStops {
    ~SecondRouterStops() { EXPECT_TRUE(script("stop routing-2")); }
  } second_router_stops;
  const std::string dept = "Facilities";
  const std::string dept_path = "/api/departments/" + dept;
  ASSERT_EQ(http_->put_json(dept_path, {{"assignment", "round_robin"}}).status, 200);
  const auto tag = e2e::unique_tag();
  const e2e::ApiKey a = e2e::create_key(
      *http_, {{"name", "Rita Rota " + tag}, {"role", "agent"}, {"departments", {dept}}});
  const e2e::ApiKey b = e2e::create_key(
      *http_, {{"name", "Rob Rota " + tag}, {"role", "agent"}, {"departments", {dept}}});
  struct Restore {
    e2e::HttpClient& http;
    std::string path;
    std::vector<std::string> keys;
    ~Restore() {
      EXPECT_EQ(http.put_json(path, {{"assignment", "manual"}}).status, 200);
      for (const auto& k : keys) EXPECT_EQ(http.request("DELETE", "/api/keys/" + k).status, 200);
    }
  } restore{*http_, dept_path, {a.id, b.id}};
  ASSERT_FALSE(a.id.empty() || b.id.empty());

  const auto& sample = e2e::sample_for(dept);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 40; ++i) {
    const auto r = e2e::create_ticket(
        *http_, e2e::ticket_body(sample.title + " " + tag, sample.description), /*async=*/true);
    ASSERT_TRUE(r.status == 202 || r.status == 201) << r.describe();
    ids.push_back(r.json["ticket_id"].get<std::int64_t>());
  }
  expect_routed_exactly_once(ids);

  std::map<std::string, int> per_agent;
  int in_department = 0;
  for (auto id : ids) {
    const std::string path = "/api/tickets/" + std::to_string(id);
    // Assignment is part of the routing write, so a routed ticket already shows it.
    const auto t = http_->get(path);
    ASSERT_EQ(t.status, 200) << t.describe();
    if (t.json["ticket"]["department"] != dept) continue;
    ++in_department;
    ASSERT_TRUE(t.json["ticket"]["assignee"].is_object()) << t.body;
    ++per_agent[t.json["ticket"]["assignee"]["id"].get<std::string>()];
    const auto trail = http_->get(path + "/events");
    ASSERT_EQ(trail.status, 200) << trail.describe();
    int assigned = 0;
    for (const auto& e : trail.json["events"]) assigned += e["event_type"] == "ticket.assigned";
    EXPECT_EQ(assigned, 1) << "ticket " << id << " was assigned " << assigned
                           << " times: " << trail.body;
  }
  ASSERT_GE(in_department, 30) << "the samples should route to " << dept;
  EXPECT_EQ(per_agent[a.id] + per_agent[b.id], in_department);
  EXPECT_LE(std::abs(per_agent[a.id] - per_agent[b.id]), 1)
      << a.id << ": " << per_agent[a.id] << ", " << b.id << ": " << per_agent[b.id];

  // Both processes took a share: each relays the routed events it wrote.
  std::string token;
  std::getline(*std::make_unique<std::ifstream>(dir() + "/service.token"), token);
  for (const std::string name : {"routing", "routing-2"}) {
    e2e::HttpClient c("127.0.0.1", service_port(name), 10s);
    const auto m = c.get("/metrics", {{"X-SmartTicket-Service-Token", token}});
    ASSERT_EQ(m.status, 200) << name << ": " << m.describe();
    EXPECT_GT(first_sample(m.body, "smartticket_outbox_relayed_total"), 0)
        << name << " routed none of the tickets: " << m.body;
  }
}

TEST_F(ClusterFaultTest, PoisonMessageIsDeadLetteredAndTheRestFlowsOn) {
  // The cluster's broker, as the services see it.
  adapters::rabbitmq::RabbitBus::Options options;
  options.url = "amqp://guest:guest@127.0.0.1:" + std::to_string(amqp_port()) + "/";
  adapters::rabbitmq::RabbitBus bus(options);
  bus.start();
  const auto dead_before = bus.dead_letter_count("categorizer");
  // A ticket.created no categorizer can ever handle: its body is not an event.
  bus.publish({{"ticket.created", "poison-" + e2e::unique_tag(), "not json {", ""}});
  const auto tag = e2e::unique_tag();
  const auto ids = create_async(10, tag);
  expect_routed_exactly_once(ids);
  EXPECT_TRUE(
      e2e::eventually([&] { return bus.dead_letter_count("categorizer") == dead_before + 1; }, 30s))
      << "categorizer.dlq holds " << bus.dead_letter_count("categorizer");
  // The gateway reports it, counted by the broker.
  const auto health = http_->get("/api/health");
  EXPECT_EQ(health.json["dead_letters"]["queues"]["categorizer"], dead_before + 1)
      << health.describe();
  EXPECT_GE(health.json["dead_letters"]["total"].get<std::uint64_t>(), dead_before + 1)
      << health.describe();
  bus.stop();
}

}  // namespace
}  // namespace st::cluster
