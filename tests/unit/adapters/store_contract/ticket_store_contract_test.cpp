// The TicketStore + Outbox contract, run on every storage adapter (see backends.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;
using st::test_support::update_one;

namespace st::contract {
namespace {

using domain::Event;
using domain::EventType;
using domain::Status;
using domain::Ticket;

domain::NewTicket new_ticket(std::string title,
                             std::string description = "Something is broken, please help") {
  return {std::move(title), std::move(description), "Ann Lee", "ann@example.com"};
}

// The EventsFor of the tickets service: one ticket.created per new ticket.
std::vector<Event> created_event(const Ticket& t) {
  return {domain::make_event(domain::payload::Created{}, t, t.created_at, "trace-1")};
}

std::vector<domain::TicketId> ids(const std::vector<Ticket>& tickets) {
  std::vector<domain::TicketId> out;
  for (const auto& t : tickets) out.push_back(t.id);
  return out;
}

template <class Backend>
class TicketStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::TicketStore;

  Ticket create(const std::string& title, domain::Millis now = 1'700'000'000'000) {
    return create_one(*store, new_ticket(title), now, created_event);
  }
  // Sets status/department through update(), as the service would.
  void set(domain::TicketId id, Status status, std::optional<std::string> department) {
    ASSERT_TRUE(update_one(*store, id, [&](Ticket& t) {
      t.status = status;
      t.department = department;
      return std::vector<Event>{
          domain::make_event(domain::payload::StatusUpdated{t.status}, t, 1, "")};
    }));
  }
  std::vector<Ticket> list(ports::TicketQuery q) { return store->list(q); }
  void reopen() {
    store.reset();
    backend.reopen();
    store = backend.template make<Store>();
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(TicketStoreContract, Backends, BackendName);

TYPED_TEST(TicketStoreContract, CreateAssignsIdsAndGetReturnsTheTicket) {
  const auto a = this->create("Laptop will not boot", 1000);
  const auto b = this->create("Printer jam", 2000);
  EXPECT_GT(a.id, 0);
  EXPECT_GT(b.id, a.id);
  EXPECT_EQ(a.title, "Laptop will not boot");
  EXPECT_EQ(a.user_name, "Ann Lee");
  EXPECT_EQ(a.user_email, "ann@example.com");
  EXPECT_EQ(a.status, Status::pending);
  EXPECT_EQ(a.created_at, 1000);
  EXPECT_EQ(a.updated_at, 1000);
  EXPECT_FALSE(a.department);
  EXPECT_FALSE(a.confidence_score);
  EXPECT_FALSE(a.categorized_by);
  EXPECT_EQ(this->store->get(a.id), a);
  EXPECT_EQ(this->store->get(b.id), b);
  EXPECT_EQ(this->store->get(9999), std::nullopt);
}

TYPED_TEST(TicketStoreContract, CreateWritesItsEventsToTheOutbox) {
  const auto t = this->create("Laptop will not boot");
  const auto messages = drain(*this->store);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].routing_key, "ticket.created");
  const auto event = domain::parse_event(messages[0].body);
  EXPECT_EQ(event.event_id, messages[0].event_id);
  EXPECT_EQ(event.type(), EventType::created);
  EXPECT_EQ(event.ticket.id, t.id);  // the events see the assigned id
  EXPECT_EQ(event.trace_id, "trace-1");
  EXPECT_TRUE(drain(*this->store).empty());  // relayed rows are gone
}

TYPED_TEST(TicketStoreContract, CreateWithoutEventsWritesNoOutboxRow) {
  int notified = 0;
  this->store->set_listener([&] { ++notified; });
  create_one(*this->store, new_ticket("No events"), 1,
             [](const Ticket&) { return std::vector<Event>{}; });
  create_one(*this->store, new_ticket("Null callback"), 1, nullptr);
  EXPECT_EQ(notified, 0);
  EXPECT_TRUE(drain(*this->store).empty());
  EXPECT_EQ(this->list({}).size(), 2u);
}

TYPED_TEST(TicketStoreContract, CreateIsAtomicWhenBuildingEventsThrows) {
  EXPECT_THROW(create_one(*this->store, new_ticket("Doomed"), 1,
                          [](const Ticket&) -> std::vector<Event> {
                            throw std::runtime_error("cannot build events");
                          }),
               std::runtime_error);
  EXPECT_TRUE(this->list({}).empty());
  EXPECT_TRUE(drain(*this->store).empty());
}

TYPED_TEST(TicketStoreContract, ListIsNewestFirstWithKeysetPaging) {
  for (int i = 1; i <= 7; ++i) this->create("Ticket number " + std::to_string(i));
  ports::TicketQuery q;
  q.limit = 3;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{7, 6, 5}));
  q.before_id = 5;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{4, 3, 2}));
  q.before_id = 2;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{1}));
  q.before_id = 1;
  EXPECT_TRUE(this->list(q).empty());
  q = {};
  EXPECT_EQ(this->list(q).size(), 7u);  // default limit 50
  q.limit = 0;
  EXPECT_TRUE(this->list(q).empty());
  q.limit = -1;  // never "no limit"
  EXPECT_TRUE(this->list(q).empty());
}

