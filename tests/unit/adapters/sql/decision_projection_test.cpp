#include "adapters/sql/decision_projection.hpp"

#include <gtest/gtest.h>

#include "domain/event_payloads.hpp"

namespace st::adapters::sql {
namespace {

namespace payload = domain::payload;
using domain::CategorizedBy;
using domain::Event;

Event event(domain::EventPayload p, domain::Millis at) {
  Event e;
  e.event_id = "e" + std::to_string(at);
  e.occurred_at = at;
  e.ticket.id = 7;
  e.payload = std::move(p);
  return e;
}

Event decision(domain::Millis at, const std::string& department, int confidence,
               CategorizedBy by = CategorizedBy::model) {
  return event(payload::Routed{department, confidence, by, 1, false}, at);
}

TEST(DecisionProjection, OtherEventsLeaveNoRow) {
  EXPECT_FALSE(apply_decision_event(std::nullopt, event(payload::Created{}, 1)));
  EXPECT_FALSE(apply_decision_event(std::nullopt,
                                    event(payload::StatusUpdated{domain::Status::resolved}, 1)));
  EXPECT_FALSE(concerns_decisions(event(payload::Created{}, 1)));
}

TEST(DecisionProjection, AStrategysRoutingIsTheDecision) {
  const auto row = apply_decision_event(std::nullopt, decision(10, "HR", 64));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->ticket_id, 7);
  EXPECT_EQ(row->decided_by, "model");
  EXPECT_EQ(row->department, "HR");
  EXPECT_EQ(row->confidence_score, 64);
  EXPECT_EQ(row->decided_at, 10);
  EXPECT_FALSE(row->verdict_department);
}

TEST(DecisionProjection, TheEarliestDecisionStandsWhicheverArrivesFirst) {
  const auto first = decision(10, "HR", 64);
  const auto later = decision(20, "Finance", 90, CategorizedBy::keywords);
  const auto a = apply_decision_event(apply_decision_event(std::nullopt, first), later);
  const auto b = apply_decision_event(apply_decision_event(std::nullopt, later), first);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->department, "HR");
  EXPECT_EQ(apply_decision_event(a, first), a) << "a repeat changes nothing";
}

TEST(DecisionProjection, PeoplesRoutingsAreVerdictsNotDecisions) {
  // An agent's reroute, a manual routing, a review: each a verdict; none a decision.
  const std::vector<Event> verdicts{
      event(payload::Routed{"Finance", 100, CategorizedBy::manual, 2, true}, 30),
      event(payload::Routed{"Finance", 100, CategorizedBy::manual, 3, false}, 31),
      event(payload::DepartmentUpdated{"Finance", "HR", 100, CategorizedBy::manual}, 32),
      event(payload::Reviewed{"Finance", false, "HR", CategorizedBy::model, 64, true}, 33)};
  for (const auto& v : verdicts) {
    const auto row = apply_decision_event(std::nullopt, v);
    ASSERT_TRUE(row);
    EXPECT_FALSE(row->decided_by);
    EXPECT_EQ(row->verdict_department, "Finance");
    EXPECT_EQ(row->verdict_at, v.occurred_at);
  }
  // A strategy's department update (not a person's) says nothing about the decision.
  EXPECT_FALSE(concerns_decisions(
      event(payload::DepartmentUpdated{"HR", "Finance", 80, CategorizedBy::claude}, 5)));
}

TEST(DecisionProjection, TheLatestVerdictStandsWhicheverArrivesFirst) {
  const auto corrected = event(payload::Reviewed{"Finance", false, "HR"}, 30);
  const auto back = event(payload::Routed{"HR", 100, CategorizedBy::manual, 4, true}, 40);
  const auto start = apply_decision_event(std::nullopt, decision(10, "HR", 64));
  const auto a = apply_decision_event(apply_decision_event(start, corrected), back);
  const auto b = apply_decision_event(apply_decision_event(start, back), corrected);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->verdict_department, "HR");
  EXPECT_EQ(a->verdict_at, 40);
}

}  // namespace
}  // namespace st::adapters::sql
