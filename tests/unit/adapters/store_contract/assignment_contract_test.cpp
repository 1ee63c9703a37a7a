// Assignment to people inside the tickets store (issue 17 §2), on every storage adapter: the
// agents the gateway publishes, each department's mode, and AssignmentScope::next_assignee
// inside the write transaction. The concurrency case is the one the distributed mode relies
// on: two service instances (two pools on one database) assigning in one round-robin
// department take turns, and no ticket is assigned twice.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;

namespace st::contract {
namespace {

using domain::Assignee;
using domain::AssignmentMode;
using domain::Availability;
using domain::Event;
using domain::Status;
using domain::Ticket;

constexpr domain::Millis kNow = 1'700'000'000'000;
const std::string kIt = "IT Support";

ports::AgentRecord agent(std::string id, std::vector<std::string> departments,
                         Availability availability = Availability::available, bool active = true) {
  return {id, "Agent " + id, std::move(departments), availability, active};
}

// The change routing makes: the department, then whoever the department's mode picks, unless
// someone works the ticket already (a redelivered routing assigns nobody twice).
ports::AssigningChange route_to(const std::string& department, domain::Millis now) {
  return [department, now](Ticket& t, ports::AssignmentScope& scope) {
    t.department = department;
    if (!t.assignee) t.assignee = scope.next_assignee(department, std::nullopt, now);
    return std::vector<Event>{};
  };
}

template <class Backend>
class AssignmentContract : public ::testing::Test {
 protected:
  using Store = typename Backend::TicketStore;