TYPED_TEST(TicketStoreContract, ListFiltersByRequesterIgnoringCase) {
  auto by = [&](const std::string& title, const std::string& email) {
    auto n = new_ticket(title);
    n.user_email = email;
    return create_one(*this->store, n, 1, created_event).id;
  };
  const auto a = by("Ann's first", "ann@example.com");
  by("Bob's", "bob@example.com");
  const auto c = by("Ann's second", "Ann@Example.COM");
  ports::TicketQuery q;
  q.user_email = "ANN@example.com";
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{c, a}));
  q.limit = 1;  // with paging, as a requester's list pages
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{c}));
  q.before_id = c;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{a}));
  q = {};
  q.user_email = "ann@example.co";  // the whole address, not a prefix
  EXPECT_TRUE(this->list(q).empty());
}

TYPED_TEST(TicketStoreContract, ListFiltersByStatusAndDepartment) {
  for (int i = 1; i <= 6; ++i) this->create("Ticket number " + std::to_string(i));
  this->set(1, Status::resolved, "IT Support");
  this->set(2, Status::pending, "IT Support");
  this->set(3, Status::in_progress, "HR");
  this->set(4, Status::resolved, "HR");
  this->set(5, Status::resolved, std::nullopt);
  // 6 stays pending, unrouted

  ports::TicketQuery q;
  q.status = Status::resolved;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{5, 4, 1}));
  q.status = Status::pending;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{6, 2}));

  q = {};
  q.department = "IT Support";
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{2, 1}));
  q.department = "it support";  // exact name
  EXPECT_TRUE(this->list(q).empty());

  q = {};
  q.department = "HR";
  q.status = Status::resolved;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{4}));

  // Filters combine with paging.
  q = {};
  q.status = Status::resolved;
  q.limit = 2;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{5, 4}));
  q.before_id = 4;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{1}));
}

TYPED_TEST(TicketStoreContract, StoresTheLanguageAndListFiltersByIt) {
  auto in = [&](const std::string& title, std::optional<std::string> language) {
    auto n = new_ticket(title);
    n.language = std::move(language);
    return create_one(*this->store, n, 1, created_event);
  };
  const auto es1 = in("La impresora no imprime", "es");
  const auto en = in("The printer does not print", "en");
  const auto unknown = in("VPN", std::nullopt);
  const auto es2 = in("No puedo entrar al correo", "es");
  EXPECT_EQ(es1.language, "es");
  EXPECT_EQ(this->store->get(en.id)->language, "en");
  EXPECT_EQ(this->store->get(unknown.id)->language, std::nullopt);

  ports::TicketQuery q;
  q.language = "es";
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{es2.id, es1.id}));
  q.limit = 1;
  q.before_id = es2.id;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{es1.id}));
  q = {};
  q.language = "de";
  EXPECT_TRUE(this->list(q).empty());

  // An update keeps it (it is set once, when the ticket is created).
  this->set(es1.id, Status::resolved, "IT Support");
  EXPECT_EQ(this->store->get(es1.id)->language, "es");
}

