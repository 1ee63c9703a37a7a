#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "domain/codec.hpp"
#include "unit/adapters/sqlite/sqlite_test_support.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using domain::CategorizedBy;
using domain::Event;
using domain::EventType;
using ports::RoutingRecord;

using test_support::drain;
using testing_support::TempDir;

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
  return {domain::make_event(EventType::routed, t, r.routed_at, "",
                             {{"department", r.department},
                              {"confidence_score", r.confidence_score},
                              {"routing_id", r.id}})};
}

std::vector<std::string> names(const std::vector<domain::Department>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.name);
  return out;
}

class SqliteRoutingStoreTest : public ::testing::Test {
 protected:
  void reopen() {
    store.reset();
    db.reset();
    db = std::make_unique<Database>(dir.file("routing.db"));
    store = std::make_unique<SqliteRoutingStore>(*db);
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("routing.db"));
  std::unique_ptr<SqliteRoutingStore> store = std::make_unique<SqliteRoutingStore>(*db);
};

TEST_F(SqliteRoutingStoreTest, DefaultDepartmentsAreCreatedOnlyOnce) {
  store->ensure_default_departments(1000);
  store->ensure_default_departments(2000);
  reopen();
  store->ensure_default_departments(3000);
  const auto all = store->list_departments(true);
  std::vector<std::string> expected;
  for (const auto& d : domain::default_departments()) expected.push_back(d.name);
  EXPECT_EQ(names(all), expected);
  for (const auto& d : all) {
    EXPECT_TRUE(d.is_active);
    EXPECT_EQ(d.created_at, 1000);
    EXPECT_FALSE(d.description.empty());
  }
}

TEST_F(SqliteRoutingStoreTest, DefaultsAreNotAddedToATableAnAdminHasFilled) {
  ASSERT_TRUE(store->add_department("Legal", "Contracts", 1));
  store->ensure_default_departments(2);
  EXPECT_EQ(names(store->list_departments(true)), std::vector<std::string>{"Legal"});
}

TEST_F(SqliteRoutingStoreTest, DepartmentNamesAreUniqueIgnoringCase) {
  const auto legal = store->add_department("Legal", "Contracts and compliance", 42);
  ASSERT_TRUE(legal);
  EXPECT_GT(legal->id, 0);
  EXPECT_EQ(legal->name, "Legal");
  EXPECT_EQ(legal->description, "Contracts and compliance");
  EXPECT_TRUE(legal->is_active);
  EXPECT_EQ(legal->created_at, 42);
  EXPECT_EQ(store->add_department("LEGAL", "again", 43), std::nullopt);
  EXPECT_EQ(store->add_department("legal", "again", 43), std::nullopt);
  EXPECT_EQ(store->find_department("lEgAl"), legal);
  EXPECT_EQ(store->find_department("Legal "), std::nullopt);
  EXPECT_EQ(store->find_department("Marketing"), std::nullopt);
  EXPECT_EQ(store->list_departments(true).size(), 1u);
}

TEST_F(SqliteRoutingStoreTest, UpdateDepartmentChangesOnlyWhatIsGiven) {
  store->ensure_default_departments(1);
  auto hr = store->update_department("hr", std::string("People matters"), std::nullopt);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->name, "HR");  // the stored spelling
  EXPECT_EQ(hr->description, "People matters");
  EXPECT_TRUE(hr->is_active);

  hr = store->update_department("HR", std::nullopt, false);
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->description, "People matters");
  EXPECT_FALSE(hr->is_active);
  EXPECT_EQ(store->find_department("HR"), hr);

  const auto active = names(store->list_departments(false));
  EXPECT_EQ(std::count(active.begin(), active.end(), "HR"), 0);
  EXPECT_EQ(active.size(), domain::default_departments().size() - 1);
  EXPECT_EQ(store->list_departments(true).size(), domain::default_departments().size());

  EXPECT_EQ(store->update_department("Nope", std::string("x"), true), std::nullopt);
}

TEST_F(SqliteRoutingStoreTest, RecordRoutingWritesTheRowAndItsEvents) {
  int notified = 0;
  store->set_listener([&] { ++notified; });
  const auto saved = store->record_routing(routing(7, "IT Support", 92, CategorizedBy::claude),
                                           "cause-1", routed_event);
  ASSERT_TRUE(saved);
  EXPECT_GT(saved->id, 0);
  EXPECT_EQ(saved->ticket_id, 7);
  EXPECT_EQ(saved->department, "IT Support");
  EXPECT_EQ(saved->confidence_score, 92);
  EXPECT_EQ(saved->categorized_by, CategorizedBy::claude);
  EXPECT_FALSE(saved->manual);
  EXPECT_EQ(saved->routed_at, 5007);
  EXPECT_EQ(notified, 1);

  const auto messages = drain(*store);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].routing_key, "ticket.routed");
  EXPECT_EQ(domain::parse_event(messages[0].body).data["routing_id"], saved->id);
}

