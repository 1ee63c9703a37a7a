// Dead letters an operator can act on, one-process mode: a message that cannot be decoded is
// dead-lettered; the admin lists it, replays it (it is delivered again, and dead-lettered
// again since it is still poison) and purges it, over HTTP and with `smartticket
// dead-letters`. Non-admins are refused.
#include <string>

#include "adapters/sqlite/database.hpp"
#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class DeadLetters : public OwnServerTest {
 protected:
  void SetUp() override {
    if (external_mode()) GTEST_SKIP() << "poisons the data file of a server it started";
    OwnServerTest::SetUp();
  }

  // Stops the server, stores one undecodable message per queue in its data file (as if a
  // buggy publisher had sent it), and starts it again: the consumers dead-letter them.
  void poison(const std::vector<std::pair<std::string, std::string>>& queue_and_event) {
    ASSERT_TRUE(server().stop().clean());
    {
      adapters::sqlite::Database db(server().data_dir() + "/smartticket.db");
      db.write([&](adapters::sqlite::Connection& c) {
        for (const auto& [queue, event_id] : queue_and_event)
          c.query(
               "INSERT INTO bus_messages (queue, routing_key, event_id, body, traceparent, "
               "delivery_count, enqueued_at) VALUES (?, 'ticket.created', ?, 'not json', '', "
               "0, 0)")
              .bind_all(queue, event_id)
              .run();
      });
    }
    ASSERT_NO_FATAL_FAILURE(restart());
  }

  json queue_report(const std::string& queue) {
    const Response r = http().get("/api/admin/dead-letters?sample=10");
    EXPECT_TRUE(IsSuccess(r, 200)) << r.describe();
    for (const auto& q : r.json.value("queues", json::array()))
      if (q.value("queue", "") == queue) return q;
    ADD_FAILURE() << "no queue " << queue << ": " << r.describe();
    return json::object();
  }

  bool has_dead_letters(const std::string& queue, std::size_t n) {
    return eventually([&] { return queue_report(queue).value("count", 0u) == n; });
  }

  std::string cli(const std::string& args) {
    const auto result = run_binary("dead-letters " + args +
                                   " --url http://127.0.0.1:" + std::to_string(server().port()) +
                                   " --data-dir '" + server().data_dir() + "'");
    last_exit = result.exit_code;
    return result.output;
  }

  int last_exit = -1;
};

TEST_F(DeadLetters, ListReplayAndPurgeOverHttp) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(create_routed(http(), ticket_body("Printer jam", "The printer jams")).is_object());
  ASSERT_NO_FATAL_FAILURE(poison({{"categorizer", "poison-c"}, {"analytics", "poison-a"}}));
  ASSERT_TRUE(has_dead_letters("categorizer", 1));
  ASSERT_TRUE(has_dead_letters("analytics", 1));

  const json q = queue_report("categorizer");
  EXPECT_TRUE(is_iso8601_utc(q["oldest_at"])) << q.dump();
  ASSERT_EQ(q["sample"].size(), 1u) << q.dump();
  const json s = q["sample"][0];
  EXPECT_EQ(s["event_id"], "poison-c");
  EXPECT_EQ(s["event_type"], "ticket.created");
  EXPECT_TRUE(s["reason"].is_string() && !s["reason"].get<std::string>().empty()) << s.dump();
  EXPECT_GE(s.value("attempts", 0), 1) << s.dump();
  EXPECT_EQ(s["dead_lettered_at"], q["oldest_at"]);
  EXPECT_EQ(queue_report("routing")["count"], 0);
  EXPECT_EQ(queue_report("gateway")["sample"], json::array());

  // Replayed, it is delivered again: still poison, so it comes back to the dead letters.
  const Response replayed =
      http().post_json("/api/admin/dead-letters/categorizer/replay?event_id=poison-c", json());
  ASSERT_TRUE(IsSuccess(replayed, 200)) << replayed.describe();
  EXPECT_EQ(replayed.json["replayed"], 1);
  const Response none =
      http().post_json("/api/admin/dead-letters/categorizer/replay?event_id=other", json());
  EXPECT_EQ(none.json["replayed"], 0);
  ASSERT_TRUE(has_dead_letters("categorizer", 1));
  EXPECT_NE(queue_report("categorizer")["sample"][0]["dead_lettered_at"], nullptr);

  const Response purged = http().request("DELETE", "/api/admin/dead-letters/analytics");
  ASSERT_TRUE(IsSuccess(purged, 200)) << purged.describe();
  EXPECT_EQ(purged.json["purged"], 1);
  EXPECT_EQ(queue_report("analytics")["count"], 0);

  EXPECT_TRUE(IsError(http().request("DELETE", "/api/admin/dead-letters/nope"), 404));
  EXPECT_TRUE(IsError(http().post_json("/api/admin/dead-letters/gateway/replay", json()), 409));
  EXPECT_TRUE(IsError(http().get("/api/admin/dead-letters?sample=lots"), 400, "sample"));
  // The service still works around its dead letters.
  EXPECT_TRUE(create_routed(http(), ticket_body("VPN down", "Cannot reach the VPN")).is_object());
}

TEST_F(DeadLetters, OnlyAdminsMayActOnThem) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(poison({{"analytics", "poison-r"}}));
  ASSERT_TRUE(has_dead_letters("analytics", 1));
  const ApiKey agent = create_key(http(), {{"name", "agent"}, {"role", "agent"}});
  const auto as_agent = bearer(agent.secret);
  EXPECT_TRUE(IsError(http().get("/api/admin/dead-letters", as_agent), 403));
  EXPECT_TRUE(IsError(
      http().request("POST", "/api/admin/dead-letters/analytics/replay", std::nullopt, as_agent),
      403));
  EXPECT_TRUE(IsError(
      http().request("DELETE", "/api/admin/dead-letters/analytics", std::nullopt, as_agent), 403));
  EXPECT_TRUE(IsUnauthorized(http().get("/api/admin/dead-letters", {{"Authorization", ""}})));
  EXPECT_EQ(queue_report("analytics")["count"], 1) << "nothing changed";
}

TEST_F(DeadLetters, TheCliListsReplaysAndPurges) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(poison({{"categorizer", "poison-cli"}}));
  ASSERT_TRUE(has_dead_letters("categorizer", 1));

  const auto listed = cli("list --sample 3");
  EXPECT_EQ(last_exit, 0) << listed;
  EXPECT_NE(listed.find("\"poison-cli\""), std::string::npos) << listed;

  const auto replayed = cli("replay --queue categorizer --event-id poison-cli");
  EXPECT_EQ(last_exit, 0) << replayed;
  EXPECT_NE(replayed.find("\"replayed\": 1"), std::string::npos) << replayed;
  ASSERT_TRUE(has_dead_letters("categorizer", 1)) << "delivered again, dead-lettered again";

  const auto purged = cli("purge --queue categorizer");
  EXPECT_EQ(last_exit, 0) << purged;
  EXPECT_NE(purged.find("\"purged\": 1"), std::string::npos) << purged;
  EXPECT_EQ(queue_report("categorizer")["count"], 0);

  const auto unknown = cli("purge --queue nope");
  EXPECT_EQ(last_exit, 1) << unknown;
  EXPECT_NE(unknown.find("404"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace st::e2e
