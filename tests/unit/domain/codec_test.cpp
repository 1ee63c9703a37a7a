#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "domain/codec.hpp"

namespace st::domain {
namespace {

using nlohmann::json;

Ticket routed_ticket() {
  Ticket t;
  t.id = 7;
  t.title = "Laptop will not boot";
  t.description = "Blue screen \"again\" <b>bold</b> '); DROP TABLE tickets;-- \xF0\x9F\x94\xA5";
  t.user_name = "Ann Lee";
  t.user_email = "ann@example.com";
  t.language = "en";
  t.department = "IT Support";
  t.confidence_score = 92;
  t.categorized_by = CategorizedBy::claude;
  t.status = Status::in_progress;
  t.created_at = 1795636295000;  // whole seconds: the API shows seconds only
  t.updated_at = 1795636300000;
  return t;
}

Ticket pending_ticket() {
  Ticket t = routed_ticket();
  t.department.reset();
  t.confidence_score.reset();
  t.categorized_by.reset();
  t.status = Status::pending;
  return t;
}

TEST(TicketCodec, HasTheContractShape) {
  const json j = to_json(routed_ticket());
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["department"], "IT Support");
  EXPECT_EQ(j["confidence_score"], 92);
  EXPECT_EQ(j["categorized_by"], "claude");
  EXPECT_EQ(j["status"], "in_progress");
  EXPECT_EQ(j["created_at"], "2026-11-25T19:51:35Z");
  EXPECT_EQ(j["updated_at"], "2026-11-25T19:51:40Z");
  EXPECT_EQ(j["language"], "en");
  EXPECT_EQ(j["priority"], "normal");
  EXPECT_TRUE(j["assignee"].is_null());
  EXPECT_EQ(j["needs_review"], false);
  EXPECT_EQ(j.size(), 15u);
}

TEST(TicketCodec, TheReviewFlagRoundTripsAndAMissingOneReadsAsFalse) {
  Ticket t = routed_ticket();
  t.needs_review = true;
  json j = to_json(t);
  EXPECT_EQ(j["needs_review"], true);
  EXPECT_EQ(ticket_from_json(j), t);
  j.erase("needs_review");  // a snapshot written before the review queue
  EXPECT_FALSE(ticket_from_json(j).needs_review);
}

TEST(TicketCodec, AnUndeterminedLanguageIsNullAndAMissingOneReadsAsUnset) {
  Ticket t = routed_ticket();
  t.language.reset();
  json j = to_json(t);
  EXPECT_TRUE(j["language"].is_null());
  EXPECT_EQ(ticket_from_json(j), t);
  j.erase("language");  // a ticket written before languages were detected
  EXPECT_EQ(ticket_from_json(j).language, std::nullopt);
}

TEST(TicketCodec, UnroutedFieldsAreNull) {
  const json j = to_json(pending_ticket());
  EXPECT_TRUE(j["department"].is_null());
  EXPECT_TRUE(j["confidence_score"].is_null());
  EXPECT_TRUE(j["categorized_by"].is_null());
  EXPECT_EQ(j["status"], "pending");
}

TEST(TicketCodec, RoundTrips) {
  for (const Ticket& t : {routed_ticket(), pending_ticket()}) {
    EXPECT_EQ(ticket_from_json(to_json(t)), t);
    EXPECT_EQ(ticket_from_json(json::parse(to_json(t).dump())), t);  // through text too
  }
  for (CategorizedBy c : kAllCategorizers) {
    Ticket t = routed_ticket();
    t.categorized_by = c;
    EXPECT_EQ(ticket_from_json(to_json(t)).categorized_by, c);
  }
  for (Status s : kAllStatuses) {
    Ticket t = routed_ticket();
    t.status = s;
    EXPECT_EQ(ticket_from_json(to_json(t)).status, s);
  }
}

TEST(TicketCodec, RejectsMalformedTickets) {
  const json good = to_json(routed_ticket());
  const std::vector<std::function<void(json&)>> breakers{
      [](json& j) { j = json::array(); },
      [](json& j) { j.erase("id"); },
      [](json& j) { j["id"] = "7"; },
      [](json& j) { j["id"] = 7.5; },
      [](json& j) { j.erase("title"); },
      [](json& j) { j["description"] = nullptr; },
      [](json& j) { j["user_email"] = 1; },
      [](json& j) { j["status"] = "closed"; },
      [](json& j) { j.erase("status"); },
      [](json& j) { j["created_at"] = "yesterday"; },
      [](json& j) { j["updated_at"] = 1795636300; },
  };
  for (std::size_t i = 0; i < breakers.size(); ++i) {
    json j = good;
    breakers[i](j);
    EXPECT_THROW(ticket_from_json(j), CodecError) << "case " << i << ": " << j.dump();
  }
}

TEST(DepartmentCodec, HasTheContractShape) {
  const Department d{3, "Legal", "Contracts and NDAs", false, 1795636295000};
  const json j = to_json(d);
  EXPECT_EQ(j, (json{{"id", 3},
                     {"name", "Legal"},
                     {"description", "Contracts and NDAs"},
                     {"is_active", false},
                     {"created_at", "2026-11-25T19:51:35Z"},
                     {"review_below_confidence", nullptr}}));
  const Department own{3, "Legal", "Contracts and NDAs", false, 1795636295000, 75};
  EXPECT_EQ(to_json(own)["review_below_confidence"], 75);
}

Event sample_event() {
  Event e;
  e.event_id = "0f8c1a52-3c2e-4f4a-9b1d-2a6c8e0d7f31";
  e.occurred_at = 1795636295123;  // milliseconds survive through occurred_at_ms
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.ticket = routed_ticket();
  e.payload = payload::Routed{"IT Support", 92, CategorizedBy::claude, 41, false};
  return e;
}

void expect_same(const Event& a, const Event& b) {
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_EQ(a.type(), b.type());
  EXPECT_EQ(a.occurred_at, b.occurred_at);
  EXPECT_EQ(a.trace_id, b.trace_id);
  EXPECT_EQ(a.ticket, b.ticket);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.actor, b.actor);
}

