// The TrainingExampleStore contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "unit/adapters/store_contract/backends.hpp"

namespace st::contract {
namespace {

using ports::LabelSource;
using ports::TicketLabel;
using ports::TicketText;

template <class Backend>
class TrainingExampleStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::TrainingExampleStore;
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }
  std::string department_of(domain::TicketId id) {
    for (const auto& e : store->examples(100))
      if (e.ticket_id == id) return e.department;
    return "";
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(TrainingExampleStoreContract, Backends, BackendName);

// Runs `a` and `b` on two threads at once; what either throws (a deadlock, a serialization
// failure) fails the test instead of terminating the program.
template <class A, class B>
void at_once(A a, B b) {
  std::mutex mutex;
  std::vector<std::string> errors;
  auto guarded = [&](auto& f) {
    try {
      f();
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      errors.push_back(e.what());
    }
  };
  std::thread ta([&] { guarded(a); });
  std::thread tb([&] { guarded(b); });
  ta.join();
  tb.join();
  for (const auto& e : errors) ADD_FAILURE() << "a recorder failed: " << e;
}

TYPED_TEST(TrainingExampleStoreContract, AnExampleNeedsBothTextAndLabel) {
  auto& store = *this->store;
  EXPECT_EQ(store.record({{1, "VPN down", "since this morning"}}, {}), 0u);
  EXPECT_EQ(store.record({}, {{2, "HR", LabelSource::human, 10}}), 1u);
  EXPECT_TRUE(store.examples(10).empty());
  // The label of ticket 2 came first; its text completes it.
  store.record({{2, "Leave", "How many days do I have left?"}}, {});
  const auto ex = store.examples(10);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].ticket_id, 2);
  EXPECT_EQ(ex[0].title, "Leave");
  EXPECT_EQ(ex[0].description, "How many days do I have left?");
  EXPECT_EQ(ex[0].department, "HR");
  EXPECT_EQ(ex[0].source, LabelSource::human);
  // A text never changes once stored.
  store.record({{2, "Other", "text"}}, {});
  EXPECT_EQ(store.examples(10)[0].title, "Leave");
}

TYPED_TEST(TrainingExampleStoreContract, AHumanLabelWinsOverAMachineLabel) {
  auto& store = *this->store;
  store.record({{1, "t", "d"}}, {{1, "IT Support", LabelSource::machine, 10}});
  EXPECT_EQ(store.record({}, {{1, "Finance", LabelSource::human, 20}}), 1u);
  // A later machine decision (a redelivery, a re-categorization) does not undo the agent.
  EXPECT_EQ(store.record({}, {{1, "IT Support", LabelSource::machine, 30}}), 0u);
  EXPECT_EQ(this->department_of(1), "Finance");
  // The agent's later reroute does replace their earlier one.
  EXPECT_EQ(store.record({}, {{1, "HR", LabelSource::human, 40}}), 1u);
  EXPECT_EQ(this->department_of(1), "HR");
  // An older human label arriving late does not.
  EXPECT_EQ(store.record({}, {{1, "Facilities", LabelSource::human, 35}}), 0u);
  EXPECT_EQ(this->department_of(1), "HR");
  // A human label for the department a machine chose is still a change: it now ranks higher.
  store.record({{2, "t", "d"}}, {{2, "HR", LabelSource::machine, 10}});
  EXPECT_EQ(store.record({}, {{2, "HR", LabelSource::human, 10}}), 1u);
  EXPECT_EQ(store.examples(1)[0].source, LabelSource::human);
}

TYPED_TEST(TrainingExampleStoreContract, RepeatsChangeNothingAndTheWatermarkCountsChanges) {
  EXPECT_EQ(this->store->label_watermark(), 0);
  this->store->record({{1, "a", ""}, {2, "b", ""}}, {{1, "HR", LabelSource::machine, 1},
                                                     {2, "Finance", LabelSource::machine, 1}});
  EXPECT_EQ(this->store->label_watermark(), 2);
  EXPECT_EQ(this->store->record({{1, "a", ""}}, {{1, "HR", LabelSource::machine, 1}}), 0u);
  EXPECT_EQ(this->store->label_watermark(), 2);
  this->store->record({}, {{1, "General", LabelSource::human, 2}});
  EXPECT_EQ(this->store->label_watermark(), 3);
  this->reopen();
  EXPECT_EQ(this->store->label_watermark(), 3);
  EXPECT_EQ(this->store->examples(10).size(), 2u);
  // Two labels of one ticket in one batch: each change counts, the last one stays.
  EXPECT_EQ(this->store->record({}, {{1, "Finance", LabelSource::human, 3},
                                     {1, "Facilities", LabelSource::human, 4}}),
            2u);
  EXPECT_EQ(this->store->label_watermark(), 5);
  EXPECT_EQ(this->department_of(1), "Facilities");
}