TEST_F(SqliteRoutingStoreTest, TheModelVersionIsKeptWithTheRouting) {
  auto by_model = routing(7, "HR", 81, CategorizedBy::model);
  by_model.model_version = "fasttext-20261125T120000Z-0123abcd";
  ASSERT_TRUE(store->record_routing(by_model, "cause-1", routed_event));
  ASSERT_TRUE(store->record_routing(routing(7, "Finance", 100, CategorizedBy::manual, true),
                                    std::nullopt, routed_event));
  reopen();
  const auto h = store->history(7);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].model_version, "fasttext-20261125T120000Z-0123abcd");
  EXPECT_EQ(h[1].model_version, "");  // an agent's routing has none
}

TEST_F(SqliteRoutingStoreTest, RecordRoutingIsIdempotentByCauseEvent) {
  ASSERT_TRUE(store->record_routing(routing(7, "IT Support", 92), "cause-1", routed_event));
  bool called = false;
  const auto again =
      store->record_routing(routing(7, "HR", 10), "cause-1", [&](const RoutingRecord& r) {
        called = true;
        return routed_event(r);
      });
  EXPECT_EQ(again, std::nullopt);
  EXPECT_FALSE(called);
  EXPECT_EQ(store->history(7).size(), 1u);
  EXPECT_EQ(drain(*store).size(), 1u);

  // Without a cause (manual routes) every call is a new routing.
  ASSERT_TRUE(store->record_routing(routing(7, "HR", 100, CategorizedBy::manual, true),
                                    std::nullopt, routed_event));
  ASSERT_TRUE(store->record_routing(routing(7, "Finance", 100, CategorizedBy::manual, true),
                                    std::nullopt, routed_event));
  EXPECT_EQ(store->history(7).size(), 3u);
}

TEST_F(SqliteRoutingStoreTest, RecordRoutingWritesNothingWhenBuildingEventsThrows) {
  EXPECT_THROW(store->record_routing(routing(7, "IT Support", 92), "cause-1",
                                     [](const RoutingRecord&) -> std::vector<Event> {
                                       throw std::runtime_error("no");
                                     }),
               std::runtime_error);
  EXPECT_TRUE(store->history(7).empty());
  EXPECT_TRUE(drain(*store).empty());
  // The cause was not consumed: a retry succeeds.
  EXPECT_TRUE(store->record_routing(routing(7, "IT Support", 92), "cause-1", routed_event));
}

TEST_F(SqliteRoutingStoreTest, HistoryIsPerTicketOldestFirst) {
  store->record_routing(routing(1, "IT Support", 60), "a", routed_event);
  store->record_routing(routing(2, "HR", 70), "b", routed_event);
  store->record_routing(routing(1, "Facilities", 100, CategorizedBy::manual, true), std::nullopt,
                        routed_event);
  const auto h = store->history(1);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].department, "IT Support");
  EXPECT_EQ(h[0].categorized_by, CategorizedBy::keywords);
  EXPECT_FALSE(h[0].manual);
  EXPECT_EQ(h[1].department, "Facilities");
  EXPECT_EQ(h[1].categorized_by, CategorizedBy::manual);
  EXPECT_TRUE(h[1].manual);
  EXPECT_LT(h[0].id, h[1].id);
  EXPECT_TRUE(store->history(3).empty());
}

TEST_F(SqliteRoutingStoreTest, StatisticsCountAndAverageByDepartment) {
  const auto empty = store->statistics();
  EXPECT_EQ(empty.total, 0);
  EXPECT_TRUE(empty.by_department.empty());
  EXPECT_EQ(empty.overall_average_confidence, 0);

  store->record_routing(routing(1, "IT Support", 90), "a", routed_event);
  store->record_routing(routing(2, "IT Support", 71), "b", routed_event);
  store->record_routing(routing(3, "HR", 50), "c", routed_event);
  store->record_routing(routing(4, "Finance", 80), "d", routed_event);
  store->record_routing(routing(5, "IT Support", 40), "e", routed_event);

  const auto s = store->statistics();
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

TEST_F(SqliteRoutingStoreTest, EverythingPersistsAcrossReopen) {
  store->ensure_default_departments(1);
  store->add_department("Legal", "", 2);
  store->record_routing(routing(1, "Legal", 90), "a", routed_event);
  reopen();
  EXPECT_TRUE(store->find_department("legal"));
  EXPECT_EQ(store->history(1).size(), 1u);
  EXPECT_EQ(store->record_routing(routing(1, "Legal", 90), "a", routed_event), std::nullopt);
  EXPECT_EQ(drain(*store).size(), 1u);
}

}  // namespace
}  // namespace st::adapters::sqlite
