// Closed by default: every route the gateway serves was registered with an access rule, and
// only the probes, the service map, the console's files and the API description are open to anyone.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "auth/access.hpp"
#include "services/gateway/gateway.hpp"
#include "unit/services/gateway/gateway_parts.hpp"

namespace st::services::gateway {
namespace {

class AccessRules : public ::testing::Test, protected GatewayParts {
 protected:
  AccessRules() {
    gateway.register_routes(router);
    gateway.register_health(router, health);
  }

  Gateway gateway{{}, upstreams(), stores()};
  ServiceHealth health{"gateway", {}};
  http::Router router;
};

TEST_F(AccessRules, EveryRouteTheGatewayServesHasARule) {
  const auto routes = router.describe_routes();
  ASSERT_GT(routes.size(), 30u);
  std::set<std::string> served(routes.begin(), routes.end());
  std::set<std::string> ruled;
  for (const auto& [route, access] : gateway.access_rules()) ruled.insert(route);
  EXPECT_EQ(served, ruled);
}

TEST_F(AccessRules, OnlyProbesTheServiceMapTheConsoleAndTheApiDescriptionAreOpen) {
  std::set<std::string> open;
  for (const auto& [route, access] : gateway.access_rules())
    if (access.allows_anonymous()) open.insert(route);
  EXPECT_EQ(open, (std::set<std::string>{
                      "GET /", "GET /health", "GET /health/live", "GET /health/ready",
                      "GET /api/health", "GET /ui", "GET /ui/{file}", "GET /ui/{dir}/{file}",
                      "GET /ui/{dir}/{subdir}/{file}", "GET /api/openapi.json"}));
  for (const auto& route : open) EXPECT_TRUE(gateway.access_rules().at(route).unlimited()) << route;
}

TEST_F(AccessRules, KeysMetricsAndDepartmentChangesAreForAdminsOnly) {
  domain::Principal agent{domain::Principal::Kind::key, "a", "Alex", domain::Role::agent, "", 0};
  domain::Principal admin{domain::Principal::Kind::key, "b", "Ada", domain::Role::admin, "", 0};
  for (const char* route :
       {"POST /api/keys", "GET /api/keys", "DELETE /api/keys/{id}", "GET /metrics",
        "POST /api/departments", "PUT /api/departments/{name}"}) {
    const auto& access = gateway.access_rules().at(route);
    EXPECT_FALSE(access.allows(agent)) << route;
    EXPECT_TRUE(access.allows(admin)) << route;
  }
}

TEST(AccessTest, EachAudienceAllowsExactlyItsRoles) {
  using domain::Principal;
  using domain::Role;
  const Principal anonymous{};
  const Principal requester{Principal::Kind::key, "r", "R", Role::requester, "r@x.io", 0};
  const Principal agent{Principal::Kind::key, "g", "G", Role::agent, "", 0};
  const Principal admin{Principal::Kind::key, "a", "A", Role::admin, "", 0};
  const Principal token{Principal::Kind::ticket_token, "", "", Role::requester, "", 7};
  const Principal system{Principal::Kind::system, "", "", Role::admin, "", 0};
  struct Case {
    auth::Access access;
    bool expected[6];  // anonymous, requester, agent, admin, ticket token, system
  };
  const Case cases[] = {
      {auth::Access::open(), {true, true, true, true, false, false}},
      {auth::Access::signed_in(), {false, true, true, true, false, false}},
      {auth::Access::staff(), {false, false, true, true, false, false}},
      {auth::Access::admins(), {false, false, false, true, false, false}},
      {auth::Access::signed_in().and_anonymous(), {true, true, true, true, false, false}},
      {auth::Access::signed_in().and_ticket_token(), {false, true, true, true, true, false}},
  };
  for (const auto& c : cases) {
    const Principal* who[] = {&anonymous, &requester, &agent, &admin, &token, &system};
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(c.access.allows(*who[i]), c.expected[i])
          << "case " << (&c - cases) << ", caller " << i;
  }
}

}  // namespace
}  // namespace st::services::gateway