  domain::TicketId create() {
    return create_one(*store, {"Printer", "It is broken, please help", "Ann", "ann@example.com"},
                      kNow, [](const Ticket&) { return std::vector<Event>{}; })
        .id;
  }
  std::optional<Ticket> route(ports::TicketStore& s, domain::TicketId id,
                              domain::Millis now = kNow) {
    return s.update_batch_assigning({{id, route_to(kIt, now)}}).at(0);
  }
  std::string assignee_of(domain::TicketId id) {
    const auto t = store->get(id);
    return t && t->assignee ? t->assignee->id : "";
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(AssignmentContract, Backends, BackendName);

TYPED_TEST(AssignmentContract, ADepartmentIsManualUntilSetAndManualAssignsNobody) {
  this->store->put_agent(agent("a1", {kIt}));
  EXPECT_TRUE(this->store->assignment_modes().empty());
  const auto t = this->route(*this->store, this->create());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->department, kIt);
  EXPECT_FALSE(t->assignee);
  this->store->set_assignment_mode(kIt, AssignmentMode::round_robin);
  this->store->set_assignment_mode("Finance", AssignmentMode::least_open);
  EXPECT_EQ(this->store->assignment_modes(),
            (std::map<std::string, AssignmentMode>{{kIt, AssignmentMode::round_robin},
                                                   {"Finance", AssignmentMode::least_open}}));
  this->store->set_assignment_mode(kIt, AssignmentMode::manual);
  EXPECT_FALSE(this->route(*this->store, this->create())->assignee);
}

TYPED_TEST(AssignmentContract, RoundRobinTakesTheAvailableActiveMembersInTurnByKeyId) {
  this->store->put_agent(agent("k2", {kIt, "Finance"}));
  this->store->put_agent(agent("k1", {kIt}));
  this->store->put_agent(agent("k3", {kIt}, Availability::away));
  this->store->put_agent(agent("k4", {kIt}, Availability::available, /*active=*/false));
  this->store->put_agent(agent("k5", {"Finance"}));
  this->store->set_assignment_mode(kIt, AssignmentMode::round_robin);
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    const auto t = this->route(*this->store, this->create());
    ASSERT_TRUE(t && t->assignee);
    order.push_back(t->assignee->id);
    EXPECT_EQ(t->assignee->name, "Agent " + t->assignee->id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"k1", "k2", "k1", "k2"}));
  // k3 comes back and joins the turn; k2 leaves the department.
  this->store->put_agent(agent("k3", {kIt}));
  this->store->put_agent(agent("k2", {"Finance"}));
  EXPECT_EQ(this->route(*this->store, this->create())->assignee->id, "k3");
  EXPECT_EQ(this->route(*this->store, this->create())->assignee->id, "k1");
  EXPECT_EQ(this->route(*this->store, this->create())->assignee->id, "k3");
}

TYPED_TEST(AssignmentContract, LeastOpenCountsUnresolvedTicketsAlsoWithinOneBatch) {
  this->store->put_agent(agent("a", {kIt}));
  this->store->put_agent(agent("b", {kIt}));
  this->store->set_assignment_mode(kIt, AssignmentMode::least_open);
  // One batch of three: the counts include the batch's own assignments.
  std::vector<std::pair<domain::TicketId, ports::AssigningChange>> batch;
  for (int i = 0; i < 3; ++i) batch.emplace_back(this->create(), route_to(kIt, kNow + i));
  const auto routed = this->store->update_batch_assigning(batch);
  std::map<std::string, int> per_agent;
  for (const auto& t : routed) {
    ASSERT_TRUE(t && t->assignee);
    ++per_agent[t->assignee->id];
  }
  EXPECT_EQ(per_agent.size(), 2u);
  const std::string busier = per_agent["a"] == 2 ? "a" : "b";
  const std::string other = busier == "a" ? "b" : "a";
  EXPECT_EQ(per_agent[busier], 2);
  // The other has fewer open tickets: the next is theirs; once two of the busier one's are
  // resolved, the busier one has fewer.
  EXPECT_EQ(this->route(*this->store, this->create(), kNow + 10)->assignee->id, other);
  for (const auto id : this->store->open_tickets_of(busier))
    ASSERT_TRUE(this->store
                    ->update_batch({{id,
                                     [](Ticket& t) {
                                       t.status = Status::resolved;
                                       return std::vector<Event>{};
                                     }}})
                    .at(0));
  EXPECT_TRUE(this->store->open_tickets_of(busier).empty());
  EXPECT_EQ(this->store->open_tickets_of(other).size(), 2u);
  EXPECT_EQ(this->route(*this->store, this->create(), kNow + 11)->assignee->id, busier);
}

TYPED_TEST(AssignmentContract, FindAgentKnowsActiveAgentsOnly) {
  this->store->put_agent(agent("on", {kIt}, Availability::away));
  this->store->put_agent(agent("off", {kIt}, Availability::available, /*active=*/false));
  EXPECT_EQ(this->store->find_agent("on"), (Assignee{"on", "Agent on"}));
  EXPECT_FALSE(this->store->find_agent("off"));
  EXPECT_FALSE(this->store->find_agent("nobody"));
}

TYPED_TEST(AssignmentContract, TwoInstancesAssigningAtOnceTakeTurnsAndNeverAssignTwice) {
  constexpr int kPerInstance = 12;
  this->store->put_agent(agent("x", {kIt}));
  this->store->put_agent(agent("y", {kIt}));
  this->store->set_assignment_mode(kIt, AssignmentMode::round_robin);
  std::vector<domain::TicketId> ids;
  for (int i = 0; i < 2 * kPerInstance; ++i) ids.push_back(this->create());
  auto other_db = this->backend.open_another();
  auto other = std::make_unique<typename TestFixture::Store>(*other_db);
  std::vector<ports::TicketStore*> instances{this->store.get(), other.get()};
  // Each instance routes every ticket once (a routing delivered to both, as a redelivery
  // would be): the first assignment of each ticket stands.
  race(2, [&](std::size_t i) {
    for (int k = 0; k < 2 * kPerInstance; ++k) {
      const auto id = ids[i == 0 ? k : 2 * kPerInstance - 1 - k];
      ASSERT_TRUE(this->route(*instances[i], id));
    }
  });
  std::map<std::string, int> per_agent;
  for (const auto id : ids) ++per_agent[this->assignee_of(id)];
  EXPECT_EQ(per_agent, (std::map<std::string, int>{{"x", kPerInstance}, {"y", kPerInstance}}));
  other.reset();
  other_db.reset();
}

}  // namespace
}  // namespace st::contract
