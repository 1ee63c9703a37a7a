// The RoutingStore + Outbox contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

namespace st::contract {
namespace {

using domain::CategorizedBy;
using domain::Event;
using domain::EventType;
using ports::RoutingRecord;
using test_support::record_one_routing;

RoutingRecord routing(domain::TicketId ticket, std::string department, int confidence,
                      CategorizedBy by = CategorizedBy::keywords, bool manual = false) {
  RoutingRecord r;
  r.ticket_id = ticket;
  r.department = std::move(department);
  r.confidence_score = confidence;
  r.categorized_by = by;
  r.manual = manual;
  r.routed_at = 5000 + ticket;
  return r;
}

// The events the routing service emits: one ticket.routed.
std::vector<Event> routed_event(const RoutingRecord& r) {
  domain::Ticket t;
  t.id = r.ticket_id;
  t.title = "a ticket";
  t.department = r.department;
  const domain::payload::Routed routed{r.department, r.confidence_score, r.categorized_by, r.id,
                                       r.manual};
  return {domain::make_event(routed, t, r.routed_at, "")};
}

std::vector<std::string> names(const std::vector<domain::Department>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.name);
  return out;
}

template <class Backend>
class RoutingStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::RoutingStore;
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(RoutingStoreContract, Backends, BackendName);

TYPED_TEST(RoutingStoreContract, DefaultDepartmentsAreCreatedOnlyOnce) {
  this->store->ensure_default_departments(1000);
  this->store->ensure_default_departments(2000);
  this->reopen();
  this->store->ensure_default_departments(3000);
  const auto all = this->store->list_departments(true);
  std::vector<std::string> expected;
  for (const auto& d : domain::default_departments()) expected.push_back(d.name);
  EXPECT_EQ(names(all), expected);
  for (const auto& d : all) {
    EXPECT_TRUE(d.is_active);
    EXPECT_EQ(d.created_at, 1000);
    EXPECT_FALSE(d.description.empty());
  }
}

TYPED_TEST(RoutingStoreContract, DefaultsAreNotAddedToATableAnAdminHasFilled) {
  ASSERT_TRUE(this->store->add_department("Legal", "Contracts", 1));
  this->store->ensure_default_departments(2);
  EXPECT_EQ(names(this->store->list_departments(true)), std::vector<std::string>{"Legal"});
}

TYPED_TEST(RoutingStoreContract, DepartmentNamesAreUniqueIgnoringCase) {
  const auto legal = this->store->add_department("Legal", "Contracts and compliance", 42);
  ASSERT_TRUE(legal);
  EXPECT_GT(legal->id, 0);
  EXPECT_EQ(legal->name, "Legal");
  EXPECT_EQ(legal->description, "Contracts and compliance");
  EXPECT_TRUE(legal->is_active);
  EXPECT_EQ(legal->created_at, 42);
  EXPECT_EQ(this->store->add_department("LEGAL", "again", 43), std::nullopt);
  EXPECT_EQ(this->store->add_department("legal", "again", 43), std::nullopt);
  EXPECT_EQ(this->store->find_department("lEgAl"), legal);
  EXPECT_EQ(this->store->find_department("Legal "), std::nullopt);
  EXPECT_EQ(this->store->find_department("Marketing"), std::nullopt);
  EXPECT_EQ(this->store->list_departments(true).size(), 1u);
}

TYPED_TEST(RoutingStoreContract, UpdateDepartmentChangesOnlyWhatIsGiven) {
  this->store->ensure_default_departments(1);
  auto hr = this->store->update_department("hr", std::string("People matters"), std::nullopt);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->name, "HR");  // the stored spelling
  EXPECT_EQ(hr->description, "People matters");
  EXPECT_TRUE(hr->is_active);

  hr = this->store->update_department("HR", std::nullopt, false);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->description, "People matters");
  EXPECT_FALSE(hr->is_active);
  EXPECT_EQ(this->store->find_department("HR"), hr);

  const auto active = names(this->store->list_departments(false));
  EXPECT_EQ(std::count(active.begin(), active.end(), "HR"), 0);
  EXPECT_EQ(active.size(), domain::default_departments().size() - 1);
  EXPECT_EQ(this->store->list_departments(true).size(), domain::default_departments().size());

  EXPECT_EQ(this->store->update_department("Nope", std::string("x"), true), std::nullopt);
}

