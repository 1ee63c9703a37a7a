// GET /api/events/stream: Server-Sent Events, one `data:` line of JSON per pipeline event.
#include <set>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class EventStream : public SharedServerTest {
 protected:
  // The ticket id an event is about: the contract's body carries ticket.id.
  static std::int64_t ticket_of(const json& e) {
    if (e.contains("ticket") && e["ticket"].is_object() && e["ticket"].contains("id") &&
        e["ticket"]["id"].is_number_integer()) {
      return e["ticket"]["id"].get<std::int64_t>();
    }
    return -1;
  }

  // Reads events until every type in `wanted` was seen for ticket `id` (or the deadline).
  std::set<std::string> collect(SseStream& sse, std::int64_t id,
                                const std::set<std::string>& wanted,
                                std::chrono::steady_clock::time_point deadline) {
    std::set<std::string> seen;
    while (seen != wanted) {
      const auto data = sse.next_data(deadline);
      if (!data) break;
      const json e = json::parse(*data, nullptr, false);
      if (e.is_discarded()) {
        ADD_FAILURE() << "SSE data is not JSON: " << *data;
        continue;
      }
      if (ticket_of(e) != id) continue;
      EXPECT_TRUE(e.contains("event_id") && e["event_id"].is_string()) << e.dump();
      EXPECT_TRUE(is_iso8601_utc(e.value("occurred_at", json()))) << e.dump();
      const std::string type = e.value("event_type", "");
      if (wanted.count(type)) seen.insert(type);
    }
    return seen;
  }
};

TEST_F(EventStream, StreamsTheEventsOfANewTicket) {
  std::unique_ptr<SseStream> sse;
  try {
    sse = std::make_unique<SseStream>(target().host, target().port, "/api/events/stream", 10s,
                                      bearer(suite_key(shared_process())));
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  ASSERT_EQ(sse->status(), 200);
  EXPECT_EQ(sse->header("Content-Type").rfind("text/event-stream", 0), 0u)
      << sse->header("Content-Type");

  const auto& s = sample_for("HR");
  const json t = create_routed(http(), ticket_body(s.title, s.description));
  ASSERT_TRUE(t.is_object());
  const auto id = t["id"].get<std::int64_t>();
  const std::set<std::string> pipeline{"ticket.created", "ticket.categorized", "ticket.routed"};
  EXPECT_EQ(collect(*sse, id, pipeline, std::chrono::steady_clock::now() + 10s), pipeline);

  ASSERT_TRUE(IsSuccess(
      http().put_json("/api/tickets/" + std::to_string(id) + "/status", {{"status", "resolved"}}),
      200));
  const std::set<std::string> status{"ticket.status.updated"};
  EXPECT_EQ(collect(*sse, id, status, std::chrono::steady_clock::now() + 10s), status);
}

TEST_F(EventStream, EverySubscriberGetsTheEvents) {
  std::unique_ptr<SseStream> a;
  std::unique_ptr<SseStream> b;
  try {
    a = std::make_unique<SseStream>(target().host, target().port, "/api/events/stream", 10s,
                                    bearer(suite_key(shared_process())));
    b = std::make_unique<SseStream>(target().host, target().port, "/api/events/stream", 10s,
                                    bearer(suite_key(shared_process())));
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  const auto& s = sample_for("Finance");
  const Response r = create_ticket(http(), ticket_body(s.title, s.description), /*async=*/true);
  ASSERT_TRUE(IsSuccess(r, 202));
  const auto id = r.json["ticket_id"].get<std::int64_t>();
  const std::set<std::string> routed{"ticket.routed"};
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  EXPECT_EQ(collect(*a, id, routed, deadline), routed);
  EXPECT_EQ(collect(*b, id, routed, deadline), routed);
  // Other requests keep working while streams are open.
  EXPECT_TRUE(IsSuccess(http().get("/api/statuses"), 200));
}

}  // namespace
}  // namespace st::e2e
