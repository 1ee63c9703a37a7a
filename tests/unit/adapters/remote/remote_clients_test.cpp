// The HTTP-backed service clients of distributed mode against the real services: tickets and
// routing on SQLite (a temp directory) behind a real HTTP server on a loopback port.
#include <gtest/gtest.h>

#include "adapters/remote/department_directory_client.hpp"
#include "adapters/remote/department_setter_client.hpp"
#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "domain/codec.hpp"
#include "http/blocking_pool.hpp"
#include "http/server.hpp"
#include "ports/clock.hpp"
#include "ports/unavailable.hpp"
#include "services/routing/routing_api.hpp"
#include "services/tickets/tickets_api.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::remote {
namespace {

using domain::CategorizedBy;

class RemoteClients : public ::testing::Test {
 protected:
  void SetUp() override {
    routing.initialize();
    services::tickets::register_routes(router, tickets);
    services::routing::register_routes(router, routing, waits);
    server.start();
  }
  void TearDown() override {
    server.stop();
    tickets.stop();
  }

  domain::Ticket create(const std::string& title) {
    return tickets.create({title, "Details of the request", "Ann Lee", "ann@example.com"},
                          std::string(32, 'a'));
  }
  http::ServiceUrl url() const { return {"127.0.0.1", server.port(), ""}; }

