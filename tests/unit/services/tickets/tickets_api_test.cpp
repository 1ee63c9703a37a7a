// The tickets service's HTTP surface on SQLite: a text search past its time budget answers
// 503 search_timeout with a message that says to narrow it; the gateway's create key makes
// one ticket per key and a malformed one is refused; a new ticket's language is detected and
// filtered by.
#include "services/tickets/tickets_api.hpp"

#include <gtest/gtest.h>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "ports/clock.hpp"
#include "services/common/actor_header.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::tickets {
namespace {

using nlohmann::json;

TEST(TicketsApi, ASearchPastItsBudgetIs503SearchTimeoutAskingToNarrowIt) {
  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  // Enough text that reading it all takes far longer than a millisecond.
  const std::string description(2000, 'x');
  for (int b = 0; b < 40; ++b) {
    std::vector<ports::TicketCreate> batch;
    for (int i = 0; i < 500; ++i)
      batch.emplace_back(domain::NewTicket{"Printer", description, "Ann", "ann@example.com"},
                         nullptr);
    store.create_batch(batch, clock.now());
  }
  TicketsService service{store, clock};
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(1));

  const http::Request search{http::bhttp::verb::get, "/api/tickets?q=zq", 11};
  const auto res = testing_support::dispatch(router, search);
  EXPECT_EQ(res.result_int(), 503);
  const auto body = json::parse(res.body());
  EXPECT_EQ(body["code"], "search_timeout");
  EXPECT_NE(body["error"].get<std::string>().find("narrow"), std::string::npos);

  // A list without text has no budget to run out of.
  const http::Request list{http::bhttp::verb::get, "/api/tickets", 11};
  EXPECT_EQ(testing_support::dispatch(router, list).result_int(), 200);
  service.stop();
}

http::Request create_request(std::string_view create_key) {
  http::Request req{http::bhttp::verb::post, "/api/tickets", 11};
  req.set(http::bhttp::field::content_type, "application/json");
  if (!create_key.empty()) req.set(kCreateKeyHeader, create_key);
  req.body() = json{{"title", "Printer jam"},
                    {"description", "The printer on floor 2 jams on every page"},
                    {"user_name", "Ann"},
                    {"user_email", "ann@example.com"}}
                   .dump();
  req.prepare_payload();
  return req;
}

TEST(TicketsApi, OneTicketPerCreateKeyAndAMalformedKeyIs400) {
  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  TicketsService service{store, clock};
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(0));

  const std::string key(64, 'c');
  const auto first = testing_support::dispatch(router, create_request(key));
  const auto again = testing_support::dispatch(router, create_request(key));
  const auto keyless = testing_support::dispatch(router, create_request(""));
  ASSERT_EQ(first.result_int(), 201) << first.body();
  ASSERT_EQ(again.result_int(), 201) << again.body();
  EXPECT_EQ(json::parse(again.body())["ticket_id"], json::parse(first.body())["ticket_id"]);
  EXPECT_NE(json::parse(keyless.body())["ticket_id"], json::parse(first.body())["ticket_id"]);

  for (const std::string& bad : {std::string(63, 'c'), std::string(64, 'C'), std::string(65, 'c'),
                                 std::string(60, 'c') + "zzzz"}) {
    const auto res = testing_support::dispatch(router, create_request(bad));
    EXPECT_EQ(res.result_int(), 400) << bad;
  }
  EXPECT_EQ(store.list({}).size(), 2u) << "refused creates store nothing";
  service.stop();
}

// A tickets service on a real SQLite file with its routes.
struct PriorityFixture {
  PriorityFixture() { register_routes(router, service, std::chrono::milliseconds(0)); }
  ~PriorityFixture() { service.stop(); }

