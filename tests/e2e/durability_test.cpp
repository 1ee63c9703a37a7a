// Durability and shutdown: graceful stop keeps everything, kill -9 loses nothing that was
// acknowledged, and events not yet handled before a crash are handled after the restart.
#include <csignal>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Durability : public OwnServerTest {
 protected:
  json get_ticket(std::int64_t id) {
    const Response r = http().get("/api/tickets/" + std::to_string(id));
    EXPECT_TRUE(IsSuccess(r, 200)) << "ticket " << id;
    return r.json.value("ticket", json());
  }
  std::vector<std::string> event_types(std::int64_t id) {
    std::vector<std::string> out;
    const Response r = http().get("/api/tickets/" + std::to_string(id) + "/events");
    for (const auto& e : r.json.value("events", json::array())) {
      out.push_back(e.value("event_type", ""));
    }
    return out;
  }
};

TEST_F(Durability, GracefulRestartKeepsTicketsDepartmentsAndStatuses) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::vector<json> tickets;
  for (const auto& s : department_samples()) {
    const json t = create_routed(http(), ticket_body(s.title, s.description));
    ASSERT_TRUE(t.is_object());
    tickets.push_back(t);
  }
  const auto resolved_id = tickets[0]["id"].get<std::int64_t>();
  ASSERT_TRUE(IsSuccess(http().put_json("/api/tickets/" + std::to_string(resolved_id) + "/status",
                                        {{"status", "resolved"}}),
                        200));
  const std::string dept = "Legal " + unique_tag();
  ASSERT_TRUE(IsSuccess(http().post_json("/api/departments", {{"name", dept}}), 201));

  const ExitStatus st = server().stop();
  EXPECT_TRUE(st.clean()) << "SIGTERM must end the process with exit code 0: " << st.describe();
  ASSERT_NO_FATAL_FAILURE(restart());

  for (const auto& before : tickets) {
    const auto id = before["id"].get<std::int64_t>();
    SCOPED_TRACE(id);
    const json after = get_ticket(id);
    for (const char* k : {"title", "description", "user_name", "user_email", "department",
                          "confidence_score", "categorized_by", "created_at"}) {
      EXPECT_EQ(after.value(k, json()), before[k]) << k;
    }
    EXPECT_EQ(after.value("status", ""), id == resolved_id ? "resolved" : "pending");
  }
  EXPECT_EQ(census(http()).count, tickets.size());
  EXPECT_TRUE(IsSuccess(http().get("/api/departments/" + url_encode(dept)), 200));
  // Ids keep growing after a restart: no reuse of an old ticket's id.
  const json fresh = create_routed(
      http(), ticket_body("Printer offline again", sample_for("IT Support").description));
  ASSERT_TRUE(fresh.is_object());
  EXPECT_GT(fresh["id"].get<std::int64_t>(), tickets.back()["id"].get<std::int64_t>());
}

TEST_F(Durability, SigintIsAGracefulShutdownToo) {
  ASSERT_NO_FATAL_FAILURE(start());
  const json t =
      create_routed(http(), ticket_body(sample_for("HR").title, sample_for("HR").description));
  ASSERT_TRUE(t.is_object());
  const ExitStatus st = server().interrupt();
  EXPECT_TRUE(st.clean()) << "SIGINT must end the process with exit code 0: " << st.describe();
  ASSERT_NO_FATAL_FAILURE(restart());
  EXPECT_EQ(get_ticket(t["id"].get<std::int64_t>()).value("department", json()), t["department"]);
}

