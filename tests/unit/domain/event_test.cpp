#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "domain/event.hpp"

namespace st::domain {
namespace {

bool is_uuid(const std::string& s, char version) {
  static const std::regex kShape(
      "^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::smatch m;
  return std::regex_match(s, m, kShape) && m[1].str()[0] == version;
}

TEST(EventType, RoutingKeysRoundTrip) {
  std::set<std::string_view> keys;
  for (EventType t : kAllEventTypes) {
    EXPECT_EQ(parse_event_type(routing_key(t)), t);
    keys.insert(routing_key(t));
  }
  EXPECT_EQ(keys.size(), kAllEventTypes.size());
  EXPECT_EQ(routing_key(EventType::status_updated), "ticket.status.updated");
  EXPECT_EQ(routing_key(EventType::department_updated), "ticket.department.updated");
  EXPECT_EQ(routing_key(EventType::priority_updated), "ticket.priority.updated");
  EXPECT_EQ(parse_event_type("ticket.deleted"), std::nullopt);
  EXPECT_EQ(parse_event_type("TICKET.CREATED"), std::nullopt);
  EXPECT_EQ(parse_event_type(""), std::nullopt);
}

TEST(EventId, NewIdsAreVersion4UuidsAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = new_event_id();
    ASSERT_TRUE(is_uuid(id, '4')) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(EventId, DerivedIdsAreDeterministicUuids) {
  const std::string cause = new_event_id();
  const std::string a = derived_event_id(cause, "categorized");
  EXPECT_EQ(a, derived_event_id(cause, "categorized"));
  EXPECT_TRUE(is_uuid(a, '8')) << a;
  EXPECT_EQ(derived_event_id("fixed-cause", "routed"), derived_event_id("fixed-cause", "routed"));
}

TEST(EventId, DerivedIdsDifferPerPurposeAndPerCause) {
  const std::string cause = new_event_id();
  std::set<std::string> ids;
  for (const char* purpose : {"categorized", "routed", "status", "analytics", "", "routed2"})
    ids.insert(derived_event_id(cause, purpose));
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_NE(derived_event_id(cause, "routed"), derived_event_id(new_event_id(), "routed"));
  // The separator keeps "ab"+"c" apart from "a"+"bc", and cause/purpose are not symmetric.
  EXPECT_NE(derived_event_id("ab", "c"), derived_event_id("a", "bc"));
  EXPECT_NE(derived_event_id("x", "y"), derived_event_id("y", "x"));
  EXPECT_NE(derived_event_id(cause, "routed"), cause);
}

TEST(Event, MakeEventFillsEveryField) {
  Ticket t;
  t.id = 7;
  t.title = "Laptop";
  const payload::Routed routed{"IT Support", 90, CategorizedBy::claude, 3, false};
  const Event e = make_event(routed, t, 1795636295123, "trace-1");
  EXPECT_TRUE(is_uuid(e.event_id, '4'));
  EXPECT_EQ(e.type(), EventType::routed);
  EXPECT_EQ(e.occurred_at, 1795636295123);
  EXPECT_EQ(e.trace_id, "trace-1");
  EXPECT_EQ(e.ticket, t);
  ASSERT_TRUE(e.payload_as<payload::Routed>());
  EXPECT_EQ(*e.payload_as<payload::Routed>(), routed);
  EXPECT_EQ(e.payload_as<payload::Created>(), nullptr);
  EXPECT_NE(make_event(routed, t, 0, "").event_id, e.event_id);
  EXPECT_EQ(make_event(payload::Created{}, t, 0, "").type(), EventType::created);
}

}  // namespace
}  // namespace st::domain
