// A ticket's conversation (issue 17 §3): replies and internal notes, who sees which (a
// requester: the public replies on their own tickets, in the comments and in the trail), and
// what a bad comment changes (nothing).
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Comments : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    tag_ = unique_tag();
  }
  bool keys() const { return !suite_key(shared_process()).empty(); }
  std::string new_ticket(const std::string& email = "ann.lee@example.com") {
    const auto& s = sample_for("IT Support");
    const Response r =
        create_ticket(http(), ticket_body(s.title + " " + tag_, s.description, "Ann Lee", email));
    EXPECT_TRUE(IsSuccess(r, 201)) << r.describe();
    return std::to_string(r.json.value("ticket_id", std::int64_t{0}));
  }
  // The ticket.commented entries of the trail as `client` sees it, once `expected` of them
  // are there (the trail is written from the events, a moment after the comment).
  std::vector<json> commented_in_trail(HttpClient& client, const std::string& id,
                                       std::size_t expected) {
    std::vector<json> found;
    json trail;
    EXPECT_TRUE(eventually([&] {
      trail = client.get("/api/tickets/" + id + "/events").json;
      found.clear();
      if (!trail.contains("events")) return false;
      for (const auto& e : trail["events"])
        if (e["event_type"] == "ticket.commented") found.push_back(e);
      return found.size() >= expected;
    })) << trail.dump();
    return found;
  }

  std::string tag_;
};

TEST_F(Comments, RepliesAndNotesAreStoredListedOldestFirstAndRecordedInTheTrail) {
  const std::string id = new_ticket();
  const Response reply =
      http().post_json("/api/tickets/" + id + "/comments", {{"body", "  Is it plugged in?  "}});
  ASSERT_TRUE(IsSuccess(reply, 201)) << reply.describe();
  const json& c = reply.json["comment"];
  EXPECT_GT(c.value("id", std::int64_t{0}), 0);
  EXPECT_EQ(std::to_string(c.value("ticket_id", std::int64_t{0})), id);
  EXPECT_EQ(c["body"], "Is it plugged in?");
  EXPECT_EQ(c["public"], true);
  EXPECT_TRUE(c["author"].is_object());
  EXPECT_TRUE(is_iso8601_utc(c["created_at"])) << c.dump();
  const Response note = http().post_json("/api/tickets/" + id + "/comments",
                                         {{"body", "Probably the PSU"}, {"public", false}});
  ASSERT_TRUE(IsSuccess(note, 201)) << note.describe();
  EXPECT_EQ(note.json["comment"]["public"], false);

  const Response all = http().get("/api/tickets/" + id + "/comments");
  ASSERT_TRUE(IsSuccess(all, 200)) << all.describe();
  EXPECT_EQ(all.json["count"], 2);
  ASSERT_EQ(all.json["comments"].size(), 2u);
  EXPECT_EQ(all.json["comments"][0], c);
  EXPECT_EQ(all.json["comments"][1]["body"], "Probably the PSU");
  EXPECT_TRUE(all.json["next_cursor"].is_null());

  // Pages of one, following next_cursor.
  const Response first = http().get("/api/tickets/" + id + "/comments?limit=1");
  ASSERT_TRUE(IsSuccess(first, 200)) << first.describe();
  ASSERT_EQ(first.json["comments"].size(), 1u);
  ASSERT_TRUE(first.json["next_cursor"].is_string()) << first.describe();
  const Response second = http().get("/api/tickets/" + id + "/comments?limit=1&cursor=" +
                                     first.json["next_cursor"].get<std::string>());
  ASSERT_TRUE(IsSuccess(second, 200)) << second.describe();
  ASSERT_EQ(second.json["comments"].size(), 1u);
  EXPECT_EQ(second.json["comments"][0]["body"], "Probably the PSU");

  const auto events = commented_in_trail(http(), id, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["metadata"]["comment_id"], c["id"]);
  EXPECT_EQ(events[0]["metadata"]["public"], true);
  EXPECT_EQ(events[1]["metadata"]["public"], false);
  EXPECT_FALSE(events[1]["metadata"].contains("body")) << "a note's text stays out of events";
}

