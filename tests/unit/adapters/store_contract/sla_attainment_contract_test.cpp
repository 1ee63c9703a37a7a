// The AnalyticsStore's SLA attainment (analytics_sla), run on every storage adapter: each
// ticket's concluded clocks counted by its department and the priority whose policy applied,
// a breach outweighing a met whatever the order, redeliveries changing nothing, and a rebuild
// from the log giving the same answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"

namespace st::contract {
namespace {

namespace payload = domain::payload;
using domain::CategorizedBy;
using domain::Event;
using domain::Millis;
using domain::Priority;
using domain::SlaClock;
using ports::SlaAttainment;
using ports::SlaTally;

const Millis kT0 = *domain::parse_iso8601("2026-12-01T09:00:00Z");

// The events of one ticket, as the services emit them.
class Ticket {
 public:
  explicit Ticket(domain::TicketId id) {
    t_.id = id;
    t_.title = "Ticket " + std::to_string(id);
    t_.description = "Something happened";
    t_.user_name = "Ann";
    t_.user_email = "ann@example.com";
    t_.created_at = kT0 + id;
    t_.updated_at = t_.created_at;
  }
  Event created() { return make(payload::Created{}); }
  Event routed(const std::string& department, Priority p = Priority::normal) {
    t_.department = department;
    t_.confidence_score = 80;
    t_.categorized_by = CategorizedBy::keywords;
    t_.priority = p;
    return make(payload::Routed{department, 80, CategorizedBy::keywords, 1, false, "", "", p});
  }
  Event met(SlaClock clock, Priority p = Priority::normal) {
    return make(payload::SlaMet{clock, kT0 + 3'600'000, kT0 + 60'000, p});
  }
  Event breached(SlaClock clock, Priority p = Priority::normal) {
    return make(payload::SlaBreached{clock, kT0 + 3'600'000, p, domain::Escalation::none});
  }

 private:
  Event make(domain::EventPayload payload) {
    Event e;
    e.event_id = "sla-" + std::to_string(t_.id) + "-" + std::to_string(++n_);
    e.occurred_at = t_.created_at + n_;
    e.ticket = t_;
    e.payload = std::move(payload);
    return e;
  }
  domain::Ticket t_;
  int n_ = 0;
};

SlaAttainment row(std::optional<std::string> department, Priority p, SlaTally first_response,
                  SlaTally resolution) {
  return {std::move(department), p, first_response, resolution};
}

template <class Backend>
class SlaAttainmentContract : public ::testing::Test {
 protected:
  using Store = typename Backend::AnalyticsStore;
  std::vector<bool> record(const std::vector<Event>& events) { return store->record_batch(events); }
  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(SlaAttainmentContract, Backends, BackendName);

TYPED_TEST(SlaAttainmentContract, NothingConcludedListsNothing) {
  Ticket a(1);
  this->record({a.created(), a.routed("IT Support")});
  EXPECT_TRUE(this->store->sla_attainment().empty());
}

TYPED_TEST(SlaAttainmentContract, CountsEachClockByDepartmentAndPolicyPriority) {
  Ticket a(1), b(2), c(3), d(4), e(5);
  this->record({a.created(), a.routed("IT Support", Priority::urgent),
                a.met(SlaClock::first_response, Priority::urgent),
                a.met(SlaClock::resolution, Priority::urgent)});
  this->record({b.created(), b.routed("IT Support", Priority::urgent),
                b.breached(SlaClock::first_response, Priority::urgent)});
  this->record({c.created(), c.routed("IT Support"), c.met(SlaClock::first_response)});
  this->record({d.created(), d.routed("Billing", Priority::high),
                d.breached(SlaClock::resolution, Priority::high)});
  // Not routed yet: listed after the departments.
  this->record({e.created(), e.breached(SlaClock::first_response)});

  const std::vector<SlaAttainment> want{
      row("Billing", Priority::high, {}, {0, 1}),
      row("IT Support", Priority::urgent, {1, 1}, {1, 0}),
      row("IT Support", Priority::normal, {1, 0}, {}),
      row(std::nullopt, Priority::normal, {0, 1}, {}),
  };
  EXPECT_EQ(this->store->sla_attainment(), want);
}

TYPED_TEST(SlaAttainmentContract, ABreachOutweighsAMetInEitherOrderAndRedeliveriesChangeNothing) {
  Ticket a(1), b(2);
  const auto a_met = a.met(SlaClock::first_response);
  const auto a_breach = a.breached(SlaClock::first_response);
  const auto b_breach = b.breached(SlaClock::first_response);
  const auto b_met = b.met(SlaClock::first_response);
  this->record({a.created(), a.routed("HR"), a_met, a_breach});
  this->record({b.created(), b.routed("HR"), b_breach});
  this->record({b_met});
  // Redelivered, in one batch with its twin: nothing recorded twice.
  const auto again = this->record({a_met, a_breach, b_met, b_met});
  EXPECT_EQ(std::count(again.begin(), again.end(), true), 0);

  const std::vector<SlaAttainment> want{row("HR", Priority::normal, {0, 2}, {})};
  EXPECT_EQ(this->store->sla_attainment(), want);
}

TYPED_TEST(SlaAttainmentContract, TheTicketsCurrentDepartmentCounts) {
  Ticket a(1);
  this->record({a.created(), a.routed("IT Support"), a.met(SlaClock::first_response)});
  this->record({a.routed("Facilities")});  // rerouted after its first response
  const std::vector<SlaAttainment> want{row("Facilities", Priority::normal, {1, 0}, {})};
  EXPECT_EQ(this->store->sla_attainment(), want);
}

TYPED_TEST(SlaAttainmentContract, ARebuildFromTheLogGivesTheSameAttainment) {
  Ticket a(1), b(2), c(3);
  this->record({a.created(), a.routed("IT Support", Priority::high),
                a.met(SlaClock::first_response, Priority::high),
                a.breached(SlaClock::resolution, Priority::high)});
  this->record({b.created(), b.routed("IT Support", Priority::high),
                b.breached(SlaClock::first_response, Priority::high)});
  this->record({b.met(SlaClock::first_response, Priority::high)});
  this->record({c.created(), c.routed("HR"), c.met(SlaClock::resolution)});
  const auto before = this->store->sla_attainment();
  ASSERT_EQ(before.size(), 2u);

  this->backend.execute("DELETE FROM analytics_sla");
  ASSERT_TRUE(this->store->sla_attainment().empty());
  this->store->rebuild_projection();
  EXPECT_EQ(this->store->sla_attainment(), before);
}

}  // namespace
}  // namespace st::contract