TYPED_TEST(TicketStoreContract, PagingWalksEveryTicketExactlyOnce) {
  for (int i = 0; i < 53; ++i) this->create("Ticket number " + std::to_string(i));
  ports::TicketQuery q;
  q.limit = 10;
  std::vector<domain::TicketId> seen;
  for (int page = 0; page < 10; ++page) {
    auto tickets = this->list(q);
    if (tickets.empty()) break;
    for (const auto& t : tickets) seen.push_back(t.id);
    q.before_id = tickets.back().id;
  }
  ASSERT_EQ(seen.size(), 53u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(std::set<domain::TicketId>(seen.begin(), seen.end()).size(), 53u);
}

TYPED_TEST(TicketStoreContract, ANewTicketIsNormalAndAChangedPriorityIsStored) {
  const auto t = this->create("Laptop will not boot");
  EXPECT_EQ(t.priority, domain::Priority::normal);
  EXPECT_EQ(this->store->get(t.id)->priority, domain::Priority::normal);
  update_one(*this->store, t.id, [](Ticket& x) {
    x.priority = domain::Priority::urgent;
    return std::vector<Event>{};
  });
  EXPECT_EQ(this->store->get(t.id)->priority, domain::Priority::urgent);
  this->reopen();
  EXPECT_EQ(this->store->get(t.id)->priority, domain::Priority::urgent);
}

TYPED_TEST(TicketStoreContract, TheReviewFlagIsStoredAndTheListFiltersByIt) {
  const auto sure = this->create("Printer jams");
  const auto unsure = this->create("Something odd");
  EXPECT_FALSE(sure.needs_review);
  update_one(*this->store, unsure.id, [](Ticket& x) {
    x.needs_review = true;
    return std::vector<Event>{};
  });
  EXPECT_TRUE(this->store->get(unsure.id)->needs_review);
  EXPECT_TRUE(this->store->view(unsure.id)->ticket.needs_review);
  ports::TicketQuery q;
  q.needs_review = true;
  const auto queue = this->store->list(q);
  ASSERT_EQ(ids(queue), std::vector<domain::TicketId>{unsure.id});
  EXPECT_TRUE(queue[0].needs_review);
  EXPECT_EQ(this->store->list({}).size(), 2u);  // unfiltered: both
  this->reopen();
  EXPECT_TRUE(this->store->get(unsure.id)->needs_review);
  update_one(*this->store, unsure.id, [](Ticket& x) {
    x.needs_review = false;
    return std::vector<Event>{};
  });
  EXPECT_TRUE(this->store->list(q).empty());
}

TYPED_TEST(TicketStoreContract, AnExplanationIsStoredWithTheTicketShownAsItsTextNotListed) {
  const auto t = this->create("Laptop will not boot");
  EXPECT_EQ(this->store->get(t.id)->explanation, std::nullopt);
  domain::Explanation why;
  why.decided_by = domain::CategorizedBy::manual;
  why.candidates = {{"IT Support", 100}};
  why.evidence = {"the \"boot\" loop, 'again'", "ünïcode \\ and {braces}"};
  why.actor = domain::Actor{domain::Actor::Type::key, "k1", "Pat", domain::Role::agent};
  update_one(*this->store, t.id, [&](Ticket& x) {
    x.department = "IT Support";
    x.explanation = why;
    return std::vector<Event>{};
  });
  EXPECT_EQ(this->store->get(t.id)->explanation, why);
  this->reopen();
  EXPECT_EQ(this->store->get(t.id)->explanation, why);
  // A view carries the stored text, exactly the explanation's JSON; lists leave it out.
  const auto shown = this->store->view(t.id);
  ASSERT_TRUE(shown && shown->explanation_json);
  EXPECT_EQ(shown->ticket.explanation, std::nullopt);
  EXPECT_EQ(domain::explanation_from_json(nlohmann::json::parse(*shown->explanation_json)), why);
  EXPECT_EQ(shown->ticket.department, "IT Support");
  const auto listed = this->list(ports::TicketQuery{});
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.front().explanation, std::nullopt);
  EXPECT_EQ(listed.front().department, "IT Support");
  // A ticket without one, and no ticket at all.
  const auto plain = this->create("Printer jam");
  ASSERT_TRUE(this->store->view(plain.id));
  EXPECT_EQ(this->store->view(plain.id)->explanation_json, std::nullopt);
  EXPECT_FALSE(this->store->view(999'999));
}

// A stored explanation this build cannot read (not JSON at all) shows as none rather than
// breaking the answer it goes into, and the ticket is still read.
TYPED_TEST(TicketStoreContract, ADamagedExplanationShowsAsNone) {
  const auto t = this->create("Laptop will not boot");
  this->backend.execute("UPDATE tickets SET explanation = '{\"decided_by\": [' WHERE id = " +
                        std::to_string(t.id));
  const auto shown = this->store->view(t.id);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->explanation_json, std::nullopt);
  EXPECT_EQ(this->store->get(t.id)->explanation, std::nullopt);
}

TYPED_TEST(TicketStoreContract, ListFiltersByAnyOfSeveralPriorities) {
  using domain::Priority;
  const std::vector<Priority> given{Priority::low, Priority::urgent, Priority::high,
                                    Priority::normal, Priority::urgent};
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto t = this->create("Ticket number " + std::to_string(i + 1));
    update_one(*this->store, t.id, [p = given[i]](Ticket& x) {
      x.priority = p;
      return std::vector<Event>{};
    });
  }
  ports::TicketQuery q;
  q.priorities = {Priority::urgent};
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{5, 2}));
  q.priorities = {Priority::high, Priority::urgent};
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{5, 3, 2}));
  q.priorities = {Priority::low};
  q.status = Status::resolved;  // combines with the other filters
  EXPECT_TRUE(this->list(q).empty());
}

