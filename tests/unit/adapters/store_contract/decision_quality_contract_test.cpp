// AnalyticsStore::decision_tallies, run on every storage adapter (see backends.hpp): the
// decisions projection (sql/decision_projection.hpp) as events arrive and after a rebuild.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

namespace st::contract {
namespace {

namespace payload = domain::payload;
using domain::CategorizedBy;
using domain::Event;
using domain::Millis;

const Millis kDay0 = *domain::parse_iso8601("2026-12-01T00:00:00Z");
constexpr Millis kHour = 3'600'000;

// The events one ticket's routing, reviews and reroutes send, as the services send them.
class Decisions {
 public:
  Decisions(domain::TicketId id, Millis created_at) {
    t_.id = id;
    t_.title = "Ticket " + std::to_string(id);
    t_.description = "Something happened";
    t_.created_at = created_at;
    t_.updated_at = created_at;
  }
  // A strategy's decision (routing's ticket.routed).
  Event routed(Millis at, const std::string& department, int confidence, CategorizedBy by) {
    set(at, department, confidence, by);
    return make(payload::Routed{department, confidence, by, 1, false}, at);
  }
  // POST /api/tickets/{id}/review: ticket.department.updated when it moves, ticket.reviewed,
  // then routing's ticket.routed (an agent's, rerouted).
  std::vector<Event> review(Millis at, const std::string& department) {
    const auto before = t_;
    std::vector<Event> out;
    set(at, department, 100, CategorizedBy::manual);
    if (before.department != department)
      out.push_back(make(
          payload::DepartmentUpdated{department, before.department, 100, CategorizedBy::manual},
          at));
    out.push_back(
        make(payload::Reviewed{department, before.department == department, before.department,
                               before.categorized_by, before.confidence_score, true},
             at));
    out.push_back(make(payload::Routed{department, 100, CategorizedBy::manual, 2, true}, at + 1));
    return out;
  }
  // PUT /api/route/{ticket_id}: an agent's reroute.
  std::vector<Event> reroute(Millis at, const std::string& department) {
    const auto previous = t_.department;
    set(at, department, 100, CategorizedBy::manual);
    return {make(payload::DepartmentUpdated{department, previous, 100, CategorizedBy::manual}, at),
            make(payload::Routed{department, 100, CategorizedBy::manual, 3, true}, at + 1)};
  }
  // POST /api/route: an agent routes a ticket no strategy decided.
  Event routed_by_hand(Millis at, const std::string& department) {
    set(at, department, 100, CategorizedBy::manual);
    return make(payload::Routed{department, 100, CategorizedBy::manual, 4, false}, at);
  }

 private:
  void set(Millis at, const std::string& department, int confidence, CategorizedBy by) {
    t_.department = department;
    t_.confidence_score = confidence;
    t_.categorized_by = by;
    t_.updated_at = at;
  }
  Event make(domain::EventPayload payload, Millis at) {
    Event e;
    e.event_id = "d" + std::to_string(t_.id) + "-" + std::to_string(++n_);
    e.occurred_at = at;
    e.ticket = t_;
    e.payload = std::move(payload);
    return e;
  }
  domain::Ticket t_;
  int n_ = 0;
};

void append(std::vector<Event>& to, std::vector<Event> more) {
  for (auto& e : more) to.push_back(std::move(e));
}

// decided_by, department, confidence_score, decisions, reviewed, corrected
using Row = std::tuple<std::string, std::string, int, std::int64_t, std::int64_t, std::int64_t>;

template <class Backend>
class DecisionQualityContract : public ::testing::Test {
 protected:
  using Store = typename Backend::AnalyticsStore;