TEST(EventCodec, HasTheWireShape) {
  const json j = to_json(sample_event());
  EXPECT_EQ(j["event_type"], "ticket.routed");
  EXPECT_EQ(j["occurred_at"], "2026-11-25T19:51:35Z");
  EXPECT_EQ(j["occurred_at_ms"], 1795636295123);
  EXPECT_EQ(j["ticket"]["id"], 7);
  EXPECT_EQ(j["data"]["confidence_score"], 92);
  EXPECT_EQ(j["schema_version"], 1);
}

TEST(EventCodec, RoundTripsEveryType) {
  const std::vector<EventPayload> payloads{
      payload::Created{},
      payload::Categorized{"HR", 40, CategorizedBy::model, "", "m1"},
      payload::Routed{"IT Support", 92, CategorizedBy::claude, 41, false},
      payload::StatusUpdated{Status::resolved, Status::in_progress},
      payload::DepartmentUpdated{"Finance", "HR", 100, CategorizedBy::manual},
      payload::PriorityUpdated{domain::Priority::urgent, domain::Priority::normal},
      payload::Assigned{"0123456789abcdef", "Kim Agent", std::nullopt, "routed"},
      payload::Commented{12, false},
      payload::Reviewed{"Finance", false, "HR", CategorizedBy::keywords, 41, true},
      payload::SlaMet{SlaClock::resolution, 1795636295000, 1795636200000, Priority::urgent},
      payload::SlaBreached{SlaClock::first_response, 1795636295000, Priority::normal,
                           Escalation::notify},
  };
  ASSERT_EQ(payloads.size(), kAllEventTypes.size());
  for (const auto& p : payloads) {
    Event e = sample_event();
    e.payload = p;
    expect_same(parse_event(serialize(e)), e);
    expect_same(event_from_json(to_json(e)), e);
  }
}

TEST(EventCodec, CarriesItsActor) {
  Event e = sample_event();
  e.actor = {domain::Actor::Type::key, "0123456789abcdef", "Alex Agent", domain::Role::agent};
  const json j = to_json(e);
  EXPECT_EQ(
      j["actor"],
      (json{
          {"type", "key"}, {"id", "0123456789abcdef"}, {"name", "Alex Agent"}, {"role", "agent"}}));
  expect_same(parse_event(serialize(e)), e);
  e.actor = domain::Actor::anonymous();
  EXPECT_EQ(to_json(e)["actor"],
            (json{{"type", "anonymous"}, {"id", nullptr}, {"name", nullptr}, {"role", nullptr}}));
  expect_same(parse_event(serialize(e)), e);
}

TEST(EventCodec, AMessageWithoutAReadableActorWasThePipelines) {
  json j = to_json(sample_event());
  j.erase("actor");  // written before actors existed
  EXPECT_EQ(event_from_json(j).actor, domain::Actor::system());
  for (const json& odd : {json(42), json("agent"), json{{"type", 7}}, json{{"type", "root"}}}) {
    j["actor"] = odd;
    EXPECT_EQ(event_from_json(j).actor, domain::Actor::system()) << odd;
  }
}

TEST(EventCodec, OptionalPartsMayBeAbsent) {
  json j = to_json(sample_event());
  j.erase("occurred_at_ms");  // a producer that only writes the contract's field
  j.erase("trace_id");
  j["event_type"] = "ticket.created";
  j.erase("data");  // ticket.created has nothing in it
  const Event e = event_from_json(j);
  EXPECT_EQ(e.occurred_at, 1795636295000);
  EXPECT_EQ(e.trace_id, "");
  EXPECT_EQ(e.payload, EventPayload(payload::Created{}));
}

TEST(EventCodec, ParseEventRejectsMalformedBodies) {
  const json good = to_json(sample_event());
  const auto without = [&](const char* key) {
    json j = good;
    j.erase(key);
    return j.dump();
  };
  const auto with = [&](const char* key, json value) {
    json j = good;
    j[key] = std::move(value);
    return j.dump();
  };
  json bad_ticket = good;
  bad_ticket["ticket"].erase("status");
  json no_time = good;
  no_time.erase("occurred_at_ms");
  no_time["occurred_at"] = "soon";
  const std::vector<std::string> bodies{
      "",
      "not json",
      "{\"event_id\":",
      "[]",
      "42",
      "null",
      without("event_id"),
      with("event_id", ""),
      with("event_id", 5),
      without("event_type"),
      with("event_type", "ticket.deleted"),
      with("event_type", nullptr),
      no_time.dump(),
      without("ticket"),
      with("ticket", "7"),
      bad_ticket.dump(),
      without("data"),  // a ticket.routed says where to
      with("data", json::array()),
      with("schema_version", 0),
      with("schema_version", "1"),
  };
  for (const std::string& body : bodies) EXPECT_THROW(parse_event(body), CodecError) << body;
}

TEST(EventCodec, ExactMillisecondsWinOverTheReadableTime) {
  json j = to_json(sample_event());
  j["occurred_at"] = "soon";  // not consulted when occurred_at_ms is present
  EXPECT_EQ(parse_event(j.dump()).occurred_at, 1795636295123);
  j["occurred_at"] = "2026-11-25T19:51:35Z";
  j["occurred_at_ms"] = "soon";  // not an integer: the readable time is used
  EXPECT_EQ(parse_event(j.dump()).occurred_at, 1795636295000);
}

}  // namespace
}  // namespace st::domain