TYPED_TEST(RoutingStoreContract, ADepartmentsReviewThresholdIsSetAndClearedAlone) {
  this->store->ensure_default_departments(1);
  EXPECT_EQ(this->store->find_department("HR")->review_below_confidence, std::nullopt);
  auto hr = this->store->set_review_threshold("hr", 75);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->name, "HR");
  EXPECT_EQ(hr->review_below_confidence, 75);
  EXPECT_TRUE(hr->is_active);  // nothing else changed
  EXPECT_EQ(this->store->find_department("HR"), hr);
  // Other fields' updates keep it.
  hr = this->store->update_department("HR", std::string("People"), std::nullopt);
  EXPECT_EQ(hr->review_below_confidence, 75);
  hr = this->store->set_review_threshold("HR", std::nullopt);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->review_below_confidence, std::nullopt);
  EXPECT_EQ(this->store->find_department("HR")->review_below_confidence, std::nullopt);
  EXPECT_EQ(this->store->set_review_threshold("Nope", 10), std::nullopt);
}

TYPED_TEST(RoutingStoreContract, RecordRoutingWritesTheRowAndItsEvents) {
  int notified = 0;
  this->store->set_listener([&] { ++notified; });
  const auto saved = record_one_routing(
      *this->store, routing(7, "IT Support", 92, CategorizedBy::claude), "cause-1", routed_event);
  ASSERT_TRUE(saved);
  EXPECT_GT(saved->id, 0);
  EXPECT_EQ(saved->ticket_id, 7);
  EXPECT_EQ(saved->department, "IT Support");
  EXPECT_EQ(saved->confidence_score, 92);
  EXPECT_EQ(saved->categorized_by, CategorizedBy::claude);
  EXPECT_FALSE(saved->manual);
  EXPECT_EQ(saved->routed_at, 5007);
  EXPECT_EQ(notified, 1);

  const auto messages = drain(*this->store);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].routing_key, "ticket.routed");
  const auto announced = domain::parse_event(messages[0].body);
  EXPECT_EQ(std::get<domain::payload::Routed>(announced.payload).routing_id, saved->id);
}

TYPED_TEST(RoutingStoreContract, TheModelVersionIsKeptWithTheRouting) {
  auto by_model = routing(7, "HR", 81, CategorizedBy::model);
  by_model.model_version = "fasttext-20261125T120000Z-0123abcd";
  ASSERT_TRUE(record_one_routing(*this->store, by_model, "cause-1", routed_event));
  ASSERT_TRUE(record_one_routing(*this->store,
                                 routing(7, "Finance", 100, CategorizedBy::manual, true),
                                 std::nullopt, routed_event));
  this->reopen();
  const auto h = this->store->history(7, {}).items;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].model_version, "fasttext-20261125T120000Z-0123abcd");
  EXPECT_EQ(h[1].model_version, "");  // an agent's routing has none
}

TYPED_TEST(RoutingStoreContract, RecordRoutingIsIdempotentByCauseEvent) {
  ASSERT_TRUE(
      record_one_routing(*this->store, routing(7, "IT Support", 92), "cause-1", routed_event));
  bool called = false;
  const auto again = record_one_routing(*this->store, routing(7, "HR", 10), "cause-1",
                                        [&](const RoutingRecord& r) {
                                          called = true;
                                          return routed_event(r);
                                        });
  EXPECT_EQ(again, std::nullopt);
  EXPECT_FALSE(called);
  EXPECT_EQ(this->store->history(7, {}).items.size(), 1u);
  EXPECT_EQ(drain(*this->store).size(), 1u);

  // Without a cause (manual routes) every call is a new routing.
  ASSERT_TRUE(record_one_routing(*this->store, routing(7, "HR", 100, CategorizedBy::manual, true),
                                 std::nullopt, routed_event));
  ASSERT_TRUE(record_one_routing(*this->store,
                                 routing(7, "Finance", 100, CategorizedBy::manual, true),
                                 std::nullopt, routed_event));
  EXPECT_EQ(this->store->history(7, {}).items.size(), 3u);
}

TYPED_TEST(RoutingStoreContract, RecordRoutingWritesNothingWhenBuildingEventsThrows) {
  EXPECT_THROW(record_one_routing(*this->store, routing(7, "IT Support", 92), "cause-1",
                                  [](const RoutingRecord&) -> std::vector<Event> {
                                    throw std::runtime_error("no");
                                  }),
               std::runtime_error);
  EXPECT_TRUE(this->store->history(7, {}).items.empty());
  EXPECT_TRUE(drain(*this->store).empty());
  // The cause was not consumed: a retry succeeds.
  EXPECT_TRUE(
      record_one_routing(*this->store, routing(7, "IT Support", 92), "cause-1", routed_event));
}

