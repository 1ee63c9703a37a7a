// /api/admin/dead-letters on the one-process backend (the in-process bus over a real SQLite
// queue store): list with a sample, replay one or all, purge, and the 400/404/409/503 answers.
#include "services/gateway/dead_letters_api.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "adapters/inproc_bus/inproc_bus.hpp"
#include "adapters/sqlite/queue_store.hpp"
#include "messaging/one_at_a_time.hpp"
#include "ports/unavailable.hpp"
#include "services/gateway/gateway.hpp"
#include "unit/services/gateway/gateway_parts.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/eventually.hpp"

namespace st::services::gateway {
namespace {

namespace bhttp = http::bhttp;
using nlohmann::json;
using ports::Disposition;

struct Answer {
  unsigned status;
  json body;
};

class DeadLettersApiTest : public ::testing::Test, protected GatewayParts {
 protected:
  DeadLettersApiTest() {
    auto dead_letter_bad = [this](const ports::Delivery& d) {
      ++delivered;
      return d.event_id.starts_with("bad") && !healed ? Disposition::dead_letter : Disposition::ack;
    };
    bus.subscribe({"categorizer", {"ticket.created"}, true, 5, 8},
                  messaging::one_at_a_time(dead_letter_bad));
    bus.subscribe(
        {"gateway", {"ticket.#"}, false, 5, 8},
        messaging::one_at_a_time([](const ports::Delivery&) { return Disposition::dead_letter; }));
    bus.start();
    bus.publish({{"ticket.created", "bad1", "{}", ""},
                 {"ticket.created", "good", "{}", ""},
                 {"ticket.created", "bad2", "{}", ""}});
    EXPECT_TRUE(testing_support::eventually([&] {
      return bus.dead_letter_count("categorizer") == 2 && bus.dead_letter_count("gateway") == 3;
    }));
    gateway.register_routes(router);
  }

  Answer call(bhttp::verb method, const std::string& target) {
    const http::Request req{method, target, 11};
    const auto res = testing_support::dispatch(router, req);
    return {res.result_int(), json::parse(res.body(), nullptr, false)};
  }

  adapters::sqlite::SqliteQueueStore queue_store{db};
  std::atomic<int> delivered{0};  // before the bus, whose workers use them
  std::atomic<bool> healed{false};
  adapters::inproc::InProcBus bus{queue_store};
  Gateway gateway{{.access = {.enabled = false}},
                  upstreams(),
                  stores(),
                  {&bus, {"categorizer", "gateway"}, &bus, {"categorizer"}}};
  http::Router router;
};

TEST_F(DeadLettersApiTest, ListShowsEachQueuesCountOldestAndSample) {
  const auto a = call(bhttp::verb::get, "/api/admin/dead-letters?sample=1");
  ASSERT_EQ(a.status, 200u) << a.body.dump();
  EXPECT_EQ(a.body["success"], true);
  EXPECT_EQ(a.body["total"], 5);
  ASSERT_EQ(a.body["queues"].size(), 2u);
  const auto& q = a.body["queues"][0];
  EXPECT_EQ(q["queue"], "categorizer");
  EXPECT_EQ(q["count"], 2);
  EXPECT_TRUE(q["oldest_at"].is_string());
  ASSERT_EQ(q["sample"].size(), 1u);
  const auto& s = q["sample"][0];
  EXPECT_EQ(s["event_id"], "bad1");
  EXPECT_EQ(s["event_type"], "ticket.created");
  EXPECT_EQ(s["reason"], "rejected by the consumer");
  EXPECT_EQ(s["attempts"], 1);
  EXPECT_EQ(s["dead_lettered_at"], q["oldest_at"]);
  EXPECT_EQ(a.body["queues"][1]["queue"], "gateway");
  EXPECT_EQ(a.body["queues"][1]["count"], 3);
  EXPECT_EQ(a.body["queues"][1]["sample"].size(), 1u);

  const auto by_default = call(bhttp::verb::get, "/api/admin/dead-letters");
  EXPECT_EQ(by_default.body["queues"][1]["sample"].size(), 3u) << "up to 5 by default";
}

TEST_F(DeadLettersApiTest, ABadSampleIs400) {
  for (const char* bad : {"abc", "-1", "101", "", "5x"}) {
    const auto a = call(bhttp::verb::get, std::string("/api/admin/dead-letters?sample=") + bad);
    EXPECT_EQ(a.status, 400u) << bad;
    EXPECT_EQ(a.body["field"], "sample") << bad;
  }
}

TEST_F(DeadLettersApiTest, ReplayOneEventThenTheRest) {
  healed = true;
  const auto one =
      call(bhttp::verb::post, "/api/admin/dead-letters/categorizer/replay?event_id=bad2");
  ASSERT_EQ(one.status, 200u) << one.body.dump();
  EXPECT_EQ(one.body["replayed"], 1);
  EXPECT_TRUE(testing_support::eventually([&] { return delivered == 4; }));
  EXPECT_EQ(bus.dead_letter_count("categorizer"), 1u);

  const auto rest = call(bhttp::verb::post, "/api/admin/dead-letters/categorizer/replay");
  EXPECT_EQ(rest.body["replayed"], 1);
  EXPECT_TRUE(testing_support::eventually([&] { return delivered == 5; }));
  EXPECT_EQ(bus.dead_letter_count("categorizer"), 0u);
  const auto none_left = call(bhttp::verb::post, "/api/admin/dead-letters/categorizer/replay");
  EXPECT_EQ(none_left.body["replayed"], 0);
}

TEST_F(DeadLettersApiTest, UnknownQueueIs404AndATransientQueueIsNotReplayed) {
  EXPECT_EQ(call(bhttp::verb::post, "/api/admin/dead-letters/nope/replay").status, 404u);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/admin/dead-letters/nope").status, 404u);
  EXPECT_EQ(call(bhttp::verb::post, "/api/admin/dead-letters/gateway/replay").status, 409u);
  EXPECT_EQ(call(bhttp::verb::post, "/api/admin/dead-letters/categorizer/replay?event_id=").status,
            400u);
  EXPECT_EQ(bus.dead_letter_count("gateway"), 3u) << "nothing changed";
}

TEST_F(DeadLettersApiTest, PurgeDropsOneQueuesDeadLetters) {
  const auto a = call(bhttp::verb::delete_, "/api/admin/dead-letters/gateway");
  ASSERT_EQ(a.status, 200u) << a.body.dump();
  EXPECT_EQ(a.body["purged"], 3);
  EXPECT_EQ(bus.dead_letter_count("gateway"), 0u);
  EXPECT_EQ(bus.dead_letter_count("categorizer"), 2u);
}

class DownAdmin final : public ports::DeadLetterAdmin {
 public:
  ports::DeadLetterReport report(const std::string&, std::size_t) override {
    throw ports::Unavailable("broker down");
  }
  std::size_t replay(const std::string&, const std::optional<std::string>&) override {
    throw ports::Unavailable("broker down");
  }
  std::size_t purge(const std::string&) override { throw ports::Unavailable("broker down"); }
};

TEST(DeadLettersApiDown, AnUnreachableBackendIs503) {
  DownAdmin admin;
  DeadLettersApi api(admin, {"categorizer"}, {"categorizer"});
  http::Router router;
  router.route_async(bhttp::verb::get, "/x",
                     [&](http::RequestContext& ctx) -> http::asio::awaitable<http::Response> {
                       co_return api.list(ctx);
                     });
  const http::Request req{bhttp::verb::get, "/x", 11};
  EXPECT_EQ(testing_support::dispatch(router, req).result_int(), 503u);
}

}  // namespace
}  // namespace st::services::gateway