TEST_F(Comments, ARequesterSeesAndWritesPublicRepliesOnTheirOwnTicketsOnly) {
  if (!keys()) GTEST_SKIP() << "the server runs in the open mode: there are no requesters";
  const std::string email = "rita-" + tag_ + "@example.com";
  auto rita =
      as(create_key(http(), {{"name", "Rita Requester"}, {"role", "requester"}, {"email", email}}));
  auto pat = as(create_key(http(), {{"name", "Pat " + tag_}, {"role", "agent"}}));
  const std::string own = new_ticket(email);
  const std::string theirs = new_ticket("otto-" + tag_ + "@example.com");
  const std::string path = "/api/tickets/" + own + "/comments";

  ASSERT_TRUE(IsSuccess(pat->post_json(path, {{"body", "We are looking into it"}}), 201));
  ASSERT_TRUE(IsSuccess(
      pat->post_json(path, {{"body", "Internal: replace the disk"}, {"public", false}}), 201));
  const Response answered = rita->post_json(path, {{"body", "Thank you!"}});
  ASSERT_TRUE(IsSuccess(answered, 201)) << answered.describe();
  EXPECT_EQ(answered.json["comment"]["public"], true);
  EXPECT_EQ(answered.json["comment"]["author"]["role"], "requester");
  EXPECT_EQ(answered.json["comment"]["author"]["name"], "Rita Requester");
  // A requester's comment is a reply: an internal note from them is refused, and not stored.
  EXPECT_TRUE(IsError(rita->post_json(path, {{"body", "Psst"}, {"public", false}}), 403, "public"));

  const Response seen = rita->get(path);
  ASSERT_TRUE(IsSuccess(seen, 200)) << seen.describe();
  ASSERT_EQ(seen.json["count"], 2) << seen.describe();
  EXPECT_EQ(seen.json["comments"][0]["body"], "We are looking into it");
  EXPECT_EQ(seen.json["comments"][1]["body"], "Thank you!");
  // Asking for everything changes nothing for them.
  EXPECT_EQ(rita->get(path + "?public_only=false").json["count"], 2);
  const Response staff = pat->get(path);
  EXPECT_EQ(staff.json["count"], 3) << staff.describe();

  // Another person's ticket does not exist for them.
  EXPECT_TRUE(IsError(rita->get("/api/tickets/" + theirs + "/comments"), 404));
  EXPECT_TRUE(
      IsError(rita->post_json("/api/tickets/" + theirs + "/comments", {{"body", "Hi"}}), 404));
  EXPECT_TRUE(IsError(
      rita->post_json("/api/tickets/" + theirs + "/comments", {{"body", "Hi"}, {"public", false}}),
      404));
  EXPECT_EQ(http().get("/api/tickets/" + theirs + "/comments").json["count"], 0);

  // The trail: staff see three ticket.commented, the requester the two public ones.
  const auto all = commented_in_trail(*pat, own, 3);
  EXPECT_EQ(all.size(), 3u);
  const auto shown = commented_in_trail(*rita, own, 2);
  ASSERT_EQ(shown.size(), 2u);
  for (const auto& e : shown) EXPECT_EQ(e["metadata"]["public"], true) << e.dump();
  const Response trail = rita->get("/api/tickets/" + own + "/events");
  EXPECT_EQ(trail.json["count"], trail.json["events"].size());
}

TEST_F(Comments, BadCommentsAre4xxAndStoreNothing) {
  const std::string id = new_ticket();
  const std::string path = "/api/tickets/" + id + "/comments";
  const std::vector<json> bad{
      json::object(),
      {{"body", ""}},
      {{"body", "   \n\t "}},
      {{"body", 42}},
      {{"body", nullptr}},
      {{"body", std::string(10'001, 'x')}},
      {{"body", "Hi"}, {"public", "false"}},
      {{"body", "Hi"}, {"public", 0}},
      json::array({"Hi"}),
  };
  for (const auto& body : bad)
    EXPECT_TRUE(IsError(http().post_json(path, body), 400)) << body.dump().substr(0, 80);
  const Response not_json = http().request("POST", path, std::string("{\"body\": "),
                                           {{"Content-Type", "application/json"}});
  EXPECT_TRUE(IsError(not_json, 400)) << not_json.describe();
  EXPECT_TRUE(IsError(http().post_json("/api/tickets/999999999/comments", {{"body", "Hi"}}), 404));
  EXPECT_TRUE(IsError(http().get("/api/tickets/999999999/comments"), 404));
  EXPECT_TRUE(IsError(http().get(path + "?limit=0"), 400, "limit"));

  const Response after = http().get(path);
  ASSERT_TRUE(IsSuccess(after, 200)) << after.describe();
  EXPECT_EQ(after.json["count"], 0);
  // A good comment now is the first: its event is the only ticket.commented of the trail.
  ASSERT_TRUE(IsSuccess(http().post_json(path, {{"body", "Hi"}}), 201));
  EXPECT_EQ(commented_in_trail(http(), id, 1).size(), 1u);
}

}  // namespace
}  // namespace st::e2e