TYPED_TEST(RoutingStoreContract, HistoryIsPagedOldestFirstAfterTheCursor) {
  for (int i = 0; i < 5; ++i) {
    record_one_routing(*this->store, routing(1, "HR", 10 + i, CategorizedBy::manual, true),
                       std::nullopt, routed_event);
    record_one_routing(*this->store, routing(2, "Finance", 50, CategorizedBy::manual, true),
                       std::nullopt, routed_event);
  }
  std::vector<int> confidences;
  ports::PageRequest request{.after_id = std::nullopt, .limit = 2};
  for (int pages = 0; pages < 10; ++pages) {
    const auto page = this->store->history(1, request);
    EXPECT_LE(page.items.size(), 2u);
    for (const auto& r : page.items) confidences.push_back(r.confidence_score);
    if (!page.next_after) break;
    EXPECT_EQ(*page.next_after, page.items.back().id);
    request.after_id = page.next_after;
  }
  EXPECT_EQ(confidences, (std::vector<int>{10, 11, 12, 13, 14}));
}

TYPED_TEST(RoutingStoreContract, HistoryIsPerTicketOldestFirst) {
  record_one_routing(*this->store, routing(1, "IT Support", 60), "a", routed_event);
  record_one_routing(*this->store, routing(2, "HR", 70), "b", routed_event);
  record_one_routing(*this->store, routing(1, "Facilities", 100, CategorizedBy::manual, true),
                     std::nullopt, routed_event);
  const auto h = this->store->history(1, {}).items;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].department, "IT Support");
  EXPECT_EQ(h[0].categorized_by, CategorizedBy::keywords);
  EXPECT_FALSE(h[0].manual);
  EXPECT_EQ(h[1].department, "Facilities");
  EXPECT_EQ(h[1].categorized_by, CategorizedBy::manual);
  EXPECT_TRUE(h[1].manual);
  EXPECT_LT(h[0].id, h[1].id);
  EXPECT_TRUE(this->store->history(3, {}).items.empty());
}

TYPED_TEST(RoutingStoreContract, StatisticsCountAndAverageByDepartment) {
  const auto empty = this->store->statistics();
  EXPECT_EQ(empty.total, 0);
  EXPECT_TRUE(empty.by_department.empty());
  EXPECT_EQ(empty.overall_average_confidence, 0);

  record_one_routing(*this->store, routing(1, "IT Support", 90), "a", routed_event);
  record_one_routing(*this->store, routing(2, "IT Support", 71), "b", routed_event);
  record_one_routing(*this->store, routing(3, "HR", 50), "c", routed_event);
  record_one_routing(*this->store, routing(4, "Finance", 80), "d", routed_event);
  record_one_routing(*this->store, routing(5, "IT Support", 40), "e", routed_event);

  const auto s = this->store->statistics();
  EXPECT_EQ(s.total, 5);
  ASSERT_EQ(s.by_department.size(), 3u);
  EXPECT_EQ(s.by_department[0].department, "IT Support");  // most routed first
  EXPECT_EQ(s.by_department[0].count, 3);
  EXPECT_DOUBLE_EQ(s.by_department[0].average_confidence, 67.0);
  EXPECT_EQ(s.by_department[1].department, "Finance");  // ties by name
  EXPECT_EQ(s.by_department[1].count, 1);
  EXPECT_DOUBLE_EQ(s.by_department[1].average_confidence, 80.0);
  EXPECT_EQ(s.by_department[2].department, "HR");
  EXPECT_DOUBLE_EQ(s.by_department[2].average_confidence, 50.0);
  EXPECT_DOUBLE_EQ(s.overall_average_confidence, 331.0 / 5);
}

TYPED_TEST(RoutingStoreContract, EverythingPersistsAcrossReopen) {
  this->store->ensure_default_departments(1);
  this->store->add_department("Legal", "", 2);
  record_one_routing(*this->store, routing(1, "Legal", 90), "a", routed_event);
  this->reopen();
  EXPECT_TRUE(this->store->find_department("legal"));
  EXPECT_EQ(this->store->history(1, {}).items.size(), 1u);
  EXPECT_EQ(record_one_routing(*this->store, routing(1, "Legal", 90), "a", routed_event),
            std::nullopt);
  EXPECT_EQ(drain(*this->store).size(), 1u);
}

}  // namespace
}  // namespace st::contract