  domain::Ticket create(const std::string& title) {
    return service.create({title, "Something happened here", "Ann", "ann@example.com"}, "");
  }
  http::Response put_priority(const std::string& id, const json& body) {
    http::Request req{http::bhttp::verb::put, "/api/tickets/" + id + "/priority", 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(kActorHeader, R"({"type":"key","id":"k1","name":"Alex Agent","role":"agent"})");
    req.body() = body.dump();
    req.prepare_payload();
    return testing_support::dispatch(router, req);
  }
  json get_list(const std::string& query) {
    const http::Request req{http::bhttp::verb::get, "/api/tickets" + query, 11};
    const auto res = testing_support::dispatch(router, req);
    EXPECT_EQ(res.result_int(), 200) << query << " " << res.body();
    return json::parse(res.body());
  }
  std::vector<domain::Event> outbox_events() {
    std::vector<domain::Event> out;
    store.relay(1000, [&](const std::vector<ports::OutboxMessage>& batch) {
      for (const auto& m : batch) out.push_back(domain::parse_event(m.body));
    });
    return out;
  }

  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  TicketsService service{store, clock};
  http::Router router;
};

std::vector<std::int64_t> ids_of(const json& page) {
  std::vector<std::int64_t> out;
  for (const auto& t : page["tickets"]) out.push_back(t["id"].get<std::int64_t>());
  return out;
}

http::Response post_decisions(PriorityFixture& f, const json& decisions) {
  http::Request req{http::bhttp::verb::post, "/internal/tickets/departments", 11};
  req.set(http::bhttp::field::content_type, "application/json");
  req.body() = json{{"decisions", decisions}}.dump();
  req.prepare_payload();
  return testing_support::dispatch(f.router, req);
}

TEST(TicketsApi, ARoutingsExplanationIsStoredAndOneTicketsReadReturnsIt) {
  PriorityFixture f;
  const auto t = f.create("VPN drops");
  const auto id = std::to_string(t.id);
  const http::Request get{http::bhttp::verb::get, "/api/tickets/" + id, 11};
  // Not routed yet: null.
  auto read = json::parse(testing_support::dispatch(f.router, get).body());
  ASSERT_TRUE(read["ticket"].contains("explanation"));
  EXPECT_TRUE(read["ticket"]["explanation"].is_null());

  const json why{{"decided_by", "keywords"},
                 {"version", "keyword-rules-2"},
                 {"candidates", json::array({{{"department", "IT Support"}, {"confidence", 77}},
                                             {{"department", "HR"}, {"confidence", 12}}})},
                 {"evidence", json::array({"rule \"vpn\" -> IT Support"})}};
  const auto routed = post_decisions(f, json::array({{{"ticket_id", t.id},
                                                      {"department", "IT Support"},
                                                      {"confidence_score", 77},
                                                      {"categorized_by", "keywords"},
                                                      {"explanation", why}}}));
  ASSERT_EQ(routed.result_int(), 200) << routed.body();
  read = json::parse(testing_support::dispatch(f.router, get).body());
  EXPECT_EQ(read["ticket"]["explanation"], why) << read.dump();
  // Lists do not carry it.
  EXPECT_FALSE(f.get_list("")["tickets"][0].contains("explanation"));

  // A routing instance older than explanations sends none: the ticket keeps its own.
  ASSERT_EQ(post_decisions(f, json::array({{{"ticket_id", t.id},
                                            {"department", "IT Support"},
                                            {"confidence_score", 78},
                                            {"categorized_by", "keywords"}}}))
                .result_int(),
            200);
  read = json::parse(testing_support::dispatch(f.router, get).body());
  EXPECT_EQ(read["ticket"]["explanation"], why);
  // One of the wrong shape is refused, naming the field.
  const auto bad = post_decisions(f, json::array({{{"ticket_id", t.id},
                                                   {"department", "HR"},
                                                   {"confidence_score", 50},
                                                   {"categorized_by", "keywords"},
                                                   {"explanation", {{"decided_by", "oracle"}}}}}));
  EXPECT_EQ(bad.result_int(), 400) << bad.body();
}

TEST(TicketsApi, PutPriorityChangesItAndAnnouncesWhoDid) {
  PriorityFixture f;
  const auto t = f.create("VPN drops");
  EXPECT_EQ(domain::to_json(t)["priority"], "normal");
  f.outbox_events();  // the ticket.created

  const auto res = f.put_priority(std::to_string(t.id), {{"priority", "high"}});
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(json::parse(res.body())["ticket"]["priority"], "high");
  EXPECT_EQ(f.service.get(t.id)->priority, domain::Priority::high);
  const auto events = f.outbox_events();
  ASSERT_EQ(events.size(), 1u);
  const auto* change = events[0].payload_as<domain::payload::PriorityUpdated>();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->priority, domain::Priority::high);
  EXPECT_EQ(change->previous_priority, domain::Priority::normal);
  EXPECT_EQ(events[0].actor.name, "Alex Agent");