TYPED_TEST(TicketStoreContract, SortByPriorityIsMostUrgentFirstThenNewestAndPagesByKeyset) {
  using domain::Priority;
  // ids 1..9 with these priorities
  const std::vector<Priority> given{Priority::normal, Priority::urgent, Priority::low,
                                    Priority::high,   Priority::normal, Priority::urgent,
                                    Priority::high,   Priority::low,    Priority::normal};
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto t = this->create("Ticket number " + std::to_string(i + 1));
    update_one(*this->store, t.id, [p = given[i]](Ticket& x) {
      x.priority = p;
      return std::vector<Event>{};
    });
  }
  const std::vector<domain::TicketId> expected{6, 2, 7, 4, 9, 5, 1, 8, 3};
  ports::TicketQuery q;
  q.by_priority = true;
  EXPECT_EQ(ids(this->list(q)), expected);
  // Pages of 2, each continuing after the last row's (priority, id), walk the same order.
  q.limit = 2;
  std::vector<domain::TicketId> seen;
  for (int page = 0; page < 10; ++page) {
    const auto tickets = this->list(q);
    if (tickets.empty()) break;
    for (const auto& t : tickets) seen.push_back(t.id);
    q.before_id = tickets.back().id;
    q.before_priority = tickets.back().priority;
  }
  EXPECT_EQ(seen, expected);
}

TYPED_TEST(TicketStoreContract, TextSearchIsCaseInsensitiveOverTitleAndDescription) {
  const auto a = create_one(*this->store, new_ticket("VPN drops every hour", "Since Monday"), 1,
                            created_event);
  const auto b =
      create_one(*this->store, new_ticket("Expense claim", "My vpn token expired, cannot file"), 1,
                 created_event);
  create_one(*this->store, new_ticket("Chair broken", "The wheel came off"), 1, created_event);
  ports::TicketQuery q;
  q.text = "Vpn";
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{b.id, a.id}));
  q.text = "WHEEL";
  EXPECT_EQ(this->list(q).size(), 1u);
  q.text = "nothing like this";
  EXPECT_TRUE(this->list(q).empty());
  q.text = "";
  EXPECT_EQ(this->list(q).size(), 3u);
  q.text = "vpn";
  q.before_id = b.id;
  EXPECT_EQ(ids(this->list(q)), (std::vector<domain::TicketId>{a.id}));
}

