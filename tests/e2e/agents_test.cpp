// Agents and assignment (issue 17 §1, §2): an agent key's departments and availability, each
// department's assignment mode, tickets handed to agents as they are routed, and the lists
// and changes of assignees. Each test makes its own keys and its own department, so it holds
// on a server other tests share.
#include <map>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Agents : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty()) GTEST_SKIP() << "the server runs in the open mode";
    tag_ = unique_tag();
  }
  std::string new_department() {
    const std::string name = "Agents " + tag_ + " " + std::to_string(++departments_);
    const Response r = http().post_json("/api/departments", {{"name", name}});
    EXPECT_EQ(r.status, 201) << r.describe();
    return name;
  }

  std::string tag_;
  int departments_ = 0;
};

TEST_F(Agents, AnAgentKeyCarriesCanonicalDepartmentsAndItsOwnAvailability) {
  const Response created = http().post_json(
      "/api/keys", {{"name", "Dana Desk"}, {"role", "agent"}, {"departments", {"it support"}}});
  ASSERT_EQ(created.status, 201) << created.describe();
  EXPECT_EQ(created.json["key"]["departments"], json::array({"IT Support"}));
  EXPECT_EQ(created.json["key"]["availability"], "available");
  const ApiKey dana{created.json["key"]["id"], created.json["secret"]};

  auto agent = as(dana);
  Response me = agent->get("/api/me");
  ASSERT_EQ(me.status, 200) << me.describe();
  EXPECT_EQ(me.json["key"]["departments"], json::array({"IT Support"}));
  EXPECT_EQ(me.json["key"]["availability"], "available");

  const Response away = agent->put_json("/api/me/availability", {{"availability", "away"}});
  ASSERT_EQ(away.status, 200) << away.describe();
  me = agent->get("/api/me");
  EXPECT_EQ(me.json["key"]["availability"], "away");

  const Response moved =
      http().put_json("/api/keys/" + dana.id, {{"departments", {"hr", "HR", "Finance"}}});
  ASSERT_EQ(moved.status, 200) << moved.describe();
  EXPECT_EQ(moved.json["key"]["departments"], json::array({"HR", "Finance"}));
  EXPECT_EQ(moved.json["key"]["availability"], "away");
  me = agent->get("/api/me");
  EXPECT_EQ(me.json["key"]["departments"], json::array({"HR", "Finance"}));
}

TEST_F(Agents, BadKeyAndAvailabilityBodiesAre4xx) {
  const ApiKey agent = create_key(http(), {{"name", "Val Agent"}, {"role", "agent"}});
  const ApiKey requester = create_key(
      http(),
      {{"name", "Rae Req"}, {"role", "requester"}, {"email", "rae-" + tag_ + "@example.com"}});
  const std::vector<json> bad_creates{
      {{"name", "x"}, {"role", "agent"}, {"departments", "IT Support"}},
      {{"name", "x"}, {"role", "agent"}, {"departments", {42}}},
      {{"name", "x"}, {"role", "agent"}, {"departments", {""}}},
      {{"name", "x"}, {"role", "agent"}, {"departments", {"No Such Department " + tag_}}},
      {{"name", "x"},
       {"role", "requester"},
       {"email", "x-" + tag_ + "@example.com"},
       {"departments", {"HR"}}},
  };
  for (const auto& body : bad_creates) {
    const Response r = http().post_json("/api/keys", body);
    EXPECT_TRUE(IsError(r, 400)) << body.dump() << ": " << r.describe();
    EXPECT_EQ(r.json.value("field", ""), "departments") << r.describe();
  }
  EXPECT_TRUE(IsError(http().put_json("/api/keys/" + agent.id, json::object()), 400));
  EXPECT_TRUE(
      IsError(http().put_json("/api/keys/" + agent.id, {{"departments", {{"a", 1}}}}), 400));
  EXPECT_TRUE(
      IsError(http().put_json("/api/keys/" + requester.id, {{"departments", {"HR"}}}), 400));
  EXPECT_TRUE(IsError(
      http().put_json("/api/keys/0123456789abcdef", {{"departments", json::array()}}), 404));

  auto a = as(agent);
  for (const json& body : {json::object(), json{{"availability", "busy"}},
                           json{{"availability", nullptr}}, json{{"availability", 1}}}) {
    const Response r = a->put_json("/api/me/availability", body);
    EXPECT_TRUE(IsError(r, 400)) << body.dump() << ": " << r.describe();
  }
  EXPECT_TRUE(
      IsError(as(requester)->put_json("/api/me/availability", {{"availability", "away"}}), 403));
}

