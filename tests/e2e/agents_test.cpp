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
  // A client that sends `key` only.
  std::unique_ptr<HttpClient> as(const ApiKey& key) {
    auto c = new_client();
    c->set_default_headers(bearer(key.secret));
    return c;
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

}  // namespace
}  // namespace st::e2e