TYPED_TEST(TicketStoreContract, TextSearchTreatsWildcardsQuotesAndSqlLiterally) {
  const std::vector<std::string> titles = {
      "100% broken",
      "snake_case name",
      "path C:\\temp\\x",
      "O'Brien said \"hi\"",
      "'; DROP TABLE tickets; --",
      "<script>alert('x')</script> & <b>bold</b>",
      "plain ticket 100 percent",
      "snakeXcase plain",
  };
  for (const auto& title : titles) this->create(title);

  auto titles_matching = [&](const std::string& text) {
    ports::TicketQuery q;
    q.text = text;
    std::set<std::string> out;
    for (const auto& t : this->list(q)) out.insert(t.title);
    return out;
  };
  EXPECT_EQ(titles_matching("%"), std::set<std::string>{"100% broken"});
  EXPECT_EQ(titles_matching("_"), std::set<std::string>{"snake_case name"});
  EXPECT_EQ(titles_matching("snake_case"), std::set<std::string>{"snake_case name"});
  EXPECT_EQ(titles_matching("\\"), std::set<std::string>{"path C:\\temp\\x"});
  EXPECT_EQ(titles_matching("\\t"), std::set<std::string>{"path C:\\temp\\x"});
  EXPECT_EQ(titles_matching("'"),
            (std::set<std::string>{"O'Brien said \"hi\"", "'; DROP TABLE tickets; --",
                                   "<script>alert('x')</script> & <b>bold</b>"}));
  EXPECT_EQ(titles_matching("\"hi\""), std::set<std::string>{"O'Brien said \"hi\""});
  EXPECT_EQ(titles_matching("drop table"), std::set<std::string>{"'; DROP TABLE tickets; --"});
  EXPECT_EQ(titles_matching("<b>"),
            std::set<std::string>{"<script>alert('x')</script> & <b>bold</b>"});

  // Everything is stored verbatim, and the table survived.
  std::set<std::string> stored;
  for (const auto& t : this->list({})) stored.insert(this->store->get(t.id)->title);
  EXPECT_EQ(stored, std::set<std::string>(titles.begin(), titles.end()));
}

TYPED_TEST(TicketStoreContract, ATextSearchPastItsTimeBudgetIsStoppedWithSearchTimeout) {
  // Enough text that scanning it all takes far longer than the budget (a millisecond).
  constexpr int kBatches = 40, kPerBatch = 500;
  std::string description;
  for (int i = 0; description.size() < 2000; ++i) description += "word" + std::to_string(i) + " ";
  for (int b = 0; b < kBatches; ++b) {
    std::vector<ports::TicketCreate> batch;
    for (int i = 0; i < kPerBatch; ++i)
      batch.emplace_back(new_ticket("Ticket " + std::to_string(i), description), nullptr);
    this->store->create_batch(batch, 1'700'000'000'000);
  }
  ports::TicketQuery q;
  q.text = "zq";  // matches nothing (and is too short for a trigram index): every row is read
  q.search_budget = std::chrono::milliseconds(1);
  EXPECT_THROW(this->list(q), ports::SearchTimeout);

  // The same search within a budget it can meet; and the connection is usable again.
  q.search_budget = std::chrono::milliseconds(60'000);
  EXPECT_TRUE(this->list(q).empty());
  q.text = std::nullopt;
  q.search_budget = std::chrono::milliseconds(1);  // only a text search has a budget
  EXPECT_EQ(this->list(q).size(), 50u);
}

TYPED_TEST(TicketStoreContract, UpdateWritesTheTicketAndItsEventsTogether) {
  const auto t = this->create("Laptop will not boot", 1000);
  drain(*this->store);
  auto updated = update_one(*this->store, t.id, [](Ticket& x) {
    x.department = "IT Support";
    x.confidence_score = 92;
    x.categorized_by = domain::CategorizedBy::claude;
    x.status = Status::in_progress;
    x.updated_at = 2000;
    const domain::payload::DepartmentUpdated change{"IT Support", std::nullopt, 92,
                                                    domain::CategorizedBy::claude};
    return std::vector<Event>{domain::make_event(change, x, 2000, "")};
  });
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->department, "IT Support");
  EXPECT_EQ(updated->confidence_score, 92);
  EXPECT_EQ(updated->categorized_by, domain::CategorizedBy::claude);
  EXPECT_EQ(updated->status, Status::in_progress);
  EXPECT_EQ(updated->updated_at, 2000);
  EXPECT_EQ(updated->created_at, 1000);
  EXPECT_EQ(this->store->get(t.id), updated);
  const auto messages = drain(*this->store);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].routing_key, "ticket.department.updated");
  EXPECT_EQ(domain::parse_event(messages[0].body).ticket, *updated);
}

