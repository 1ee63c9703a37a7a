// Idempotency-Key on creates (a retried create makes no second ticket) and the actor that
// every entry of a ticket's trail records.
#include <future>
#include <string>

#include "adapters/sqlite/database.hpp"
#include "support/e2e.hpp"

namespace st::e2e {
namespace {

std::size_t tickets_tagged(HttpClient& http, const std::string& tag) {
  return list_all(http, "q=" + tag).size();
}

class Idempotency : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty()) GTEST_SKIP() << "open mode: keys are not scoped";
  }
};

TEST_F(Idempotency, ARetriedCreateReturnsTheFirstAnswerAndMakesNoSecondTicket) {
  const std::string tag = unique_tag();
  const auto& s = sample_for("Finance");
  const json body = ticket_body(s.title + " " + tag, s.description);
  const Headers key{{"Idempotency-Key", "create-" + tag}};
  const Response first = http().post_json("/api/tickets", body, key);
  ASSERT_TRUE(IsSuccess(first, 201)) << first.describe();
  EXPECT_FALSE(first.has_header("Idempotent-Replayed"));

  const Response again = http().post_json("/api/tickets", body, key);
  ASSERT_TRUE(IsSuccess(again, 201)) << again.describe();
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.json["ticket_id"], first.json["ticket_id"]);
  EXPECT_EQ(again.json, first.json) << "the first answer, as it was";
  EXPECT_EQ(tickets_tagged(http(), tag), 1u);

  // The same key with another body is a client error, and creates nothing.
  json other = body;
  other["title"] = s.title + " changed " + tag;
  EXPECT_TRUE(IsError(http().post_json("/api/tickets", other, key), 422));
  EXPECT_EQ(tickets_tagged(http(), tag), 1u);

  // Keys belong to their caller: another key's identical Idempotency-Key is a new request.
  auto agent = new_client();
  agent->set_default_headers(
      bearer(create_key(http(), {{"name", "Alex " + tag}, {"role", "agent"}}).secret));
  const Response theirs = agent->post_json("/api/tickets", body, key);
  ASSERT_TRUE(IsSuccess(theirs, 201)) << theirs.describe();
  EXPECT_NE(theirs.json["ticket_id"], first.json["ticket_id"]);
  EXPECT_EQ(tickets_tagged(http(), tag), 2u);
}

TEST_F(Idempotency, AMalformedKeyIsA400AndCreatesNothing) {
  const std::string tag = unique_tag();
  const auto& s = sample_for("HR");
  const json body = ticket_body(s.title + " " + tag, s.description);
  for (const Headers& h :
       std::vector<Headers>{{{"Idempotency-Key", ""}},
                            {{"Idempotency-Key", std::string(256, 'k')}},
                            {{"Idempotency-Key", "has space"}},
                            {{"Idempotency-Key", "a"}, {"Idempotency-Key", "b"}}}) {
    EXPECT_TRUE(IsError(http().post_json("/api/tickets", body, h), 400, "Idempotency-Key"));
  }
  EXPECT_EQ(tickets_tagged(http(), tag), 0u);
}

class IdempotencyOwnServer : public OwnServerTest {};

TEST_F(IdempotencyOwnServer, ARepeatWhileTheFirstRunsIs409AndAReplaySurvivesARestart) {
  // A paused pipeline keeps the first create waiting for routing (up to its 3 s deadline).
  ASSERT_NO_FATAL_FAILURE(start({"--pause-pipeline", "--create-timeout-ms=3000"}));
  const auto& s = sample_for("IT Support");
  const json body = ticket_body(s.title, s.description);
  const Headers key{{"Idempotency-Key", "slow-one"}};
  auto first = std::async(std::launch::async, [&] {
    HttpClient c("127.0.0.1", server().port());
    c.set_default_headers(bearer(suite_key(&server())));
    return c.post_json("/api/tickets", body, key);
  });
  ASSERT_TRUE(eventually([&] { return census(http()).count == 1; }, 2s));
  const Response during = http().post_json("/api/tickets", body, key);
  EXPECT_TRUE(IsError(during, 409)) << during.describe();
  EXPECT_EQ(during.header("Retry-After"), "1");
  const Response done = first.get();
  ASSERT_TRUE(IsSuccess(done, 201)) << done.describe();

  ASSERT_NO_FATAL_FAILURE(restart());
  const Response replay = http().post_json("/api/tickets", body, key);
  ASSERT_TRUE(IsSuccess(replay, 201)) << replay.describe();
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.json["ticket_id"], done.json["ticket_id"]);
  EXPECT_EQ(census(http()).count, 1u);
}

