// Root, health, statuses and the cross-cutting conventions every response follows
// (X-Request-Id, JSON error bodies).
#include <set>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Meta : public SharedServerTest {};

TEST_F(Meta, RootDescribesTheServiceAndItsEndpoints) {
  const Response r = http().get("/");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header("Content-Type").rfind("application/json", 0), 0u) << r.describe();
  ASSERT_TRUE(r.is_json && r.json.is_object()) << r.describe();
  for (const char* key : {"service", "version", "mode"}) {
    ASSERT_TRUE(r.json.contains(key) && r.json[key].is_string()) << key << ": " << r.describe();
    EXPECT_FALSE(r.json[key].get<std::string>().empty()) << key;
  }
  ASSERT_TRUE(r.json.contains("endpoints") && r.json["endpoints"].is_object()) << r.describe();
  EXPECT_FALSE(r.json["endpoints"].empty());
}

TEST_F(Meta, RootRedirectsBrowsersToTheUi) {
  const Response r =
      http().get("/", {{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9"}});
  EXPECT_TRUE(r.status == 302 || r.status == 303) << r.describe();
  const std::string location = r.header("Location");
  ASSERT_FALSE(location.empty()) << "redirect without Location: " << r.describe();
  // Relative ("/ui/") or absolute ("http://host:port/ui/") are both valid Location values.
  EXPECT_TRUE(location.size() >= 4 && location.compare(location.size() - 4, 4, "/ui/") == 0)
      << "Location: " << location;
}

TEST_F(Meta, HealthProbesEveryService) {
  const Response r = http().get("/api/health");
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_TRUE(r.is_json && r.json.is_object()) << r.describe();
  ASSERT_TRUE(r.json.contains("status") && r.json["status"].is_string()) << r.describe();
  const std::string status = r.json["status"];
  EXPECT_TRUE(status == "healthy" || status == "degraded") << status;
  ASSERT_TRUE(r.json.contains("services") && r.json["services"].is_object()) << r.describe();
  for (const char* svc : {"gateway", "tickets", "categorizer", "routing", "analytics"}) {
    EXPECT_TRUE(r.json["services"].contains(svc))
        << "services." << svc << " missing: " << r.describe();
  }
  // Dead letters are kept, never dropped, and counted per queue.
  ASSERT_TRUE(r.json.contains("dead_letters")) << r.describe();
  EXPECT_TRUE(r.json["dead_letters"]["total"].is_number_unsigned()) << r.describe();
  for (const char* queue :
       {"categorizer", "routing", "analytics", "categorizer-training", "gateway"})
    EXPECT_TRUE(r.json["dead_letters"]["queues"][queue].is_number_unsigned())
        << "dead_letters.queues." << queue << ": " << r.describe();
  if (!external_mode()) {
    // Everything runs in one process here, so nothing can be missing. The categorizer alone
    // may be degraded: without an Anthropic key the fallbacks categorize (it still works).
    for (const char* svc : {"gateway", "tickets", "routing", "analytics"})
      EXPECT_EQ(r.json["services"][svc]["status"], "healthy") << svc << ": " << r.describe();
    const std::string categorizer = r.json["services"]["categorizer"]["status"];
    EXPECT_TRUE(categorizer == "healthy" || categorizer == "degraded") << r.describe();
    EXPECT_EQ(status, categorizer) << r.describe();
  }
}

// Clients build their status pickers from this list (the console does), in lifecycle order.
TEST_F(Meta, StatusesAreTheLifecycleStatesInOrder) {
  const Response r = http().get("/api/statuses");
  ASSERT_TRUE(IsSuccess(r, 200));
  EXPECT_EQ(r.json["statuses"],
            json::array({"pending", "in_progress", "waiting_on_customer", "resolved"}))
      << r.describe();
}

TEST_F(Meta, EveryResponseCarriesAGeneratedRequestId) {
  // Successes, client errors of each kind and a 405: all must carry the header.
  std::vector<Response> responses;
  responses.push_back(http().get("/"));
  responses.push_back(http().get("/api/health"));
  responses.push_back(http().get("/api/departments"));
  responses.push_back(http().get("/api/tickets/987654321"));
  responses.push_back(http().get("/api/no-such-endpoint"));
  responses.push_back(http().post_json("/api/tickets", json::object()));
  responses.push_back(http().request("DELETE", "/api/tickets"));
  std::set<std::string> ids;
  for (const auto& r : responses) {
    const std::string id = r.header("X-Request-Id");
    EXPECT_FALSE(id.empty()) << "no X-Request-Id on " << r.describe();
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), responses.size()) << "generated request ids must differ per request";
}

TEST_F(Meta, RequestIdIsEchoedWhenSent) {
  const std::string id = "e2e-" + unique_tag();
  const Response ok = http().get("/api/health", {{"X-Request-Id", id}});
  EXPECT_EQ(ok.header("X-Request-Id"), id) << ok.describe();
  const Response err = http().get("/api/tickets/987654321", {{"X-Request-Id", id + "-2"}});
  EXPECT_EQ(err.header("X-Request-Id"), id + "-2") << err.describe();
  const Response bad =
      http().post_json("/api/tickets", json::object(), {{"X-Request-Id", id + "-3"}});
  EXPECT_EQ(bad.header("X-Request-Id"), id + "-3") << bad.describe();
}

TEST_F(Meta, ErrorsAreJsonWithSuccessErrorAndCode) {
  EXPECT_TRUE(IsError(http().get("/api/no-such-endpoint"), 404));
  EXPECT_TRUE(IsError(http().get("/api/tickets/987654321"), 404));
  EXPECT_TRUE(IsError(http().post_json("/api/tickets", json::object()), 400));
  EXPECT_TRUE(IsError(http().request("DELETE", "/api/tickets"), 405));
  EXPECT_TRUE(IsError(http().get("/api/tickets?limit=0"), 400));
}

}  // namespace
}  // namespace st::e2e