TYPED_TEST(TicketStoreContract, UpdateThatChangesNothingWritesNothing) {
  const auto t = this->create("Laptop will not boot");
  drain(*this->store);
  int notified = 0;
  this->store->set_listener([&] { ++notified; });
  auto result = update_one(*this->store, t.id, [](Ticket&) { return std::vector<Event>{}; });
  EXPECT_EQ(result, t);
  EXPECT_EQ(this->store->get(t.id), t);
  EXPECT_TRUE(drain(*this->store).empty());
  EXPECT_EQ(notified, 0);
}

TYPED_TEST(TicketStoreContract, UpdateWithoutEventsStillWritesAModifiedTicket) {
  const auto t = this->create("Laptop will not boot");
  drain(*this->store);
  int notified = 0;
  this->store->set_listener([&] { ++notified; });
  auto result = update_one(*this->store, t.id, [](Ticket& x) {
    x.department = "IT Support";  // e.g. a first department, announced by routing instead
    x.updated_at = 5;
    return std::vector<Event>{};
  });
  ASSERT_TRUE(result);
  EXPECT_EQ(result->department, "IT Support");
  EXPECT_EQ(this->store->get(t.id), result);
  EXPECT_TRUE(drain(*this->store).empty());
  EXPECT_EQ(notified, 0);
}

TYPED_TEST(TicketStoreContract, UpdateWithEventsButNoModificationWritesOnlyTheEvents) {
  const auto t = this->create("Laptop will not boot");
  drain(*this->store);
  auto result = update_one(*this->store, t.id, [](Ticket& x) {
    return std::vector<Event>{
        domain::make_event(domain::payload::StatusUpdated{x.status}, x, 1, "")};
  });
  EXPECT_EQ(result, t);
  EXPECT_EQ(this->store->get(t.id), t);
  EXPECT_EQ(drain(*this->store).size(), 1u);
}

TYPED_TEST(TicketStoreContract, UpdateThatThrowsWritesNothing) {
  const auto t = this->create("Laptop will not boot");
  drain(*this->store);
  EXPECT_THROW(update_one(*this->store, t.id,
                          [](Ticket& x) -> std::vector<Event> {
                            x.status = Status::resolved;
                            throw std::runtime_error("change failed");
                          }),
               std::runtime_error);
  EXPECT_EQ(this->store->get(t.id), t);
  EXPECT_TRUE(drain(*this->store).empty());
}

TYPED_TEST(TicketStoreContract, UpdateOfUnknownIdReturnsNulloptWithoutCallingChange) {
  bool called = false;
  EXPECT_EQ(update_one(*this->store, 42,
                       [&](Ticket&) {
                         called = true;
                         return std::vector<Event>{};
                       }),
            std::nullopt);
  EXPECT_FALSE(called);
}

TYPED_TEST(TicketStoreContract, UpdateCannotChangeTheId) {
  const auto a = this->create("First ticket");
  const auto b = this->create("Second ticket");
  auto updated = update_one(*this->store, a.id, [&](Ticket& x) {
    x.id = b.id;
    x.title = "First, edited";
    return std::vector<Event>{
        domain::make_event(domain::payload::StatusUpdated{x.status}, x, 1, "")};
  });
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->id, a.id);
  EXPECT_EQ(this->store->get(a.id)->title, "First, edited");
  EXPECT_EQ(this->store->get(b.id)->title, "Second ticket");
}

