// Why a ticket is where it is (issue 16 §2), end to end: an agent reading a routed ticket sees
// its explanation (who decided, with which version, the departments weighed, the evidence); a
// requester reading their own ticket does not; an agent's reroute is explained as manual, with
// who did it.
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Explanation : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty()) GTEST_SKIP() << "the server runs in the open mode";
  }
  std::unique_ptr<HttpClient> client_with(const ApiKey& key) {
    auto c = new_client();
    c->set_default_headers(bearer(key.secret));
    return c;
  }
};

TEST_F(Explanation, AnAgentSeesWhyARequesterDoesNotAndAManualRerouteSaysWho) {
  const std::string tag = unique_tag();
  const std::string email = "why-" + tag + "@example.com";
  const auto requester =
      create_key(http(), {{"name", "Rae " + tag}, {"role", "requester"}, {"email", email}});
  const auto agent = create_key(http(), {{"name", "Pat " + tag}, {"role", "agent"}});
  auto as_requester = client_with(requester);
  auto as_agent = client_with(agent);

  const json created = create_routed(
      *as_requester,
      ticket_body("Printer on floor 3 jams " + tag,
                  "The printer jams on every page and shows a paper error.", "Rae", email));
  ASSERT_TRUE(IsTicketObject(created)) << created.dump();
  const auto id = std::to_string(created.value("id", std::int64_t{0}));

  const Response seen = as_agent->get("/api/tickets/" + id);
  ASSERT_TRUE(IsSuccess(seen, 200)) << seen.describe();
  const json& why = seen.json["ticket"]["explanation"];
  ASSERT_TRUE(why.is_object()) << seen.body;
  EXPECT_EQ(why["decided_by"], seen.json["ticket"]["categorized_by"]) << why.dump();
  EXPECT_TRUE(why["version"].is_string() && !why["version"].get<std::string>().empty())
      << why.dump();
  ASSERT_TRUE(why["candidates"].is_array() && !why["candidates"].empty()) << why.dump();
  EXPECT_LE(why["candidates"].size(), 3u);
  EXPECT_EQ(why["candidates"][0]["department"], seen.json["ticket"]["department"]) << why.dump();
  EXPECT_EQ(why["candidates"][0]["confidence"], seen.json["ticket"]["confidence_score"]);
  ASSERT_TRUE(why["evidence"].is_array() && !why["evidence"].empty()) << why.dump();

  // The requester reads their own ticket without it, not even as null.
  const Response own = as_requester->get("/api/tickets/" + id);
  ASSERT_TRUE(IsSuccess(own, 200)) << own.describe();
  EXPECT_FALSE(own.json["ticket"].contains("explanation")) << own.body;
  EXPECT_EQ(own.json["ticket"]["department"], seen.json["ticket"]["department"]);

  const std::string target =
      seen.json["ticket"]["department"] == "Facilities" ? "HR" : "Facilities";
  const Response rerouted = as_agent->put_json("/api/route/" + id, {{"department", target}});
  ASSERT_TRUE(IsSuccess(rerouted, 200)) << rerouted.describe();
  const json after = as_agent->get("/api/tickets/" + id).json["ticket"];
  const json& manual = after["explanation"];
  ASSERT_TRUE(manual.is_object()) << after.dump();
  EXPECT_EQ(manual["decided_by"], "manual") << manual.dump();
  ASSERT_EQ(manual["candidates"].size(), 1u) << manual.dump();
  EXPECT_EQ(manual["candidates"][0]["department"], target);
  EXPECT_EQ(manual["candidates"][0]["confidence"], 100);
  EXPECT_EQ(manual["actor"]["type"], "key") << manual.dump();
  EXPECT_EQ(manual["actor"]["name"], "Pat " + tag) << manual.dump();
  EXPECT_EQ(manual["actor"]["role"], "agent") << manual.dump();
  EXPECT_FALSE(as_requester->get("/api/tickets/" + id).json["ticket"].contains("explanation"));
}

}  // namespace
}  // namespace st::e2e
