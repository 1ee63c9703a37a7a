// SLA clocks end to end (issue 17 §4): a public reply meets the first response while an
// unanswered ticket breaches and says so in its trail (on the shared server too, so the
// cluster runs it); on a server of the test's own (the policies are global, its sweeper runs
// every 100 ms), waiting_on_customer holds the breach off and a raise_priority escalation
// raises the ticket. Short clocks are made by moving a ticket
// to a priority whose policy is due already (no test waits on a stopwatch).
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

// What both fixtures do over HTTP; `Base` gives http().
template <class Base>
class SlaSteps : public Base {
 protected:
  std::string new_ticket() {
    const auto& s = sample_for("IT Support");
    const Response r = create_ticket(this->http(), ticket_body(s.title, s.description));
    EXPECT_TRUE(IsSuccess(r, 201)) << r.describe();
    return std::to_string(r.json.value("ticket_id", std::int64_t{0}));
  }
  json ticket(const std::string& id) {
    return this->http().get("/api/tickets/" + id).json["ticket"];
  }
  // Moves the ticket to `priority` (by way of another, so that it changes, which recomputes
  // its clocks from the policy).
  void set_priority(const std::string& id, const std::string& priority) {
    const std::string path = "/api/tickets/" + id + "/priority";
    const std::string other = priority == "low" ? "high" : "low";
    ASSERT_TRUE(IsSuccess(this->http().put_json(path, {{"priority", other}}), 200));
    ASSERT_TRUE(IsSuccess(this->http().put_json(path, {{"priority", priority}}), 200));
  }
  // The trail's entries of `type`, once there are at least `expected` of them.
  std::vector<json> in_trail(const std::string& id, const std::string& type,
                             std::size_t expected = 1) {
    std::vector<json> found;
    json trail;
    eventually([&] {
      trail = this->http().get("/api/tickets/" + id + "/events").json;
      found.clear();
      if (!trail.contains("events")) return false;
      for (const auto& e : trail["events"])
        if (e["event_type"] == type) found.push_back(e);
      return found.size() >= expected;
    });
    return found;
  }
  // The urgent policy is due one second after creation: a ticket moved to urgent is overdue.
  void make_urgent_due_at_once(const std::string& escalation = "none") {
    const Response r = this->http().put_json(
        "/api/sla/policies",
        {{"urgent",
          {{"first_response_seconds", 1}, {"resolution_seconds", 1}, {"escalation", escalation}}}});
    ASSERT_TRUE(IsSuccess(r, 200)) << r.describe();
    EXPECT_EQ(r.json["policies"]["urgent"]["first_response_seconds"], 1);
  }
};

// A server of the test's own, whose sweeper runs every 100 ms.
class Sla : public SlaSteps<OwnServerTest> {
 protected:
  void SetUp() override {
    OwnServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_NO_FATAL_FAILURE(start({"--sla-check-interval-ms=100"}));
  }
};

// The shared server (and the cluster): the policies are put back as they were after the test.
// A policy applies to a ticket when its priority is set, and only this test sets priorities
// while it runs, so the other tests' tickets keep theirs.
class SlaShared : public SlaSteps<SharedServerTest> {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    saved_ = http().get("/api/sla/policies").json["policies"];
    ASSERT_TRUE(saved_.is_object());
  }
  void TearDown() override {
    if (saved_.is_object()) {
      EXPECT_TRUE(IsSuccess(http().put_json("/api/sla/policies", saved_), 200));
    }
    SharedServerTest::TearDown();
  }
  // Staff replies meet the first response; the open mode has no staff (everyone is anonymous).
  bool keys() const { return !suite_key(shared_process()).empty(); }

  json saved_;
};