TYPED_TEST(TicketStoreContract, ListenerIsCalledAfterTheCommit) {
  std::vector<std::size_t> visible_when_notified;
  this->store->set_listener([&] { visible_when_notified.push_back(this->list({}).size()); });
  this->create("One ticket");
  this->create("Another ticket");
  EXPECT_EQ(visible_when_notified, (std::vector<std::size_t>{1, 2}));
  this->store->set_listener([] { throw std::runtime_error("listener bug"); });
  EXPECT_NO_THROW(this->create("Still created"));  // committed regardless
  EXPECT_EQ(this->list({}).size(), 3u);
}

TYPED_TEST(TicketStoreContract, RelayPublishesOldestFirstInBatches) {
  for (int i = 0; i < 5; ++i) this->create("Ticket number " + std::to_string(i));
  std::vector<std::vector<std::int64_t>> batches;
  auto collect = [&](const std::vector<ports::OutboxMessage>& batch) {
    batches.emplace_back();
    for (const auto& m : batch) batches.back().push_back(domain::parse_event(m.body).ticket.id);
  };
  EXPECT_EQ(this->store->relay(2, collect), 2u);
  EXPECT_EQ(this->store->relay(2, collect), 2u);
  EXPECT_EQ(this->store->relay(2, collect), 1u);
  EXPECT_EQ(this->store->relay(2, collect), 0u);
  EXPECT_EQ(this->store->relay(0, collect), 0u);
  EXPECT_EQ(batches, (std::vector<std::vector<std::int64_t>>{{1, 2}, {3, 4}, {5}}));
}

TYPED_TEST(TicketStoreContract, TheBacklogCountsWhatWaitsAndDatesTheOldest) {
  EXPECT_EQ(this->store->backlog().messages, 0u);
  EXPECT_FALSE(this->store->backlog().oldest_created_at);
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int i = 0; i < 3; ++i) this->create("Waiting " + std::to_string(i));
  const auto waiting = this->store->backlog();
  EXPECT_EQ(waiting.messages, 3u);
  ASSERT_TRUE(waiting.oldest_created_at);
  EXPECT_GE(*waiting.oldest_created_at, before);
  EXPECT_LE(*waiting.oldest_created_at, before + 60'000);
  this->store->relay(2, [](const std::vector<ports::OutboxMessage>&) {});
  EXPECT_EQ(this->store->backlog().messages, 1u);
  this->store->relay(10, [](const std::vector<ports::OutboxMessage>&) {});
  EXPECT_EQ(this->store->backlog().messages, 0u);
  EXPECT_FALSE(this->store->backlog().oldest_created_at);
}

TYPED_TEST(TicketStoreContract, ThrowingPublishLeavesTheRowsForTheNextRelay) {
  this->create("First ticket");
  this->create("Second ticket");
  std::vector<std::string> first_try;
  EXPECT_THROW(this->store->relay(10,
                                  [&](const std::vector<ports::OutboxMessage>& batch) {
                                    for (const auto& m : batch) first_try.push_back(m.event_id);
                                    throw std::runtime_error("broker down");
                                  }),
               std::runtime_error);
  const auto retried = drain(*this->store);
  ASSERT_EQ(retried.size(), 2u);
  EXPECT_EQ(retried[0].event_id, first_try[0]);
  EXPECT_EQ(retried[1].event_id, first_try[1]);
  EXPECT_LT(retried[0].seq, retried[1].seq);
}

TYPED_TEST(TicketStoreContract, ARelayDoesNotSeeRowsAnotherRelayHasClaimed) {
  for (int i = 0; i < 4; ++i) this->create("Ticket number " + std::to_string(i));
  std::vector<std::int64_t> outer, inner;
  this->store->relay(2, [&](const std::vector<ports::OutboxMessage>& batch) {
    for (const auto& m : batch) outer.push_back(m.seq);
    // A second relay running while the first is publishing.
    this->store->relay(10, [&](const std::vector<ports::OutboxMessage>& b) {
      for (const auto& m : b) inner.push_back(m.seq);
    });
  });
  ASSERT_EQ(outer.size(), 2u);
  ASSERT_EQ(inner.size(), 2u);
  EXPECT_LT(outer.back(), inner.front());
  EXPECT_TRUE(drain(*this->store).empty());
}

