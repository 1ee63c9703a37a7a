// The routing service's review queue (issue 16 §3) on the real SQLite stores: which pipeline
// decisions are flagged needs_review (below the setting or a department's own threshold, or
// disputed by the learned model's second opinion), and what an agent's review does.
#include "services/routing/routing_service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "ports/clock.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::routing {
namespace {

using adapters::sqlite::test_support::drain;
using domain::Event;
using domain::Ticket;

ports::Delivery delivery(const Event& e) {
  return {"routing",  std::string(domain::routing_key(e.type())),
          e.event_id, domain::serialize(e),
          "",         1};
}

domain::Actor agent() {
  return {domain::Actor::Type::key, "k-1", "Pat Agent", domain::Role::agent};
}

class RoutingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { routing.initialize(); }
  ~RoutingServiceTest() override { tickets.stop(); }

  Ticket create(const std::string& title) {
    return tickets.create({title, "Something is broken, please help", "Ann Lee", "a@b.c"}, "t");
  }
  // Routes `t` as the pipeline would, from a ticket.categorized event.
  Ticket categorize(const Ticket& t, const std::string& department, int confidence,
                    domain::CategorizedBy by = domain::CategorizedBy::keywords,
                    std::optional<domain::Candidate> second_opinion = std::nullopt) {
    domain::payload::Categorized suggestion{department, confidence, by, "why"};
    suggestion.second_opinion = second_opinion;
    auto e = domain::make_event(suggestion, t, clock.now(), "trace");
    e.event_id = "cat-" + std::to_string(t.id);
    EXPECT_EQ(routing.on_categorized({delivery(e)}).at(0), ports::Disposition::ack);
    return *tickets.get(t.id);
  }
  // The events the tickets service emitted since the last call, of type `type`.
  std::vector<Event> emitted(domain::EventType type) {
    std::vector<Event> out;
    for (const auto& m : drain(ticket_store)) {
      auto e = domain::parse_event(m.body);
      if (e.type() == type) out.push_back(std::move(e));
    }
    return out;
  }

  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore ticket_store{db};
  adapters::sqlite::SqliteRoutingStore routing_store{db};
  tickets::TicketsService tickets{ticket_store, clock};
  RoutingService routing{routing_store, tickets, clock, 60};
};

TEST_F(RoutingServiceTest, ADecisionBelowTheThresholdIsRoutedAndFlagged) {
  const auto unsure = categorize(create("unsure"), "HR", 59);
  EXPECT_EQ(unsure.department, "HR");  // routed to the best guess all the same
  EXPECT_TRUE(unsure.needs_review);
  EXPECT_FALSE(categorize(create("sure"), "HR", 60).needs_review);
}

TEST_F(RoutingServiceTest, ADepartmentsOwnThresholdOverridesTheSetting) {
  ASSERT_TRUE(routing.set_review_threshold("Finance", 90));
  ASSERT_TRUE(routing.set_review_threshold("HR", 0));
  EXPECT_TRUE(categorize(create("finance"), "Finance", 89).needs_review);
  EXPECT_FALSE(categorize(create("hr"), "HR", 10).needs_review);
  ASSERT_TRUE(routing.set_review_threshold("Finance", std::nullopt));
  EXPECT_FALSE(categorize(create("finance again"), "Finance", 89).needs_review);
}

TEST_F(RoutingServiceTest, ASecondOpinionNamingAnotherDepartmentFlagsTheDecision) {
  using domain::CategorizedBy;
  EXPECT_TRUE(
      categorize(create("disputed"), "HR", 75, CategorizedBy::claude, domain::Candidate{"IT", 70})
          .needs_review);
  EXPECT_FALSE(
      categorize(create("agreed"), "HR", 75, CategorizedBy::claude, domain::Candidate{"HR", 70})
          .needs_review);
}

TEST_F(RoutingServiceTest, AReviewCorrectsClearsTheFlagAndIsAnnouncedWithItsReviewer) {
  const auto t = categorize(create("unsure"), "HR", 20);
  ASSERT_TRUE(t.needs_review);
  emitted(domain::EventType::reviewed);  // drains what routing caused so far
  drain(routing_store);

  const auto out = routing.review(t.id, "finance", agent(), "trace-r");
  ASSERT_FALSE(out.error);
  ASSERT_TRUE(out.ticket);
  EXPECT_EQ(out.ticket->department, "Finance");
  EXPECT_FALSE(out.ticket->needs_review);
  EXPECT_FALSE(tickets.get(t.id)->needs_review);

  const auto reviewed = emitted(domain::EventType::reviewed);
  ASSERT_EQ(reviewed.size(), 1u);
  const auto* p = reviewed[0].payload_as<domain::payload::Reviewed>();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->department, "Finance");
  EXPECT_EQ(p->previous_department, "HR");
  EXPECT_FALSE(p->confirmed);
  EXPECT_TRUE(p->was_flagged);
  EXPECT_EQ(p->decided_by, domain::CategorizedBy::keywords);
  EXPECT_EQ(p->confidence_score, 20);
  EXPECT_EQ(reviewed[0].actor, agent());

  // The answer is a human label: ticket.routed, rerouted, by the agent.
  const auto routed = drain(routing_store);
  ASSERT_EQ(routed.size(), 1u);
  const auto e = domain::parse_event(routed[0].body);
  ASSERT_TRUE(e.payload_as<domain::payload::Routed>());
  EXPECT_TRUE(e.payload_as<domain::payload::Routed>()->rerouted);
  EXPECT_TRUE(e.actor.is_staff());
}

TEST_F(RoutingServiceTest, AConfirmationKeepsTheDepartmentAndSaysSo) {
  const auto t = categorize(create("unsure"), "HR", 20);
  emitted(domain::EventType::reviewed);
  const auto out = routing.review(t.id, "HR", agent(), "trace-r");
  ASSERT_TRUE(out.ticket);
  EXPECT_EQ(out.ticket->department, "HR");
  EXPECT_FALSE(out.ticket->needs_review);
  const auto reviewed = emitted(domain::EventType::reviewed);
  ASSERT_EQ(reviewed.size(), 1u);
  EXPECT_TRUE(reviewed[0].payload_as<domain::payload::Reviewed>()->confirmed);
}

TEST_F(RoutingServiceTest, AReviewNamingAnUnknownOrInactiveDepartmentChangesNothing) {
  const auto t = categorize(create("unsure"), "HR", 20);
  ASSERT_TRUE(routing.update_department("Facilities", std::nullopt, false));
  EXPECT_EQ(routing.review(t.id, "Astrology", agent(), "t").error, RouteError::unknown_department);
  EXPECT_EQ(routing.review(t.id, "Facilities", agent(), "t").error,
            RouteError::inactive_department);
  EXPECT_EQ(*tickets.get(t.id), t);
  EXPECT_EQ(routing.review(999999, "HR", agent(), "t").error, RouteError::unknown_ticket);
}

TEST_F(RoutingServiceTest, AnAgentsRerouteIsNeverFlaggedAndClearsTheFlag) {
  const auto t = categorize(create("unsure"), "HR", 20);
  RouteRequest r;
  r.ticket_id = t.id;
  r.department = "IT Support";
  r.confidence = 10;  // however unsure the agent says they are
  r.categorized_by = domain::CategorizedBy::manual;
  r.manual = true;
  r.actor = agent();
  const auto out = routing.route(r);
  ASSERT_TRUE(out.ticket);
  EXPECT_FALSE(out.ticket->needs_review);
}

}  // namespace
}  // namespace st::services::routing