TEST_F(Sla, ATicketShowsItsClocksAndThePoliciesHaveDefaults) {
  const Response policies = http().get("/api/sla/policies");
  ASSERT_TRUE(IsSuccess(policies, 200)) << policies.describe();
  EXPECT_EQ(policies.json["policies"]["urgent"]["first_response_seconds"], 3600);
  EXPECT_EQ(policies.json["policies"]["low"]["resolution_seconds"], 7 * 24 * 3600);
  const json t = ticket(new_ticket());
  ASSERT_TRUE(t.contains("sla")) << t.dump();
  const json& sla = t["sla"];
  EXPECT_EQ(sla["policy"], t["priority"]);
  EXPECT_TRUE(is_iso8601_utc(sla["first_response_due"])) << sla.dump();
  EXPECT_TRUE(is_iso8601_utc(sla["resolution_due"])) << sla.dump();
  EXPECT_TRUE(sla["first_response_at"].is_null());
  EXPECT_TRUE(sla["resolved_at"].is_null());
  EXPECT_EQ(sla["paused"], false);
  EXPECT_EQ(sla["state"], "ok");
  // Bad input is a 400 that changes nothing.
  EXPECT_TRUE(IsError(http().put_json("/api/sla/policies", {{"urgent", {{"escalation", "x"}}}}),
                      400, "urgent.escalation"));
  EXPECT_EQ(http().get("/api/sla/policies").json, policies.json);
}

// The dashboard's SLA attainment row of (department, priority): {first_response, resolution}
// tallies, zeros when it has no row.
json attainment_row(HttpClient& http, const std::string& department, const std::string& priority) {
  const Response r = http.get("/api/dashboard/sla");
  EXPECT_TRUE(IsSuccess(r, 200)) << r.describe();
  const json zero{{"met", 0}, {"breached", 0}};
  for (const auto& row : r.json["sla"]["rows"])
    if (row["department"] == department && row["priority"] == priority) return row;
  return {{"first_response", zero}, {"resolution", zero}};
}

TEST_F(SlaShared, APublicReplyMeetsTheFirstResponseWhileAnUnansweredTicketBreaches) {
  if (!keys()) GTEST_SKIP() << "the open mode has no agents to reply";
  const std::string answered = new_ticket();
  const std::string unanswered = new_ticket();
  const std::string department = ticket(answered)["department"].get<std::string>();
  const std::string priority = ticket(answered)["priority"].get<std::string>();
  ASSERT_NE(priority, "urgent") << "the sample is not urgent, so the two rows differ";
  const json answered_before = attainment_row(http(), department, priority);
  const json urgent_before = attainment_row(http(), department, "urgent");
  const Response reply = http().post_json("/api/tickets/" + answered + "/comments",
                                          {{"body", "We are on it"}, {"public", true}});
  ASSERT_TRUE(IsSuccess(reply, 201)) << reply.describe();
  const json met = ticket(answered)["sla"];
  EXPECT_TRUE(is_iso8601_utc(met["first_response_at"])) << met.dump();
  const auto met_events = in_trail(answered, "ticket.sla.met");
  ASSERT_EQ(met_events.size(), 1u);
  EXPECT_EQ(met_events[0]["metadata"]["clock"], "first_response");

  ASSERT_NO_FATAL_FAILURE(make_urgent_due_at_once());
  ASSERT_NO_FATAL_FAILURE(set_priority(unanswered, "urgent"));
  const auto breaches = in_trail(unanswered, "ticket.sla.breached", 2);
  ASSERT_EQ(breaches.size(), 2u) << "both clocks are overdue";
  EXPECT_EQ(breaches[0]["metadata"]["priority"], "urgent");
  EXPECT_EQ(breaches[0]["metadata"]["escalation"], "none");
  EXPECT_TRUE(is_iso8601_utc(breaches[0]["metadata"]["due_at"]));
  EXPECT_EQ(ticket(unanswered)["sla"]["state"], "breached");
  // The answered ticket's reply stands.
  EXPECT_TRUE(is_iso8601_utc(ticket(answered)["sla"]["first_response_at"]));

  // The dashboard counts both, by the tickets' department and the priority whose policy
  // applied (analytics records the events a moment later).
  const auto delta = [](const json& after, const json& before, const char* clock,
                        const char* outcome) {
    return after[clock][outcome].get<int>() - before[clock][outcome].get<int>();
  };
  json answered_after, urgent_after;
  EXPECT_TRUE(eventually([&] {
    answered_after = attainment_row(http(), department, priority);
    urgent_after = attainment_row(http(), department, "urgent");
    return delta(answered_after, answered_before, "first_response", "met") == 1 &&
           delta(urgent_after, urgent_before, "resolution", "breached") == 1;
  })) << answered_after.dump()
      << " " << urgent_after.dump();
  EXPECT_EQ(delta(answered_after, answered_before, "first_response", "breached"), 0);
  EXPECT_EQ(delta(urgent_after, urgent_before, "first_response", "breached"), 1);
  EXPECT_EQ(delta(urgent_after, urgent_before, "first_response", "met"), 0);
}