  // Six tickets on 2026-12-01, one an hour:
  //  1 model -> IT Support at 85, a review confirms it;
  //  2 model -> IT Support at 45, a review corrects it to HR;
  //  3 keywords -> Billing at 72, an agent reroutes it to HR;
  //  4 claude -> HR at 95, nobody looks;
  //  5 model -> IT Support at 88, nobody looks;
  //  6 routed by hand to HR (not a strategy's decision), then rerouted to Billing.
  std::vector<Event> workload() {
    std::vector<Event> events;
    auto at = [](int ticket, Millis offset) { return kDay0 + ticket * kHour + offset; };
    Decisions t1(1, at(1, 0)), t2(2, at(2, 0)), t3(3, at(3, 0)), t4(4, at(4, 0)), t5(5, at(5, 0)),
        t6(6, at(6, 0));
    events.push_back(t1.routed(at(1, 10), "IT Support", 85, CategorizedBy::model));
    append(events, t1.review(at(1, 5000), "IT Support"));
    events.push_back(t2.routed(at(2, 10), "IT Support", 45, CategorizedBy::model));
    append(events, t2.review(at(2, 5000), "HR"));
    events.push_back(t3.routed(at(3, 10), "Billing", 72, CategorizedBy::keywords));
    append(events, t3.reroute(at(3, 5000), "HR"));
    events.push_back(t4.routed(at(4, 10), "HR", 95, CategorizedBy::claude));
    events.push_back(t5.routed(at(5, 10), "IT Support", 88, CategorizedBy::model));
    events.push_back(t6.routed_by_hand(at(6, 10), "HR"));
    append(events, t6.reroute(at(6, 5000), "Billing"));
    return events;
  }
  static std::vector<Row> expected() {
    return {{"claude", "HR", 95, 1, 0, 0},
            {"keywords", "Billing", 72, 1, 1, 1},
            {"model", "IT Support", 45, 1, 1, 1},
            {"model", "IT Support", 85, 1, 1, 0},
            {"model", "IT Support", 88, 1, 0, 0}};
  }
  void record(const std::vector<Event>& events) {
    const auto recorded = store->record_batch(events);
    ASSERT_EQ(std::count(recorded.begin(), recorded.end(), true),
              static_cast<std::ptrdiff_t>(events.size()));
  }
  std::vector<Row> tallies(const ports::DecisionFilter& f = {}) {
    std::vector<Row> out;
    for (const auto& t : store->decision_tallies(f))
      out.emplace_back(t.decided_by, t.department, t.confidence_score, t.decisions, t.reviewed,
                       t.corrected);
    std::sort(out.begin(), out.end());
    return out;
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(DecisionQualityContract, Backends, BackendName);

TYPED_TEST(DecisionQualityContract, NothingRecordedNothingTallied) {
  EXPECT_TRUE(this->tallies().empty());
}

TYPED_TEST(DecisionQualityContract, TalliesDecisionsReviewsAndCorrectionsByStrategyAndBin) {
  this->record(this->workload());
  EXPECT_EQ(this->tallies(), this->expected());
}

TYPED_TEST(DecisionQualityContract, EventByEventInAnyOrderWithRedeliveriesTalliesTheSame) {
  auto events = this->workload();
  std::reverse(events.begin(), events.end());
  for (const auto& e : events) ASSERT_TRUE(test_support::record_one(*this->store, e));
  for (const auto& e : events) ASSERT_FALSE(test_support::record_one(*this->store, e));
  EXPECT_EQ(this->tallies(), this->expected());
}

TYPED_TEST(DecisionQualityContract, TheLatestVerdictStands) {
  Decisions t(1, kDay0);
  std::vector<Event> events{t.routed(kDay0 + 10, "IT Support", 55, CategorizedBy::model)};
  append(events, t.review(kDay0 + 1000, "HR"));
  this->record(events);
  EXPECT_EQ(this->tallies(), (std::vector<Row>{{"model", "IT Support", 55, 1, 1, 1}}));

  // A second look moves it back: the decision was right after all.
  this->record(t.reroute(kDay0 + 2000, "IT Support"));
  EXPECT_EQ(this->tallies(), (std::vector<Row>{{"model", "IT Support", 55, 1, 1, 0}}));
}

TYPED_TEST(DecisionQualityContract, FiltersByWhenTheDecisionWasMadeAndItsDepartment) {
  this->record(this->workload());
  // Decisions of tickets 2 and 3 only (made at hour 2 and hour 3).
  EXPECT_EQ(this->tallies({kDay0 + 2 * kHour, kDay0 + 4 * kHour, std::nullopt}),
            (std::vector<Row>{{"keywords", "Billing", 72, 1, 1, 1},
                              {"model", "IT Support", 45, 1, 1, 1}}));
  EXPECT_EQ(this->tallies({std::nullopt, std::nullopt, "IT Support"}),
            (std::vector<Row>{{"model", "IT Support", 45, 1, 1, 1},
                              {"model", "IT Support", 85, 1, 1, 0},
                              {"model", "IT Support", 88, 1, 0, 0}}));
  EXPECT_TRUE(this->tallies({std::nullopt, std::nullopt, "Nowhere"}).empty());
  EXPECT_TRUE(this->tallies({kDay0 + 7 * kHour, std::nullopt, std::nullopt}).empty());
}

TYPED_TEST(DecisionQualityContract, ARebuildFromTheLogGivesTheSameTallies) {
  this->record(this->workload());
  this->backend.execute(
      "DELETE FROM analytics_decisions WHERE ticket_id = 2; "
      "UPDATE analytics_decisions SET verdict_department = NULL, verdict_at = NULL; "
      "INSERT INTO analytics_decisions (ticket_id, decided_by, department, confidence_score, "
      "decided_at) VALUES (999, 'claude', 'Stray', 50, 0)");
  ASSERT_NE(this->tallies(), this->expected());

  this->store->rebuild_projection();
  EXPECT_EQ(this->tallies(), this->expected()) << "every row from the log, the stray one gone";
  this->store->rebuild_projection();
  EXPECT_EQ(this->tallies(), this->expected());
}

TYPED_TEST(DecisionQualityContract, ARebuildKeepsTheRowsOfTicketsItCannotReplay) {
  this->record(this->workload());
  // As an older version recorded them: no snapshot.
  this->backend.execute("UPDATE analytics_events SET snapshot = NULL WHERE ticket_id = 3");
  this->store->rebuild_projection();
  EXPECT_EQ(this->tallies(), this->expected());
}

}  // namespace
}  // namespace st::contract
