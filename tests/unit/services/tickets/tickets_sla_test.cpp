// The tickets service's SLA clocks on SQLite with a manual clock (domain/sla.hpp has the
// arithmetic): due times from the policy of the ticket's priority, the pause of
// waiting_on_customer, a public agent reply and `resolved` meeting the clocks (with
// ticket.sla.met in the same transaction), the sweeper's breach and escalations, and the
// policies' HTTP routes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "services/tickets/tickets_api.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/manual_clock.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::tickets {
namespace {

using domain::Event;
using domain::Priority;
using domain::Status;
using nlohmann::json;

constexpr domain::Millis kNow = 1'700'000'000'000;
constexpr domain::Millis kSecond = 1000;

const domain::Actor kAgent{domain::Actor::Type::key, "0123456789abcdef", "Kim",
                           domain::Role::agent};
const domain::Actor kRequester{domain::Actor::Type::key, "fedcba9876543210", "Ann",
                               domain::Role::requester};

class TicketsSla : public ::testing::Test {
 protected:
  ~TicketsSla() override { service.stop(); }

  domain::Ticket create() {
    return service.create({"Printer jams", "It jams on every page", "Ann", "ann@example.com"}, "");
  }
  // The events written since the last call, decoded.
  std::vector<Event> events() {
    std::vector<Event> out;
    for (const auto& m : contract::drain(store)) out.push_back(domain::parse_event(m.body));
    return out;
  }
  std::vector<std::string> keys() {
    std::vector<std::string> out;
    for (const auto& e : events()) out.emplace_back(domain::routing_key(e.type()));
    return out;
  }
  void route(domain::TicketId id, Priority p, const std::string& department = "IT") {
    ports::DepartmentSetter::Decision d{
        id, department, 90, domain::CategorizedBy::keywords, "", domain::Actor::system()};
    d.priority = p;
    ASSERT_TRUE(service.set_departments({d}).at(0));
  }