TEST_F(IdempotencyOwnServer, ARetryAfterTheGatewayDiedMidCreateFindsTheTicketItMade) {
  // The first create is stored, then waits for routing (paused) when the process dies: its
  // answer was never kept, only the claim.
  ASSERT_NO_FATAL_FAILURE(start({"--pause-pipeline", "--create-timeout-ms=20000"}));
  const auto& s = sample_for("Finance");
  const json body = ticket_body(s.title, s.description);
  const Headers key{{"Idempotency-Key", "dies-mid-create"}};
  auto first = std::async(std::launch::async, [&] {
    HttpClient c("127.0.0.1", server().port());
    c.set_default_headers(bearer(suite_key(&server())));
    return c.post_json("/api/tickets", body, key);
  });
  ASSERT_TRUE(eventually([&] { return census(http()).count == 1; }, 5s));
  server().kill9();
  first.wait();
  // The dead process's claim runs out (its lease, aged here instead of waited for).
  {
    adapters::sqlite::Database db{server().data_dir() + "/smartticket.db"};
    db.write([](adapters::sqlite::Connection& c) {
      c.query("UPDATE idempotency_keys SET created_at = created_at - 3600000").run();
    });
  }
  ASSERT_NO_FATAL_FAILURE(restart());
  const Response retry = http().post_json("/api/tickets", body, key);
  ASSERT_TRUE(IsSuccess(retry, 201)) << retry.describe();
  EXPECT_EQ(census(http()).count, 1u) << "the retry ran again but made no second ticket";
  const Response listed = http().get("/api/tickets");
  ASSERT_TRUE(IsSuccess(listed, 200)) << listed.describe();
  EXPECT_EQ(retry.json["ticket_id"], listed.json["tickets"][0]["id"]);
  EXPECT_FALSE(retry.json["department"].is_null()) << "routed once the pipeline ran";
}

TEST_F(Idempotency, AClientCannotSendTheInternalCreateKey) {
  // The header the gateway derives from an Idempotency-Key: a client that sends one itself
  // (say, another caller's) gets a new ticket of its own, never someone else's.
  const std::string tag = unique_tag();
  const auto& s = sample_for("HR");
  const Headers forged{{"X-SmartTicket-Create-Key", std::string(64, 'a')}};
  const Response one =
      http().post_json("/api/tickets", ticket_body(s.title + " " + tag, s.description), forged);
  const Response two =
      http().post_json("/api/tickets", ticket_body(s.title + " " + tag, s.description), forged);
  ASSERT_TRUE(IsSuccess(one, 201)) << one.describe();
  ASSERT_TRUE(IsSuccess(two, 201)) << two.describe();
  EXPECT_NE(one.json["ticket_id"], two.json["ticket_id"]);
  EXPECT_EQ(tickets_tagged(http(), tag), 2u);
}

class Actors : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty()) GTEST_SKIP() << "open mode: every actor is anonymous";
  }
};

TEST_F(Actors, EveryTrailEntryNamesWhoMadeTheChange) {
  const std::string tag = unique_tag();
  auto requester = new_client();
  requester->set_default_headers(
      bearer(create_key(http(), {{"name", "Rita " + tag},
                                 {"role", "requester"},
                                 {"email", "rita-" + tag + "@example.com"}})
                 .secret));
  auto agent = new_client();
  const std::string agent_key =
      create_key(http(), {{"name", "Alex " + tag}, {"role", "agent"}}).secret;
  agent->set_default_headers(bearer(agent_key));
  const std::string agent_id = agent_key.substr(4, 16);

  const auto& s = sample_for("IT Support");
  const json ticket =
      create_routed(*requester, {{"title", s.title + " " + tag}, {"description", s.description}});
  const auto id = std::to_string(ticket.value("id", std::int64_t{0}));
  ASSERT_TRUE(IsSuccess(
      agent->put_json("/api/tickets/" + id + "/status", {{"status", "in_progress"}}), 200));
  ASSERT_TRUE(IsSuccess(agent->put_json("/api/route/" + id, {{"department", "Facilities"}}), 200));

  json trail;
  ASSERT_TRUE(eventually([&] {
    trail = http().get("/api/tickets/" + id + "/events").json;
    return trail.contains("events") && trail["events"].size() >= 6;
  })) << trail.dump();
  std::map<std::string, std::vector<json>> by_type;
  for (const auto& e : trail["events"]) by_type[e["event_type"]].push_back(e["actor"]);

  ASSERT_EQ(by_type["ticket.created"].size(), 1u);
  const json created = by_type["ticket.created"][0];
  EXPECT_EQ(created["type"], "key");
  EXPECT_EQ(created["role"], "requester");
  EXPECT_EQ(created["name"], "Rita " + tag);
  EXPECT_EQ(by_type["ticket.categorized"].at(0)["type"], "system");
  EXPECT_EQ(by_type["ticket.routed"].at(0)["type"], "system");  // the pipeline's routing
  const json agent_actor{
      {"type", "key"}, {"id", agent_id}, {"name", "Alex " + tag}, {"role", "agent"}};
  EXPECT_EQ(by_type["ticket.status.updated"].at(0), agent_actor);
  EXPECT_EQ(by_type["ticket.department.updated"].at(0), agent_actor);
  EXPECT_EQ(by_type["ticket.routed"].back(), agent_actor);  // the reroute
}

}  // namespace
}  // namespace st::e2e
