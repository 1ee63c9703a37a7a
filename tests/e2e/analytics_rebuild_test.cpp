// POST /api/admin/analytics/rebuild and `smartticket analytics rebuild` (issue 15 §6): after
// a mixed workload (creates, status changes, reroutes), every analytics and dashboard answer
// is the same before and after the projection is rebuilt from the event log; tickets created
// while it runs are counted; only admins may start one.

#include <atomic>
#include <thread>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

const std::vector<std::string> kAnswers{
    "/api/dashboard/summary",           "/api/dashboard/routing",
    "/api/analytics/tickets",           "/api/analytics/tickets?period=day&department=HR",
    "/api/analytics/performance",       "/api/analytics/trends?days=3",
    "/api/analytics/department/Finance"};

// Every answer, by path (none of them tells the time to the second).
std::string answers(HttpClient& client) {
  json all = json::object();
  for (const auto& path : kAnswers) {
    const Response r = client.get(path);
    all[path] = r.status == 200 ? r.json : json(r.status);
  }
  return all.dump();
}

// The answers once the pipeline has settled: the same twice in a row, 300 ms apart (longer
// than the dashboards' cache), and counting `total` tickets.
std::string settled_answers(HttpClient& client, std::int64_t total) {
  std::string last;
  eventually([&] {
    const auto summary = client.get("/api/dashboard/summary").json;
    if (summary["summary"].value("total_tickets", std::int64_t{-1}) != total) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto now = answers(client);
    const bool same = now == last;
    last = now;
    return same;
  });
  return last;
}

// Starts a rebuild and waits for its outcome (bounded); the last GET's rebuild object.
json rebuild(HttpClient& client) {
  const Response started = client.post_json("/api/admin/analytics/rebuild", json::object());
  EXPECT_EQ(started.status, 202) << started.describe();
  json outcome;
  eventually([&] {
    outcome = client.get("/api/admin/analytics/rebuild").json["rebuild"];
    return outcome.value("state", "") != "running";
  });
  return outcome;
}

// Creates, status changes and reroutes through the API; returns how many tickets it made.
std::int64_t mixed_workload(HttpClient& client) {
  std::int64_t made = 0;
  for (const auto& sample : department_samples()) {
    const json t = create_routed(client, ticket_body(sample.title, sample.description));
    if (!t.is_object()) return made;
    ++made;
    const auto id = std::to_string(t["id"].get<std::int64_t>());
    EXPECT_EQ(client.put_json("/api/tickets/" + id + "/status", {{"status", "in_progress"}}).status,
              200);
    if (made % 2 == 0) {
      EXPECT_EQ(client.put_json("/api/tickets/" + id + "/status", {{"status", "resolved"}}).status,
                200);
    }
    if (made % 3 == 0) {
      EXPECT_EQ(client.put_json("/api/route/" + id, {{"department", "Finance"}}).status, 200);
    }
  }
  return made;
}

class AnalyticsRebuild : public OwnServerTest {};

TEST_F(AnalyticsRebuild, GivesTheSameAnswersAndCountsWhatArrivesMeanwhile) {
  ASSERT_NO_FATAL_FAILURE(start());
  const auto made = mixed_workload(http());
  ASSERT_GE(made, 5);
  const auto before = settled_answers(http(), made);

  const auto outcome = rebuild(http());
  EXPECT_EQ(outcome.value("state", ""), "done") << outcome.dump();
  EXPECT_EQ(outcome["result"].value("tickets", 0), made) << outcome.dump();
  EXPECT_GT(outcome["result"].value("events", 0), 3 * made) << outcome.dump();
  EXPECT_EQ(settled_answers(http(), made), before);

  // Creates keep coming during a second rebuild; afterwards every one of them is counted.
  std::atomic<int> created{0};
  std::thread load([&, port = server().port(), headers = bearer(suite_key(&server()))] {
    HttpClient client("127.0.0.1", port);
    client.set_default_headers(headers);
    for (int i = 0; i < 40; ++i)
      if (client
              .post_json("/api/tickets",
                         ticket_body("During " + std::to_string(i), "The VPN drops every hour"))
              .status == 201)
        ++created;
  });
  const auto second = rebuild(http());
  load.join();
  EXPECT_EQ(second.value("state", ""), "done") << second.dump();
  const std::int64_t total = made + created;
  const auto after = settled_answers(http(), total);
  EXPECT_NE(after.find("\"total_tickets\":" + std::to_string(total)), std::string::npos) << after;
}

TEST_F(AnalyticsRebuild, TheCommandWaitsForTheOutcome) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(create_routed(http(), ticket_body("Laptop", "Screen flickers")).is_object());
  const auto [code, output] =
      run_binary("analytics rebuild --url http://127.0.0.1:" + std::to_string(server().port()) +
                 " --data-dir '" + server().data_dir() + "'");
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("\"state\": \"done\""), std::string::npos) << output;

  const auto [bad, refused] = run_binary("analytics rebuild --url http://127.0.0.1:1 --data-dir '" +
                                         server().data_dir() + "'");
  EXPECT_EQ(bad, 1) << refused;
  EXPECT_NE(refused.find("cannot be reached"), std::string::npos) << refused;
}

TEST_F(AnalyticsRebuild, OnlyAdminsMayRebuild) {
  ASSERT_NO_FATAL_FAILURE(start());
  const ApiKey agent = create_key(http(), {{"name", "agent"}, {"role", "agent"}});
  EXPECT_TRUE(IsError(
      http().post_json("/api/admin/analytics/rebuild", json::object(), bearer(agent.secret)), 403));
  EXPECT_TRUE(IsError(http().get("/api/admin/analytics/rebuild", bearer(agent.secret)), 403));
  const json idle = http().get("/api/admin/analytics/rebuild").json;
  EXPECT_EQ(idle["rebuild"].value("state", ""), "idle") << idle.dump();
}

// The cluster: the analytics service rebuilds its PostgreSQL projection the same way.
TEST(AnalyticsRebuildDistributed, GivesTheSameAnswers) {
  if (!external_mode()) GTEST_SKIP() << "the one-process server is covered above";
  HttpClient client(external_target()->host, external_target()->port);
  client.set_default_headers(bearer(suite_key(nullptr)));
  const json t = create_routed(client, ticket_body("Payroll", "My salary slip is missing"));
  ASSERT_TRUE(t.is_object());
  const auto total =
      client.get("/api/dashboard/summary").json["summary"].value("total_tickets", std::int64_t{0});
  const auto before = settled_answers(client, total);
  const auto outcome = rebuild(client);
  EXPECT_EQ(outcome.value("state", ""), "done") << outcome.dump();
  EXPECT_EQ(settled_answers(client, total), before);
}

}  // namespace
}  // namespace st::e2e