  testing_support::TempDir dir;
  testing_support::ManualClock clock{kNow};
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  TicketsService service{store, clock};
};

TEST_F(TicketsSla, ANewTicketIsDueByTheNormalPolicyAndRoutingMovesItToItsPriority) {
  const auto t = create();
  EXPECT_EQ(t.sla.first_response_due, kNow + 8 * 3600 * kSecond);
  EXPECT_EQ(t.sla.resolution_due, kNow + 3 * 24 * 3600 * kSecond);
  clock.advance(10 * kSecond);
  route(t.id, Priority::urgent);
  const auto routed = service.get(t.id);
  EXPECT_EQ(routed->sla.first_response_due, kNow + 3600 * kSecond);  // from created_at
  EXPECT_EQ(routed->sla.resolution_due, kNow + 4 * 3600 * kSecond);
  service.update_priority(t.id, Priority::low, "", kAgent);
  EXPECT_EQ(service.get(t.id)->sla.first_response_due, kNow + 24 * 3600 * kSecond);
}

TEST_F(TicketsSla, WaitingOnCustomerPausesAndLeavingItMovesTheDueTimesLater) {
  const auto t = create();
  clock.advance(100 * kSecond);
  service.update_status(t.id, Status::waiting_on_customer, "", kAgent);
  EXPECT_TRUE(service.get(t.id)->sla.paused_at);
  clock.advance(50 * kSecond);
  service.update_status(t.id, Status::in_progress, "", kAgent);
  const auto resumed = service.get(t.id);
  EXPECT_FALSE(resumed->sla.paused_at);
  EXPECT_EQ(resumed->sla.first_response_due, *t.sla.first_response_due + 50 * kSecond);
  EXPECT_EQ(resumed->sla.resolution_due, *t.sla.resolution_due + 50 * kSecond);
}

TEST_F(TicketsSla, OnlyAPublicReplyByStaffMeetsTheFirstResponseOnce) {
  const auto t = create();
  events();
  clock.advance(5 * kSecond);
  service.add_comment(t.id, {"Any news?", true}, "", kRequester);
  service.add_comment(t.id, {"Check the toner", false}, "", kAgent);
  EXPECT_FALSE(service.get(t.id)->sla.first_response_at);
  EXPECT_EQ(keys(), (std::vector<std::string>{"ticket.commented", "ticket.commented"}));
  clock.advance(5 * kSecond);
  service.add_comment(t.id, {"We are on it", true}, "", kAgent);
  service.add_comment(t.id, {"Toner ordered", true}, "", kAgent);
  EXPECT_EQ(service.get(t.id)->sla.first_response_at, kNow + 10 * kSecond);
  const auto written = events();
  ASSERT_EQ(written.size(), 3u);
  const auto* met = written[1].payload_as<domain::payload::SlaMet>();
  ASSERT_NE(met, nullptr);
  EXPECT_EQ(met->clock, domain::SlaClock::first_response);
  EXPECT_EQ(met->due_at, *t.sla.first_response_due);
  EXPECT_EQ(met->met_at, kNow + 10 * kSecond);
  EXPECT_EQ(met->priority, Priority::normal);
  EXPECT_EQ(written[1].actor, kAgent);
}

TEST_F(TicketsSla, ResolvingMeetsBothRunningClocksAndReopeningRestartsNothing) {
  const auto t = create();
  events();
  clock.advance(kSecond);
  service.update_status(t.id, Status::resolved, "", kAgent);
  EXPECT_EQ(keys(), (std::vector<std::string>{"ticket.status.updated", "ticket.sla.met",
                                              "ticket.sla.met"}));
  const auto resolved = service.get(t.id);
  EXPECT_EQ(resolved->sla.resolved_at, kNow + kSecond);
  EXPECT_EQ(domain::sla_state(resolved->sla, resolved->created_at, clock.now()),
            domain::SlaState::met);
  service.update_status(t.id, Status::in_progress, "", kAgent);
  service.update_status(t.id, Status::resolved, "", kAgent);
  EXPECT_EQ(keys(), (std::vector<std::string>{"ticket.status.updated", "ticket.status.updated"}));
}

TEST_F(TicketsSla, ABreachIsMarkedOnceAndRaisesThePriorityWhenThePolicySaysSo) {
  domain::SlaPolicy policy{10, 100, domain::Escalation::raise_priority};
  service.put_sla_policies({{Priority::normal, policy}});
  const auto t = create();
  events();
  clock.advance(11 * kSecond);
  EXPECT_EQ(service.check_sla(), 1u);
  EXPECT_EQ(service.check_sla(), 0u);
  const auto written = events();
  ASSERT_EQ(written.size(), 2u);
  const auto* breached = written[0].payload_as<domain::payload::SlaBreached>();
  ASSERT_NE(breached, nullptr);
  EXPECT_EQ(breached->clock, domain::SlaClock::first_response);
  EXPECT_EQ(breached->due_at, kNow + 10 * kSecond);
  EXPECT_EQ(breached->priority, Priority::normal);
  EXPECT_EQ(breached->escalation, domain::Escalation::raise_priority);
  const auto* raised = written[1].payload_as<domain::payload::PriorityUpdated>();
  ASSERT_NE(raised, nullptr);
  EXPECT_EQ(raised->priority, Priority::high);
  EXPECT_EQ(written[1].actor, domain::Actor::system());
  const auto after = service.get(t.id);
  EXPECT_EQ(after->priority, Priority::high);
  EXPECT_EQ(after->sla.first_response_breached_at, kNow + 11 * kSecond);
  // The running resolution clock now follows high's (default) policy.
  EXPECT_EQ(after->sla.resolution_due, kNow + 24 * 3600 * kSecond);
}

TEST_F(TicketsSla, AReassignEscalationHandsTheTicketToAnotherAvailableMember) {
  service.put_sla_policies({{Priority::high, {10, 100, domain::Escalation::reassign}}});
  store.put_agent({"aaaaaaaaaaaaaaaa", "Ada", {"IT"}, domain::Availability::available, true});
  store.put_agent({"bbbbbbbbbbbbbbbb", "Bob", {"IT"}, domain::Availability::available, true});
  store.set_assignment_mode("IT", domain::AssignmentMode::round_robin);
  const auto t = create();
  route(t.id, Priority::high);
  const auto first = service.get(t.id)->assignee;
  ASSERT_TRUE(first);
  events();
  clock.advance(11 * kSecond);
  EXPECT_EQ(service.check_sla(), 1u);
  const auto written = events();
  ASSERT_EQ(written.size(), 2u);
  const auto* assigned = written[1].payload_as<domain::payload::Assigned>();
  ASSERT_NE(assigned, nullptr);
  EXPECT_EQ(assigned->reason, "sla");
  EXPECT_EQ(assigned->previous_assignee_id, first->id);
  EXPECT_NE(assigned->assignee_id, first->id);
  EXPECT_EQ(service.get(t.id)->assignee->id, *assigned->assignee_id);
}

TEST_F(TicketsSla, APausedTicketDoesNotBreach) {
  service.put_sla_policies({{Priority::normal, {10, 100, domain::Escalation::none}}});
  const auto t = create();
  service.update_status(t.id, Status::waiting_on_customer, "", kAgent);
  clock.advance(500 * kSecond);
  EXPECT_EQ(service.check_sla(), 0u);
}

TEST_F(TicketsSla, ThePoliciesRoutesReadDefaultsTakePartialUpdatesAndRefuseBadInput) {
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(0));
  auto put = [&](const std::string& body) {
    http::Request req{http::bhttp::verb::put, "/api/sla/policies", 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    return testing_support::dispatch(router, req);
  };
  const http::Request get{http::bhttp::verb::get, "/api/sla/policies", 11};
  const auto defaults = json::parse(testing_support::dispatch(router, get).body());
  EXPECT_EQ(defaults["policies"]["urgent"], (json{{"first_response_seconds", 3600},
                                                  {"resolution_seconds", 14400},
                                                  {"escalation", "none"}}));

  const auto ok = put(R"({"urgent": {"first_response_seconds": 60, "escalation": "notify"}})");
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  const auto after = json::parse(ok.body())["policies"];
  EXPECT_EQ(after["urgent"], (json{{"first_response_seconds", 60},
                                   {"resolution_seconds", 14400},
                                   {"escalation", "notify"}}));
  EXPECT_EQ(after["low"], defaults["policies"]["low"]);

  for (const auto* bad :
       {R"({})", R"([])", R"({"critical": {}})", R"({"urgent": {"first_response_seconds": 0}})",
        R"({"urgent": {"first_response_seconds": "60"}})",
        R"({"urgent": {"resolution_seconds": 10}})", R"({"urgent": {"escalation": "page"}})",
        R"({"urgent": {"sla": 1}})", R"({"high": {"first_response_seconds": 5}, "urgent": 3})"}) {
    const auto res = put(bad);
    EXPECT_EQ(res.result_int(), 400) << bad << " " << res.body();
  }
  EXPECT_EQ(json::parse(testing_support::dispatch(router, get).body())["policies"], after);
}

}  // namespace
}  // namespace st::services::tickets
