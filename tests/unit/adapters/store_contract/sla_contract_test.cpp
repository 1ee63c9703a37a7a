// SLA clocks in the tickets store (issue 17 §4), on every storage adapter: the policies
// table, the clocks' columns, the sweeper's look-up of overdue clocks, a comment that changes
// its ticket, and the case the distributed mode relies on: two tickets instances sweeping one
// database mark each breach once, and a restart marks nothing again.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/codec.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/manual_clock.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;
using st::test_support::update_one;

namespace st::contract {
namespace {

using domain::Event;
using domain::Priority;
using domain::SlaClock;
using domain::SlaPolicy;
using domain::Ticket;

constexpr domain::Millis kNow = 1'700'000'000'000;
constexpr domain::Millis kSecond = 1000;

std::vector<Event> no_events(const Ticket&) {
  return {};
}

template <class Backend>
class SlaContract : public ::testing::Test {
 protected:
  using Store = typename Backend::TicketStore;

  // A ticket whose first response is due `first` ms and its resolution `resolution` ms after
  // kNow.
  Ticket create(domain::Millis first, domain::Millis resolution) {
    domain::NewTicket n{"Printer jams", "It jams on every page", "Ann", "ann@example.com"};
    n.first_response_due = kNow + first;
    n.resolution_due = kNow + resolution;
    return create_one(*store, n, kNow, no_events);
  }
  std::vector<std::string> routing_keys() {
    std::vector<std::string> out;
    for (const auto& m : drain(*store)) out.push_back(m.routing_key);
    return out;
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(SlaContract, Backends, BackendName);

TYPED_TEST(SlaContract, PoliciesAreStoredPerPriorityAndSurviveARestart) {
  EXPECT_TRUE(this->store->sla_policies().empty());
  const SlaPolicy urgent{60, 600, domain::Escalation::raise_priority};
  const SlaPolicy low{3600, 7200, domain::Escalation::notify};
  this->store->put_sla_policies({{Priority::urgent, urgent}, {Priority::low, low}});
  this->store->put_sla_policies({{Priority::low, SlaPolicy{10, 20, domain::Escalation::reassign}}});
  const std::map<Priority, SlaPolicy> expected{
      {Priority::urgent, urgent}, {Priority::low, {10, 20, domain::Escalation::reassign}}};
  EXPECT_EQ(this->store->sla_policies(), expected);
  this->store.reset();
  this->backend.reopen();
  this->store = this->backend.template make<typename TestFixture::Store>();
  EXPECT_EQ(this->store->sla_policies(), expected);
}

TYPED_TEST(SlaContract, ANewTicketStoresItsDueTimesAndAChangeEveryClockField) {
  const auto t = this->create(100 * kSecond, 1000 * kSecond);
  EXPECT_EQ(t.sla.first_response_due, kNow + 100 * kSecond);
  const auto stored = this->store->get(t.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sla, t.sla);
  domain::SlaClocks all{kNow + 1, kNow + 2, kNow + 3, kNow + 4, kNow + 5, kNow + 6, kNow + 7, 8};
  ASSERT_TRUE(update_one(*this->store, t.id, [&](Ticket& x) {
    x.sla = all;
    return std::vector<Event>{};
  }));
  EXPECT_EQ(this->store->get(t.id)->sla, all);
  EXPECT_EQ(this->store->view(t.id)->ticket.sla, all);
  ports::TicketQuery q;
  const auto listed = this->store->list(q);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].sla, all);
}

TYPED_TEST(SlaContract, OverdueListsRunningUnpausedClocksMostOverdueFirst) {
  const auto late = this->create(10 * kSecond, 1000 * kSecond);
  const auto later = this->create(50 * kSecond, 60 * kSecond);
  const auto met = this->create(5 * kSecond, 1000 * kSecond);
  const auto paused = this->create(5 * kSecond, 1000 * kSecond);
  const auto breached = this->create(5 * kSecond, 1000 * kSecond);
  update_one(*this->store, met.id, [](Ticket& t) {
    t.sla.first_response_at = kNow;
    return std::vector<Event>{};
  });
  update_one(*this->store, paused.id, [](Ticket& t) {
    t.sla.paused_at = kNow;
    return std::vector<Event>{};
  });
  update_one(*this->store, breached.id, [](Ticket& t) {
    t.sla.first_response_breached_at = kNow + 5 * kSecond;
    return std::vector<Event>{};
  });
  EXPECT_EQ(this->store->overdue_sla(kNow + 100 * kSecond, 10),
            (std::vector<domain::TicketId>{late.id, later.id}));
  EXPECT_EQ(this->store->overdue_sla(kNow + 100 * kSecond, 1),
            (std::vector<domain::TicketId>{late.id}));
  EXPECT_TRUE(this->store->overdue_sla(kNow + 9 * kSecond, 10).empty());
}

TYPED_TEST(SlaContract, ACommentMayChangeItsTicketInTheSameTransaction) {
  const auto t = this->create(100 * kSecond, 1000 * kSecond);
  const domain::Actor agent{domain::Actor::Type::key, "0123456789abcdef", "Kim",
                            domain::Role::agent};
  const auto c = this->store->add_comment(
      t.id, {"On my way", true}, agent, kNow + kSecond,
      [](Ticket& ticket, const domain::Comment& comment) {
        ticket.sla.first_response_at = comment.created_at;
        return std::vector<Event>{domain::make_event(domain::payload::Commented{comment.id, true},
                                                     ticket, comment.created_at, "")};
      });
  ASSERT_TRUE(c);
  EXPECT_EQ(this->store->get(t.id)->sla.first_response_at, kNow + kSecond);
  EXPECT_EQ(this->routing_keys(), std::vector<std::string>{"ticket.commented"});
}

TYPED_TEST(SlaContract, TwoSweepersRacingMarkEachBreachOnceAndARestartMarksNothingAgain) {
  constexpr int kTickets = 20;
  testing_support::ManualClock clock(kNow);
  for (int i = 0; i < kTickets; ++i) this->create(10 * kSecond, 20 * kSecond);
  clock.set(kNow + 30 * kSecond);  // both clocks of every ticket overdue
  {
    auto other_db = this->backend.open_another();
    auto other_store = std::make_unique<typename TestFixture::Store>(*other_db);
    services::tickets::TicketsService one(*this->store, clock);
    services::tickets::TicketsService two(*other_store, clock);
    std::vector<services::tickets::TicketsService*> sweepers{&one, &two};
    // Each sweeps (5 tickets at a time) until it finds nothing left, both at once.
    race(2, [&](std::size_t i) {
      for (int round = 0; round < 2 * kTickets; ++round)
        if (sweepers[i]->check_sla(5) == 0) break;
    });
  }
  std::map<std::string, int> counts;
  for (const auto& key : this->routing_keys()) ++counts[key];
  EXPECT_EQ(counts["ticket.sla.breached"], 2 * kTickets);
  EXPECT_EQ(counts.size(), 1u);  // no escalation by default
  for (const auto& t : this->store->list({})) {
    EXPECT_EQ(t.sla.first_response_breached_at, kNow + 30 * kSecond);
    EXPECT_EQ(t.sla.resolution_breached_at, kNow + 30 * kSecond);
  }
  this->store.reset();
  this->backend.reopen();
  this->store = this->backend.template make<typename TestFixture::Store>();
  services::tickets::TicketsService restarted(*this->store, clock);
  clock.advance(1000 * kSecond);
  EXPECT_EQ(restarted.check_sla(), 0u);
  EXPECT_TRUE(this->routing_keys().empty());
}

}  // namespace
}  // namespace st::contract