  // The same priority again changes nothing and announces nothing.
  EXPECT_EQ(f.put_priority(std::to_string(t.id), {{"priority", "high"}}).result_int(), 200);
  EXPECT_TRUE(f.outbox_events().empty());
}

TEST(TicketsApi, PutPriorityRefusesAnUnknownValueAndAnUnknownTicket) {
  PriorityFixture f;
  const auto t = f.create("VPN drops");
  for (const json& body : {json{{"priority", "critical"}}, json{{"priority", 3}}, json::object()}) {
    const auto res = f.put_priority(std::to_string(t.id), body);
    EXPECT_EQ(res.result_int(), 400) << body;
    EXPECT_EQ(json::parse(res.body())["field"], "priority") << res.body();
  }
  EXPECT_EQ(f.service.get(t.id)->priority, domain::Priority::normal);
  EXPECT_EQ(f.put_priority("999", {{"priority", "low"}}).result_int(), 404);
}

TEST(TicketsApi, ListFiltersByRepeatedPriorityAndSortsByPriorityAcrossPages) {
  PriorityFixture f;
  const std::vector<const char*> given{"low", "urgent", "normal", "high", "urgent", "normal"};
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto t = f.create("Ticket " + std::to_string(i + 1));
    ASSERT_EQ(f.put_priority(std::to_string(t.id), {{"priority", given[i]}}).result_int(), 200);
  }
  EXPECT_EQ(ids_of(f.get_list("?priority=urgent")), (std::vector<std::int64_t>{5, 2}));
  EXPECT_EQ(ids_of(f.get_list("?priority=high&priority=urgent")),
            (std::vector<std::int64_t>{5, 4, 2}));
  EXPECT_EQ(ids_of(f.get_list("?priority=high,low")), (std::vector<std::int64_t>{4, 1}));

  // Most urgent first, then newest, in pages of 2 that follow next_cursor.
  std::vector<std::int64_t> seen;
  std::string query = "?sort=priority&limit=2";
  for (int page = 0; page < 5; ++page) {
    const auto body = f.get_list(query);
    for (auto id : ids_of(body)) seen.push_back(id);
    if (body["next_cursor"].is_null()) break;
    query = "?sort=priority&limit=2&cursor=" + body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 2, 4, 6, 3, 1}));

  for (const char* bad : {"?priority=critical", "?sort=oldest", "?priority="}) {
    const http::Request req{http::bhttp::verb::get, std::string("/api/tickets") + bad, 11};
    EXPECT_EQ(testing_support::dispatch(f.router, req).result_int(), 400) << bad;
  }
}

// Answers "xx" for any text with "xx" in it, nothing otherwise; remembers what it was asked.
class MarkerDetector final : public ports::LanguageDetector {
 public:
  std::optional<std::string> detect(std::string_view text) const override {
    asked = std::string(text);
    if (text.find("xx") == std::string_view::npos) return std::nullopt;
    return "xx";
  }
  mutable std::string asked;
};

TEST(TicketsApi, ANewTicketGetsTheLanguageDetectedInItsTitleAndDescription) {
  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  MarkerDetector detector;
  TicketsService service{store, clock, &detector};
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(0));

  const auto created = testing_support::dispatch(router, create_request(""));
  ASSERT_EQ(created.result_int(), 201) << created.body();
  EXPECT_EQ(detector.asked, "Printer jam\nThe printer on floor 2 jams on every page");
  EXPECT_TRUE(json::parse(created.body())["ticket"]["language"].is_null());

  const auto marked =
      service.create({"Printer xx", "The printer on floor 2 jams", "Ann", "ann@example.com"}, "");
  EXPECT_EQ(marked.language, "xx");
  const http::Request filtered{http::bhttp::verb::get, "/api/tickets?language=xx", 11};
  const auto listed = json::parse(testing_support::dispatch(router, filtered).body());
  ASSERT_EQ(listed["tickets"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["tickets"][0]["id"], marked.id);
  EXPECT_EQ(listed["tickets"][0]["language"], "xx");
  const http::Request bad{http::bhttp::verb::get, "/api/tickets?language=XX", 11};
  EXPECT_EQ(testing_support::dispatch(router, bad).result_int(), 400);
  service.stop();
}

}  // namespace
}  // namespace st::services::tickets
