// The tickets service's copy of the SLA policies (TicketsService::recent_sla_policies), on
// SQLite with a manual clock and a store that counts its reads of the policies: creates and
// routing within the TTL read them once, this instance's PUT is seen at once, and a change
// another instance made to the shared store is seen once the TTL has passed.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "services/tickets/tickets_api.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/manual_clock.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::tickets {
namespace {

using domain::Priority;

constexpr domain::Millis kNow = 1'700'000'000'000;
constexpr domain::Millis kSecond = 1000;
constexpr domain::Millis kTtl = TicketsService::kSlaPoliciesTtl;

// The SQLite store, counting the reads of the SLA policies.
class CountingTicketStore final : public ports::TicketStore {
 public:
  explicit CountingTicketStore(ports::TicketStore& inner) : inner_(inner) {}

  std::vector<domain::Ticket> create_batch(const std::vector<ports::TicketCreate>& tickets,
                                           domain::Millis now) override {
    return inner_.create_batch(tickets, now);
  }
  std::optional<domain::Ticket> get(domain::TicketId id) override { return inner_.get(id); }
  std::vector<domain::Ticket> list(const ports::TicketQuery& q) override { return inner_.list(q); }
  std::vector<std::optional<domain::Ticket>> update_batch(
      const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) override {
    return inner_.update_batch(changes);
  }
  std::vector<std::optional<domain::Ticket>> update_batch_assigning(
      const std::vector<std::pair<domain::TicketId, ports::AssigningChange>>& changes) override {
    return inner_.update_batch_assigning(changes);
  }
  std::optional<domain::Comment> add_comment(domain::TicketId id, const domain::NewComment& comment,
                                             const domain::Actor& author, domain::Millis now,
                                             const ports::CommentEvents& events) override {
    return inner_.add_comment(id, comment, author, now, events);
  }
  ports::Page<domain::Comment> comments(domain::TicketId id, bool public_only,
                                        const ports::PageRequest& page) override {
    return inner_.comments(id, public_only, page);
  }
  void put_agent(const ports::AgentRecord& agent) override { inner_.put_agent(agent); }
  std::optional<domain::Assignee> find_agent(std::string_view id) override {
    return inner_.find_agent(id);
  }
  void set_assignment_mode(const std::string& department, domain::AssignmentMode mode) override {
    inner_.set_assignment_mode(department, mode);
  }
  std::map<std::string, domain::AssignmentMode> assignment_modes() override {
    return inner_.assignment_modes();
  }
  std::vector<domain::TicketId> open_tickets_of(std::string_view agent_id) override {
    return inner_.open_tickets_of(agent_id);
  }
  std::map<domain::Priority, domain::SlaPolicy> sla_policies() override {
    ++policy_reads;
    return inner_.sla_policies();
  }
  void put_sla_policies(const std::map<domain::Priority, domain::SlaPolicy>& policies) override {
    inner_.put_sla_policies(policies);
  }
  std::vector<domain::TicketId> overdue_sla(domain::Millis now, int limit) override {
    return inner_.overdue_sla(now, limit);
  }

  int policy_reads = 0;

 private:
  ports::TicketStore& inner_;
};

class TicketsSlaCache : public ::testing::Test {
 protected:
  ~TicketsSlaCache() override { service.stop(); }

  domain::Ticket create() {
    return service.create({"Printer jams", "It jams on every page", "Ann", "ann@example.com"}, "");
  }
  std::optional<domain::Ticket> route(domain::TicketId id, Priority p) {
    ports::DepartmentSetter::Decision d{
        id, "IT", 90, domain::CategorizedBy::keywords, "", domain::Actor::system()};
    d.priority = p;
    return service.set_departments({d}).at(0);
  }

  testing_support::TempDir dir;
  testing_support::ManualClock clock{kNow};
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore sqlite{db};
  CountingTicketStore store{sqlite};
  TicketsService service{store, clock};
};

TEST_F(TicketsSlaCache, CreatesAndRoutingWithinTheTtlReadThePoliciesOnce) {
  create();
  EXPECT_EQ(store.policy_reads, 1);
  clock.advance(kTtl - 1);
  const auto second = create();
  const auto routed = route(second.id, Priority::urgent);
  ASSERT_TRUE(routed);
  EXPECT_EQ(store.policy_reads, 1);
  // The copy gave the same targets a read would have.
  EXPECT_EQ(second.sla.first_response_due, kNow + kTtl - 1 + 8 * 3600 * kSecond);
  EXPECT_EQ(routed->sla.first_response_due, second.created_at + 3600 * kSecond);

  clock.advance(1);  // the TTL has passed
  create();
  EXPECT_EQ(store.policy_reads, 2);
  // A clock set back does not keep the copy longer.
  clock.set(kNow);
  create();
  EXPECT_EQ(store.policy_reads, 3);
}

TEST_F(TicketsSlaCache, ThisInstancesPutIsSeenAtOnce) {
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(0));
  create();  // the defaults, kept for the TTL
  http::Request put{http::bhttp::verb::put, "/api/sla/policies", 11};
  put.set(http::bhttp::field::content_type, "application/json");
  put.body() = R"({"normal": {"first_response_seconds": 10, "resolution_seconds": 100},
                   "urgent": {"first_response_seconds": 20, "resolution_seconds": 200}})";
  put.prepare_payload();
  const auto res = testing_support::dispatch(router, put);
  ASSERT_EQ(res.result_int(), 200) << res.body();

  // No time has passed: the next create and the next routing take the new targets.
  const auto t = create();
  EXPECT_EQ(t.sla.first_response_due, kNow + 10 * kSecond);
  EXPECT_EQ(t.sla.resolution_due, kNow + 100 * kSecond);
  const auto routed = route(t.id, Priority::urgent);
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->sla.first_response_due, kNow + 20 * kSecond);
}

TEST_F(TicketsSlaCache, AChangeMadeInTheStoreIsSeenAfterTheTtl) {
  create();  // the defaults, kept for the TTL
  // Another instance (same database) changes the normal policy.
  sqlite.put_sla_policies({{Priority::normal, {10, 100, domain::Escalation::none}}});
  clock.advance(kTtl - 1);
  const auto within = create();
  EXPECT_EQ(within.sla.first_response_due, clock.now() + 8 * 3600 * kSecond);  // the copy
  // An agent's change of priority reads the stored policies, not the copy.
  ASSERT_TRUE(service.update_priority(within.id, Priority::high, "", domain::Actor::system()));
  ASSERT_TRUE(service.update_priority(within.id, Priority::normal, "", domain::Actor::system()));
  EXPECT_EQ(service.get(within.id)->sla.first_response_due, within.created_at + 10 * kSecond);

  clock.advance(1);
  const auto after = create();
  EXPECT_EQ(after.sla.first_response_due, clock.now() + 10 * kSecond);
  EXPECT_EQ(after.sla.resolution_due, clock.now() + 100 * kSecond);
}

}  // namespace
}  // namespace st::services::tickets