// A routed ticket in `department` (an agent's reroute, so the test picks the department).
std::int64_t ticket_in(HttpClient& http, const std::string& department, const std::string& tag) {
  const auto& s = sample_for("IT Support");
  const json t = create_routed(http, ticket_body(s.title + " " + tag, s.description));
  const auto id = t.value("id", std::int64_t{0});
  EXPECT_GT(id, 0) << t.dump();
  const Response r =
      http.put_json("/api/route/" + std::to_string(id), {{"department", department}});
  EXPECT_EQ(r.status, 200) << r.describe();
  return id;
}

json ticket(HttpClient& http, std::int64_t id) {
  const Response r = http.get("/api/tickets/" + std::to_string(id));
  EXPECT_EQ(r.status, 200) << r.describe();
  return r.json["ticket"];
}

std::string assignee_of(HttpClient& http, std::int64_t id) {
  const json a = ticket(http, id)["assignee"];
  return a.is_object() ? a.value("id", "") : "";
}

// The mode is the tickets service's, the department routing's: every department answer joins
// them, manual until set.
TEST_F(Agents, EveryDepartmentAnswerCarriesItsAssignmentMode) {
  const std::string dept = new_department();
  const std::string path = "/api/departments/" + url_encode(dept);
  EXPECT_EQ(http().get(path).json["department"]["assignment"], "manual");
  ASSERT_EQ(http().put_json(path, {{"assignment", "least_open"}}).status, 200);
  EXPECT_EQ(http().get(path).json["department"]["assignment"], "least_open");
  // A change of another field answers the mode too.
  const Response described = http().put_json(path, {{"description", "Desks and chairs"}});
  ASSERT_EQ(described.status, 200) << described.describe();
  EXPECT_EQ(described.json["department"]["assignment"], "least_open");
  const Response all = http().get("/api/departments");
  ASSERT_EQ(all.status, 200) << all.describe();
  bool listed = false;
  for (const auto& d : all.json["departments"]) {
    EXPECT_TRUE(d["assignment"].is_string()) << d.dump();
    if (d["name"] == dept) {
      listed = true;
      EXPECT_EQ(d["assignment"], "least_open");
    }
  }
  EXPECT_TRUE(listed);
}

TEST_F(Agents, RoundRobinHandsFourRoutedTicketsTwoToEachAgent) {
  const std::string dept = new_department();
  const Response mode =
      http().put_json("/api/departments/" + url_encode(dept), {{"assignment", "round_robin"}});
  ASSERT_EQ(mode.status, 200) << mode.describe();
  EXPECT_EQ(mode.json["department"]["assignment"], "round_robin");
  const ApiKey a =
      create_key(http(), {{"name", "Ann Agent"}, {"role", "agent"}, {"departments", {dept}}});
  const ApiKey b =
      create_key(http(), {{"name", "Bob Agent"}, {"role", "agent"}, {"departments", {dept}}});
  std::map<std::string, int> per_agent;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(ticket_in(http(), dept, tag_));
  for (auto id : ids) {
    const json t = ticket(http(), id);
    ASSERT_TRUE(t["assignee"].is_object()) << t.dump();
    ++per_agent[t["assignee"]["id"].get<std::string>()];
  }
  EXPECT_EQ(per_agent[a.id], 2);
  EXPECT_EQ(per_agent[b.id], 2);
  // Each turn goes to the other agent.
  for (std::size_t i = 1; i < ids.size(); ++i)
    EXPECT_NE(assignee_of(http(), ids[i]), assignee_of(http(), ids[i - 1]));

  // assignee=me lists the caller's own, and nobody else's.
  const Response mine = as(a)->get("/api/tickets?assignee=me&limit=200");
  ASSERT_EQ(mine.status, 200) << mine.describe();
  EXPECT_EQ(mine.json["count"], 2);
  for (const auto& t : mine.json["tickets"]) EXPECT_EQ(t["assignee"]["id"], a.id);
  const Response by_id = http().get("/api/tickets?assignee=" + b.id);
  EXPECT_EQ(by_id.json["count"], 2) << by_id.describe();
  const Response trail = http().get("/api/tickets/" + std::to_string(ids[0]) + "/events");
  ASSERT_EQ(trail.status, 200) << trail.describe();
  EXPECT_NE(trail.body.find("ticket.assigned"), std::string::npos) << trail.body;
}