TYPED_TEST(TrainingExampleStoreContract, ExamplesAreNewestLabelFirstAndLimited) {
  auto& store = *this->store;
  for (int i = 1; i <= 5; ++i)
    store.record({{i, "t" + std::to_string(i), ""}}, {{i, "HR", LabelSource::machine, i}});
  store.record({}, {{2, "Finance", LabelSource::human, 9}});
  const auto ex = store.examples(3);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].ticket_id, 2);
  EXPECT_EQ(ex[1].ticket_id, 5);
  EXPECT_EQ(ex[2].ticket_id, 4);
  // Within one batch, the later label is the newer one.
  store.record({}, {{3, "Finance", LabelSource::human, 9}, {1, "Finance", LabelSource::human, 9}});
  EXPECT_EQ(store.examples(1)[0].ticket_id, 1);
  EXPECT_EQ(store.examples(0).size(), 0u);
}

TYPED_TEST(TrainingExampleStoreContract, TextIsStoredVerbatimWithQuotesAndNewlines) {
  const std::string nasty = "it's \"broken\"; DROP TABLE x; --\nline two ü 日本";
  this->store->record({{1, nasty, nasty}}, {{1, "IT Support", LabelSource::human, 1}});
  const auto ex = this->store->examples(1);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].title, nasty);
  EXPECT_EQ(ex[0].description, nasty);
}

// Several recorders at once (the threads of one process or several categorizer instances):
// the watermark still grows by exactly one per change, whatever the interleaving.
TYPED_TEST(TrainingExampleStoreContract, ConcurrentRecordersCountEveryChangeOnce) {
  constexpr int kPerThread = 40;
  auto recorder = [&](int first_ticket) {
    for (int i = 0; i < kPerThread; ++i) {
      const domain::TicketId id = first_ticket + i;
      this->store->record({{id, "t", "d"}}, {{id, "HR", LabelSource::human, 1}});
    }
  };
  at_once([&] { recorder(1); }, [&] { recorder(1001); });
  EXPECT_EQ(this->store->label_watermark(), 2 * kPerThread);
  EXPECT_EQ(this->store->examples(1000).size(), 2u * kPerThread);
}

// Batches that share tickets, taken in opposite orders: no deadlock, and the watermark is
// the sum of the changes each recorder was told about.
TYPED_TEST(TrainingExampleStoreContract, OverlappingBatchesAgreeWithTheWatermark) {
  constexpr int kTickets = 20;
  constexpr int kRounds = 10;
  std::size_t changes[2] = {0, 0};
  auto recorder = [&](int which) {
    for (int round = 0; round < kRounds; ++round) {
      std::vector<TicketText> texts;
      std::vector<TicketLabel> labels;
      for (int i = 0; i < kTickets; ++i) {
        const domain::TicketId id = which == 0 ? i + 1 : kTickets - i;
        texts.push_back({id, "t", "d"});
        // Each round a newer label for another department: every one is a change when it
        // lands after the other recorder's, none when it is older.
        labels.push_back(
            {id, round % 2 == which ? "HR" : "Finance", LabelSource::human, round * 2 + which});
      }
      changes[which] += this->store->record(texts, labels);
    }
  };
  at_once([&] { recorder(0); }, [&] { recorder(1); });
  EXPECT_EQ(this->store->label_watermark(), static_cast<std::int64_t>(changes[0] + changes[1]));
  EXPECT_GE(changes[0] + changes[1], static_cast<std::size_t>(kTickets));
  EXPECT_EQ(this->store->examples(1000).size(), static_cast<std::size_t>(kTickets));
}

}  // namespace
}  // namespace st::contract