TEST_F(Sla, WaitingOnCustomerHoldsTheBreachOffUntilItEnds) {
  const std::string waiting = new_ticket();
  const std::string running = new_ticket();
  const std::string status = "/api/tickets/" + waiting + "/status";
  ASSERT_TRUE(IsSuccess(http().put_json(status, {{"status", "waiting_on_customer"}}), 200));
  EXPECT_EQ(ticket(waiting)["sla"]["paused"], true);
  ASSERT_NO_FATAL_FAILURE(make_urgent_due_at_once());
  ASSERT_NO_FATAL_FAILURE(set_priority(waiting, "urgent"));
  ASSERT_NO_FATAL_FAILURE(set_priority(running, "urgent"));
  // The sweeper has passed both overdue tickets: only the running one breached.
  ASSERT_EQ(in_trail(running, "ticket.sla.breached", 2).size(), 2u);
  ASSERT_TRUE(IsSuccess(http().get("/api/tickets/" + waiting + "/events"), 200));
  for (const auto& e : http().get("/api/tickets/" + waiting + "/events").json["events"])
    EXPECT_NE(e["event_type"], "ticket.sla.breached") << e.dump();
  EXPECT_EQ(ticket(waiting)["sla"]["paused"], true);
  // Once the answer is in, the clocks run again, still overdue.
  ASSERT_TRUE(IsSuccess(http().put_json(status, {{"status", "in_progress"}}), 200));
  EXPECT_EQ(ticket(waiting)["sla"]["paused"], false);
  EXPECT_EQ(in_trail(waiting, "ticket.sla.breached", 2).size(), 2u);
}

TEST_F(Sla, ARaisePriorityEscalationRaisesTheTicket) {
  const Response r = http().put_json("/api/sla/policies", {{"high",
                                                            {{"first_response_seconds", 1},
                                                             {"resolution_seconds", 3600},
                                                             {"escalation", "raise_priority"}}}});
  ASSERT_TRUE(IsSuccess(r, 200)) << r.describe();
  const std::string id = new_ticket();
  ASSERT_NO_FATAL_FAILURE(set_priority(id, "high"));
  const auto breaches = in_trail(id, "ticket.sla.breached");
  ASSERT_EQ(breaches.size(), 1u);
  EXPECT_EQ(breaches[0]["metadata"]["clock"], "first_response");
  EXPECT_EQ(breaches[0]["metadata"]["escalation"], "raise_priority");
  // The escalation's own change, by the system (the test's changes are the admin's).
  json raised;
  EXPECT_TRUE(eventually([&] {
    for (const auto& e : in_trail(id, "ticket.priority.updated"))
      if (e["actor"]["type"] == "system") raised = e;
    return raised.is_object();
  }));
  EXPECT_EQ(raised["metadata"]["priority"], "urgent") << raised.dump();
  EXPECT_EQ(raised["metadata"]["previous_priority"], "high") << raised.dump();
  EXPECT_EQ(ticket(id)["priority"], "urgent");
}

}  // namespace
}  // namespace st::e2e