  testing_support::TempDir dir;
  ports::SystemClock clock;
  sqlite::Database db{dir.file("smartticket.db")};
  sqlite::SqliteTicketStore ticket_store{db};
  sqlite::SqliteRoutingStore routing_store{db};
  services::tickets::TicketsService tickets{ticket_store, clock};
  services::routing::RoutingService routing{routing_store, tickets, clock};
  http::Router router;
  http::Server server{{"127.0.0.1", 0, 1}, router};
  http::BlockingPool waits{{}};  // after the server: its jobs end while the server exists
};

TEST_F(RemoteClients, AssignsABatchInOneCallAndReportsUnknownTickets) {
  const auto a = create("Laptop will not boot");
  const auto b = create("Payslip is wrong");
  http::HttpClient http_client(url(), {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  const auto system = domain::Actor::system();
  auto out =
      assigner.set_departments({{a.id, "IT Support", 90, CategorizedBy::keywords, "", system},
                                {999'999, "HR", 50, CategorizedBy::keywords, "", system},
                                {b.id, "Finance", 70, CategorizedBy::claude, "", system}});
  ASSERT_EQ(out.size(), 3u);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(out[0]->department, "IT Support");
  EXPECT_FALSE(out[1]);  // no such ticket
  ASSERT_TRUE(out[2]);
  EXPECT_EQ(out[2]->categorized_by, CategorizedBy::claude);
  EXPECT_EQ(http_client.stats().requests, 1u);
  // What the tickets service stored, read back through its own API.
  EXPECT_EQ(tickets.get(b.id)->department, "Finance");
  EXPECT_EQ(tickets.get(b.id)->confidence_score, 70);
}

TEST_F(RemoteClients, ReassigningTheSameValuesIsHarmless) {
  const auto a = create("VPN drops");
  http::HttpClient http_client(url(), {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  auto first = assigner
                   .set_departments({{a.id, "IT Support", 80, CategorizedBy::keywords, "",
                                      domain::Actor::system()}})
                   .at(0);
  auto again = assigner
                   .set_departments({{a.id, "IT Support", 80, CategorizedBy::keywords, "",
                                      domain::Actor::system()}})
                   .at(0);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->updated_at, again->updated_at);
}

TEST_F(RemoteClients, ThePipelinesExplanationCrossesToTheTicketsService) {
  const auto a = create("VPN drops");
  http::HttpClient http_client(url(), {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  domain::Explanation why;
  why.decided_by = CategorizedBy::model;
  why.version = "fasttext-20261207T000000Z-0011aabb";
  why.candidates = {{"IT Support", 81}, {"Facilities", 12}};
  why.evidence = {"term \"vpn\": IT Support 81% with it, 30% without"};
  ports::DepartmentSetter::Decision d{a.id, "IT Support",           81, CategorizedBy::model,
                                      "",   domain::Actor::system()};
  d.explanation = why;
  ASSERT_TRUE(assigner.set_departments({d}).at(0));
  EXPECT_EQ(tickets.get(a.id)->explanation, why);
}

TEST_F(RemoteClients, AnAgentsRerouteThroughRemoteRoutingIsExplainedAsManualWithWho) {
  const auto a = create("VPN drops");
  http::HttpClient http_client(url(), {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  services::routing::RoutingService remote_routing{routing_store, assigner, clock};
  services::routing::RouteRequest r;
  r.ticket_id = a.id;
  r.department = "hr";  // the canonical spelling is recorded
  r.confidence = 100;
  r.categorized_by = CategorizedBy::manual;
  r.manual = true;
  r.reason = "the requester asked about leave";
  r.actor = domain::Actor{domain::Actor::Type::key, "k7", "Pat", domain::Role::agent};
  const auto out = remote_routing.route(r);
  ASSERT_FALSE(out.error);
  const auto why = tickets.get(a.id)->explanation;
  ASSERT_TRUE(why);
  EXPECT_EQ(why->decided_by, CategorizedBy::manual);
  EXPECT_EQ(why->candidates, (std::vector<domain::Candidate>{{"HR", 100}}));
  EXPECT_EQ(why->evidence, std::vector<std::string>{"the requester asked about leave"});
  ASSERT_TRUE(why->actor);
  EXPECT_EQ(why->actor->name, "Pat");
  EXPECT_EQ(why->actor->role, domain::Role::agent);
}

TEST_F(RemoteClients, TheReviewFlagAndAReviewCrossToTheTicketsService) {
  const auto a = create("Something odd");
  http::HttpClient http_client(url(), {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  ports::DepartmentSetter::Decision unsure{
      a.id, "HR", 20, CategorizedBy::keywords, "", domain::Actor::system()};
  unsure.needs_review = true;
  ASSERT_TRUE(assigner.set_departments({unsure}).at(0)->needs_review);
  EXPECT_TRUE(tickets.get(a.id)->needs_review);

  services::routing::RoutingService remote_routing{routing_store, assigner, clock};
  const domain::Actor pat{domain::Actor::Type::key, "k7", "Pat", domain::Role::agent};
  const auto out = remote_routing.review(a.id, "Finance", pat, "");
  ASSERT_FALSE(out.error);
  ASSERT_TRUE(out.ticket);
  EXPECT_FALSE(out.ticket->needs_review);
  EXPECT_EQ(tickets.get(a.id)->department, "Finance");
  EXPECT_FALSE(tickets.get(a.id)->needs_review);
  bool reviewed = false;
  for (const auto& m : sqlite::test_support::drain(ticket_store))
    if (m.routing_key == "ticket.reviewed") {
      const auto e = domain::parse_event(m.body);
      reviewed = e.actor == pat && e.payload_as<domain::payload::Reviewed>()->previous_department ==
                                       std::optional<std::string>("HR");
    }
  EXPECT_TRUE(reviewed);
}

TEST_F(RemoteClients, DirectoryListsOnlyActiveDepartments) {
  http::HttpClient http_client(url(), {.name = "routing"});
  DepartmentDirectoryClient directory(http_client);
  auto names = directory.active_department_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "IT Support"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "General"), names.end());
  ASSERT_TRUE(routing.update_department("HR", std::nullopt, false));
  names = directory.active_department_names();
  EXPECT_EQ(std::find(names.begin(), names.end(), "HR"), names.end());
}

TEST_F(RemoteClients, ServiceDownIsUnavailableSoConsumersRetryLater) {
  const auto port = server.port();
  server.stop();
  http::HttpClient http_client({"127.0.0.1", port, ""}, {.name = "tickets"});
  DepartmentSetterClient assigner(http_client);
  EXPECT_THROW(assigner.set_departments(
                   {{1, "IT Support", 80, CategorizedBy::keywords, "", domain::Actor::system()}}),
               ports::Unavailable);
  DepartmentDirectoryClient directory(http_client);
  EXPECT_THROW(directory.active_department_names(), ports::Unavailable);
}

}  // namespace
}  // namespace st::adapters::remote
