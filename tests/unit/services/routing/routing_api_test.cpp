// The routing service's HTTP surface on SQLite: the cap on active departments (every name
// goes into each Claude prompt) holds for new departments and for reactivated ones.
#include "services/routing/routing_api.hpp"

#include <gtest/gtest.h>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "http/json_response.hpp"
#include "ports/clock.hpp"
#include "services/tickets/tickets_service.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::routing {
namespace {

using nlohmann::json;
namespace bhttp = http::bhttp;

class RoutingApiTest : public ::testing::Test {
 protected:
  RoutingApiTest() {
    routing.initialize();
    register_routes(router, routing, waits);
  }
  ~RoutingApiTest() override { tickets.stop(); }

  http::Response call(bhttp::verb method, const std::string& target, const json& body = {}) {
    http::Request req{method, target, 11};
    if (!body.is_null()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body.dump();
      req.prepare_payload();
    }
    return testing_support::dispatch(router, req);
  }
  http::Response add(const std::string& name) {
    return call(bhttp::verb::post, "/api/departments", {{"name", name}});
  }
  std::size_t active() { return routing.departments(false).size(); }

  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore ticket_store{db};
  adapters::sqlite::SqliteRoutingStore routing_store{db};
  tickets::TicketsService tickets{ticket_store, clock};
  RoutingService routing{routing_store, tickets, clock};
  http::Router router;
  http::BlockingPool waits{{.name = "test", .threads = 1, .queue = 4}};
};

TEST_F(RoutingApiTest, TheDepartmentPastTheActiveCapIsRefusedWith409DepartmentLimit) {
  for (int i = 0; active() < kMaxActiveDepartments; ++i)
    ASSERT_EQ(add("Team " + std::to_string(i)).result_int(), 201);

  const auto refused = add("One too many");
  EXPECT_EQ(refused.result_int(), 409);
  EXPECT_EQ(json::parse(refused.body())["code"], "department_limit");
  EXPECT_EQ(active(), kMaxActiveDepartments);
  // A taken name is still the plain conflict it always was.
  EXPECT_EQ(json::parse(add("Team 0").body())["code"], "conflict");

  // Deactivating one makes room; reactivating it while another took its place is refused.
  ASSERT_EQ(
      call(bhttp::verb::put, "/api/departments/Team%200", {{"is_active", false}}).result_int(),
      200);
  ASSERT_EQ(add("Newcomer").result_int(), 201);
  const auto reactivated =
      call(bhttp::verb::put, "/api/departments/Team%200", {{"is_active", true}});
  EXPECT_EQ(reactivated.result_int(), 409);
  EXPECT_EQ(json::parse(reactivated.body())["code"], "department_limit");
  // Changing an active one's description is no activation.
  EXPECT_EQ(
      call(bhttp::verb::put, "/api/departments/Newcomer", {{"description", "new"}}).result_int(),
      200);
}

}  // namespace
}  // namespace st::services::routing
