// docs/openapi.json against the gateway's router: every route the gateway registers is an
// operation of the document and every operation a route, with the summary GET / lists and the
// security its access rule allows; docs/api.md names every path. A route added without
// documenting it fails here (docs/api.md, "Adding a route").
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "services/gateway/gateway.hpp"
#include "services/gateway/openapi_files.hpp"
#include "unit/services/gateway/gateway_parts.hpp"
#include "unit/support/dispatch.hpp"

namespace st::services::gateway {
namespace {

using nlohmann::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(SMARTTICKET_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What an operation's `security` must say for a route's access rule: no requirement for an
// open route; else the API key with the roles the rule admits, a ticket token when it admits
// one, and the empty requirement (no credential) when it admits callers without a key.
json expected_security(const auth::Access& access) {
  if (access.unlimited() && access.allows_anonymous()) return json::array();
  using domain::Principal;
  using domain::Role;
  json roles = json::array();
  for (Role role : {Role::requester, Role::agent, Role::admin}) {
    const Principal key{Principal::Kind::key, "k", "K", role, "k@example.com", 0};
    if (access.allows(key)) roles.push_back(domain::to_string(role));
  }
  json security = json::array({{{"apiKey", roles}}});
  if (access.allows_ticket_token()) security.push_back({{"ticketToken", json::array()}});
  if (access.allows_anonymous()) security.push_back(json::object());
  return security;
}

class OpenApiDocument : public ::testing::Test, protected GatewayParts {
 protected:
  OpenApiDocument() {
    gateway.register_routes(router);
    gateway.register_health(router, health);
    const auto files = openapi_files();
    if (files.size() == 1) document = json::parse(files[0].data, nullptr, false);
    const json paths = document.value("paths", json::object());
    for (const auto& [path, item] : paths.items())
      for (const char* method : kMethods)
        if (item.contains(method)) operations[upper(method) + " " + path] = item[method];
  }

  // Resolves a local "$ref" (#/components/...), once.
  const json& resolved(const json& node) const {
    if (!node.is_object() || !node.contains("$ref")) return node;
    return document.at(json::json_pointer(node["$ref"].get<std::string>().substr(1)));
  }

  // Every feature on (anonymous creates too): the document describes all of them.
  Gateway gateway{{.access = {.anonymous_create = true}}, upstreams(), stores()};
  ServiceHealth health{"gateway", {}};
  http::Router router;
  json document;
  std::map<std::string, json> operations;  // "METHOD /path" -> operation
};

TEST_F(OpenApiDocument, IsAnOpenApi31DocumentOfThisVersion) {
  ASSERT_TRUE(document.is_object()) << "the embedded docs/openapi.json does not parse";
  EXPECT_EQ(document.value("openapi", ""), "3.1.0");
  EXPECT_EQ(document["info"].value("version", ""), SMARTTICKET_VERSION);
  EXPECT_EQ(document, json::parse(read_source_file("docs/openapi.json")))
      << "the binary embeds another docs/openapi.json than the source tree's";
}

TEST_F(OpenApiDocument, EveryRouteIsAnOperationAndEveryOperationARoute) {
  const auto routes = router.describe_routes();
  ASSERT_GT(routes.size(), 30u);
  std::set<std::string> served(routes.begin(), routes.end());
  for (const auto& route : served)
    EXPECT_TRUE(operations.contains(route))
        << route << " is served but not described in docs/openapi.json";
  for (const auto& [operation, body] : operations)
    EXPECT_TRUE(served.contains(operation))
        << operation << " is in docs/openapi.json but the gateway does not serve it";
}

TEST_F(OpenApiDocument, SummariesAreTheOnesGetRootLists) {
  const http::Request req{http::bhttp::verb::get, "/", 11};
  const auto res = testing_support::dispatch(router, req);
  ASSERT_EQ(res.result(), http::bhttp::status::ok) << res.body();
  const auto endpoints = json::parse(res.body()).at("endpoints");
  std::set<std::string> listed;
  for (const auto& [route, summary] : endpoints.items()) {
    listed.insert(route);
    ASSERT_TRUE(operations.contains(route)) << route;
    EXPECT_EQ(operations[route].value("summary", ""), summary.get<std::string>()) << route;
  }
  const auto routes = router.describe_routes();
  EXPECT_EQ(listed, std::set<std::string>(routes.begin(), routes.end()))
      << "GET / lists every route the gateway serves";
}

TEST_F(OpenApiDocument, SecurityIsTheRouteAccess) {
  for (const auto& [route, access] : gateway.access_rules()) {
    if (!operations.contains(route)) continue;  // reported by the test above
    EXPECT_EQ(operations[route].value("security", json()), expected_security(access)) << route;
  }
  // The open routes are exactly the ones anyone may call unlimited.
  EXPECT_EQ(expected_security(auth::Access::open()), json::array());
  EXPECT_EQ(expected_security(auth::Access::admins()), json::parse(R"([{"apiKey":["admin"]}])"));
}

TEST_F(OpenApiDocument, EveryRefusalACallerCanGetIsDocumented) {
  for (const auto& [route, access] : gateway.access_rules()) {
    if (!operations.contains(route)) continue;
    const json& responses = operations[route]["responses"];
    EXPECT_TRUE(responses.contains("default")) << route;
    if (access.unlimited()) continue;
    // No key or a bad one, and the rate limit; a ticket token is refused wherever it is not
    // admitted (every role is refused somewhere then, so a 403 is always possible).
    EXPECT_TRUE(responses.contains("401")) << route;
    EXPECT_TRUE(responses.contains("429")) << route;
    if (!access.allows_ticket_token()) {
      EXPECT_TRUE(responses.contains("403")) << route;
    }
  }
}

TEST_F(OpenApiDocument, EveryErrorAnswerIsTheErrorBody) {
  for (const auto& [route, operation] : operations) {
    for (const auto& [status, response] : operation["responses"].items()) {
      if (status != "default" && status < "400") continue;
      const json& r = resolved(response);
      // The health probes answer 503 with their report, not an error.
      if (route.find("/health") != std::string::npos && status == "503") continue;
      const json& schema = r["content"]["application/json"]["schema"];
      const std::string dumped = schema.dump();
      EXPECT_NE(dumped.find("#/components/schemas/Error"), std::string::npos)
          << route << " " << status << ": " << dumped;
    }
  }
}

TEST_F(OpenApiDocument, ApiMdNamesEveryPath) {
  const std::string api_md = read_source_file("docs/api.md");
  ASSERT_FALSE(api_md.empty());
  std::set<std::string> paths;
  for (const auto& route : router.describe_routes())
    paths.insert(route.substr(route.find(' ') + 1));
  for (const auto& path : paths)
    EXPECT_TRUE(api_md.find("`" + path + "`") != std::string::npos ||
                api_md.find("`" + path + "?") != std::string::npos)
        << path << " is not named in docs/api.md (as `" << path << "`)";
}

TEST_F(OpenApiDocument, IsServedAtApiOpenapiJson) {
  const http::Request req{http::bhttp::verb::get, "/api/openapi.json", 11};
  const auto res = testing_support::dispatch(router, req);
  ASSERT_EQ(res.result(), http::bhttp::status::ok);
  EXPECT_EQ(res[http::bhttp::field::content_type], "application/json");
  ASSERT_EQ(openapi_files().size(), 1u);
  EXPECT_EQ(res.body(), openapi_files()[0].data);
  // Cached by clients: the same tag is a 304.
  http::Request again{http::bhttp::verb::get, "/api/openapi.json", 11};
  again.set(http::bhttp::field::if_none_match, res[http::bhttp::field::etag]);
  EXPECT_EQ(testing_support::dispatch(router, again).result(), http::bhttp::status::not_modified);
}

}  // namespace
}  // namespace st::services::gateway