TEST_F(Durability, KillNineLosesNoAcknowledgedTicket) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::vector<json> tickets;
  for (int i = 0; i < 20; ++i) {
    const auto& s = department_samples()[static_cast<std::size_t>(i) % 5];
    const json t = create_routed(http(), ticket_body(s.title, s.description));
    ASSERT_TRUE(t.is_object());
    tickets.push_back(t);
  }
  const ExitStatus st = server().kill9();
  EXPECT_EQ(st.signal, SIGKILL) << st.describe();
  ASSERT_NO_FATAL_FAILURE(restart());
  EXPECT_EQ(census(http()).count, tickets.size());
  for (const auto& before : tickets) {
    const json after = get_ticket(before["id"].get<std::int64_t>());
    EXPECT_EQ(after.value("department", json()), before["department"]) << after.dump();
  }
}

TEST_F(Durability, EventsPendingAtKillNineAreHandledAfterRestart) {
  ASSERT_NO_FATAL_FAILURE(start({"--pause-pipeline"}));
  std::vector<std::pair<std::int64_t, std::string>> created;  // id, expected department
  for (const auto& s : department_samples()) {
    const Response r = create_ticket(http(), ticket_body(s.title, s.description), /*async=*/true);
    ASSERT_TRUE(IsSuccess(r, 202));
    created.emplace_back(r.json["ticket_id"].get<std::int64_t>(), s.department);
  }
  // Paused: stored, not routed.
  for (const auto& [id, dept] : created) {
    const json t = get_ticket(id);
    EXPECT_TRUE(IsTicketObject(t));
    EXPECT_TRUE(t.value("department", json("?")).is_null())
        << "paused pipeline routed " << t.dump();
  }
  const ExitStatus st = server().kill9();
  EXPECT_EQ(st.signal, SIGKILL) << st.describe();

  ASSERT_NO_FATAL_FAILURE(restart());
  std::vector<std::int64_t> ids;
  for (const auto& c : created) ids.push_back(c.first);
  auto routed = wait_all_routed(http(), ids, 20s);
  for (const auto& [id, dept] : created) {
    EXPECT_EQ(routed[id].value("department", json()).dump(), json(dept).dump())
        << routed[id].dump();
  }
  // Consumers are idempotent: one trail per ticket, not one per delivery attempt.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (const auto& [id, dept] : created) {
    std::vector<std::string> types;
    eventually(
        [&] {
          types = event_types(id);
          return types.size() >= 3;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(std::max(
            deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(0))));
    EXPECT_EQ(types,
              (std::vector<std::string>{"ticket.created", "ticket.categorized", "ticket.routed"}))
        << "ticket " << id;
    const Response h = http().get("/api/routing/history/" + std::to_string(id));
    EXPECT_EQ(h.json.value("count", -1), 1) << h.describe();
  }
}

TEST_F(Durability, CreateDeadlinePassingStillAnswers201WithTheStoredTicket) {
  ASSERT_NO_FATAL_FAILURE(start({"--create-timeout-ms=1", "--pause-pipeline"}));
  const auto& s = sample_for("Facilities");
  const Response r = create_ticket(http(), ticket_body(s.title, s.description));
  ASSERT_TRUE(IsSuccess(r, 201));
  EXPECT_TRUE(r.json.contains("department") && r.json["department"].is_null()) << r.describe();
  EXPECT_EQ(r.json.value("status", ""), "pending");
  ASSERT_TRUE(r.json.contains("ticket_id") && r.json["ticket_id"].is_number_integer());
  ASSERT_TRUE(r.json.contains("ticket")) << r.describe();
  EXPECT_TRUE(IsTicketObject(r.json["ticket"]));
  EXPECT_TRUE(r.json["ticket"].value("department", json("?")).is_null());
  const auto id = r.json["ticket_id"].get<std::int64_t>();
  EXPECT_TRUE(get_ticket(id).value("department", json("?")).is_null());

  // The ticket is safe: once the pipeline runs, it is routed.
  ASSERT_NO_FATAL_FAILURE(restart());
  const json t = wait_until_routed(http(), id, 20s);
  EXPECT_EQ(t.value("department", json()).dump(), "\"Facilities\"") << t.dump();
}

}  // namespace
}  // namespace st::e2e