TYPED_TEST(TicketStoreContract, ConcurrentRelaysPublishEveryMessageExactlyOnce) {
  constexpr int kTickets = 200;
  std::mutex mu;
  std::vector<std::string> published;
  std::atomic<bool> done_creating{false};
  std::thread writer([&] {
    for (int i = 0; i < kTickets; ++i) this->create("Ticket number " + std::to_string(i));
    done_creating = true;
  });
  std::vector<std::thread> relays;
  for (int r = 0; r < 3; ++r) {
    relays.emplace_back([&] {
      // Bounded in time, not in rounds: on a busy machine the writer may need many more
      // empty rounds than usual (a round limit once ended the relays before the writer).
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline) {
        const bool finished = done_creating;
        const auto n = this->store->relay(7, [&](const std::vector<ports::OutboxMessage>& batch) {
          std::lock_guard lock(mu);
          for (const auto& m : batch) published.push_back(m.event_id);
        });
        if (finished && n == 0) break;
      }
    });
  }
  writer.join();
  for (auto& t : relays) t.join();
  EXPECT_EQ(published.size(), static_cast<std::size_t>(kTickets));
  EXPECT_EQ(std::set<std::string>(published.begin(), published.end()).size(),
            static_cast<std::size_t>(kTickets));
}

TYPED_TEST(TicketStoreContract, ConcurrentWritersAndReaders) {
  constexpr int kWriters = 3;
  constexpr int kPerWriter = 80;
  std::atomic<int> writers_done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (int i = 0; i < kPerWriter; ++i) {
          const auto t =
              this->create("writer " + std::to_string(w) + " ticket " + std::to_string(i));
          // Every other one is updated too: read-modify-write races with the other writers.
          if (i % 2 == 0) this->set(t.id, Status::in_progress, "IT Support");
        }
      } catch (...) {
        failed = true;
      }
      ++writers_done;
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      try {
        for (int i = 0; i < 2000 && writers_done < kWriters; ++i) {
          ports::TicketQuery q;
          q.limit = 20;
          if (i % 2) q.status = Status::in_progress;
          const auto page = this->list(q);
          for (std::size_t k = 1; k < page.size(); ++k)
            if (page[k].id >= page[k - 1].id) failed = true;  // newest first, always
          for (const auto& t : page)
            if (!this->store->get(t.id)) failed = true;  // a listed ticket is committed
        }
      } catch (...) {
        failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed);
  ports::TicketQuery all;
  all.limit = 1000;
  EXPECT_EQ(this->list(all).size(), static_cast<std::size_t>(kWriters * kPerWriter));
  all.status = Status::in_progress;
  EXPECT_EQ(this->list(all).size(), static_cast<std::size_t>(kWriters * kPerWriter / 2));
  EXPECT_EQ(drain(*this->store).size(), static_cast<std::size_t>(kWriters * kPerWriter * 3 / 2));
}

TYPED_TEST(TicketStoreContract, TicketsAndOutboxPersistAcrossReopen) {
  const auto t = this->create("Laptop will not boot");
  update_one(*this->store, t.id, [](Ticket& x) {
    x.status = Status::resolved;
    return std::vector<Event>{
        domain::make_event(domain::payload::StatusUpdated{x.status}, x, 1, "")};
  });
  this->reopen();
  ASSERT_TRUE(this->store->get(t.id));
  EXPECT_EQ(this->store->get(t.id)->status, Status::resolved);
  EXPECT_EQ(drain(*this->store).size(), 2u);
  // Ids keep growing after a restart.
  EXPECT_GT(this->create("After restart").id, t.id);
}

}  // namespace
}  // namespace st::contract