TEST_F(Agents, GoingAwayHandsOpenTicketsToAnotherMemberAndLeastOpenPicksTheLightest) {
  const std::string dept = new_department();
  ASSERT_EQ(http()
                .put_json("/api/departments/" + url_encode(dept), {{"assignment", "least_open"}})
                .status,
            200);
  const ApiKey a =
      create_key(http(), {{"name", "Lee Agent"}, {"role", "agent"}, {"departments", {dept}}});
  const auto first = ticket_in(http(), dept, tag_);
  EXPECT_EQ(assignee_of(http(), first), a.id);
  const ApiKey b =
      create_key(http(), {{"name", "Max Agent"}, {"role", "agent"}, {"departments", {dept}}});
  const auto second = ticket_in(http(), dept, tag_);
  EXPECT_EQ(assignee_of(http(), second), b.id);  // a has one open, b none

  const Response away = as(a)->put_json("/api/me/availability", {{"availability", "away"}});
  ASSERT_EQ(away.status, 200) << away.describe();
  EXPECT_EQ(away.json["handed_on"], 1);
  EXPECT_EQ(assignee_of(http(), first), b.id);
  const auto third = ticket_in(http(), dept, tag_);
  EXPECT_EQ(assignee_of(http(), third), b.id);  // a is away

  // With nobody available a routed ticket stays unassigned.
  ASSERT_EQ(as(b)->put_json("/api/me/availability", {{"availability", "away"}}).status, 200);
  const auto fourth = ticket_in(http(), dept, tag_);
  EXPECT_TRUE(ticket(http(), fourth)["assignee"].is_null());
  EXPECT_TRUE(ticket(http(), first)["assignee"].is_null());
  const Response none = http().get("/api/tickets?assignee=none&department=" + url_encode(dept));
  EXPECT_EQ(none.json["count"], 4) << none.describe();
}

TEST_F(Agents, AnAgentAssignsByHandAndBadAssignmentsAre4xx) {
  const std::string dept = new_department();  // manual: nobody is assigned automatically
  const ApiKey a = create_key(http(), {{"name", "Kim Agent"}, {"role", "agent"}});
  const ApiKey requester = create_key(
      http(),
      {{"name", "Ray Req"}, {"role", "requester"}, {"email", "ray-" + tag_ + "@example.com"}});
  const auto id = ticket_in(http(), dept, tag_);
  EXPECT_TRUE(ticket(http(), id)["assignee"].is_null());
  const std::string path = "/api/tickets/" + std::to_string(id) + "/assignee";

  const Response set = as(a)->put_json(path, {{"assignee", a.id}});
  ASSERT_EQ(set.status, 200) << set.describe();
  EXPECT_EQ(set.json["ticket"]["assignee"], (json{{"id", a.id}, {"name", "Kim Agent"}}));
  const Response cleared = as(a)->put_json(path, {{"assignee", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.describe();
  EXPECT_TRUE(cleared.json["ticket"]["assignee"].is_null());

  for (const json& body :
       {json::object(), json{{"assignee", 5}}, json{{"assignee", "me"}},
        json{{"assignee", "0123456789abcdef"}}, json{{"assignee", requester.id}}})
    EXPECT_TRUE(IsError(as(a)->put_json(path, body), 400)) << body.dump();
  EXPECT_TRUE(
      IsError(as(a)->put_json("/api/tickets/999999999/assignee", {{"assignee", a.id}}), 404));
  EXPECT_TRUE(IsError(as(requester)->put_json(path, {{"assignee", a.id}}), 403));
  EXPECT_TRUE(IsError(http().get("/api/tickets?assignee=someone"), 400));
  EXPECT_TRUE(IsError(
      http().put_json("/api/departments/" + url_encode(dept), {{"assignment", "fastest"}}), 400));
  EXPECT_TRUE(IsError(
      http().put_json("/api/departments/No%20Such%20" + tag_, {{"assignment", "manual"}}), 404));
}

}  // namespace
}  // namespace st::e2e
