// Honest health on a server of the test's own: the probes answer anonymously, /health and
// /health/ready touch the data file, and a data file that went away turns /health and
// /api/health 503 naming it (while /health/live stays 200), until it is back.
#include <filesystem>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Health : public OwnServerTest {
 protected:
  // A client that sends no key.
  std::unique_ptr<HttpClient> anonymous() {
    return std::make_unique<HttpClient>("127.0.0.1", server().port());
  }
  std::string data_file() { return server().data_dir() + "/smartticket.db"; }
};

TEST_F(Health, TheProbesAnswerAnonymouslyAndNameTheDataFile) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto client = anonymous();
  const Response live = client->get("/health/live");
  EXPECT_EQ(live.status, 200) << live.describe();
  EXPECT_EQ(live.json["status"], "alive") << live.describe();
  const Response ready = client->get("/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.describe();
  EXPECT_EQ(ready.json["status"], "ready") << ready.describe();
  EXPECT_EQ(ready.json["details"]["database"]["status"], "healthy") << ready.describe();
  const Response health = client->get("/health");
  EXPECT_EQ(health.status, 200) << health.describe();
  EXPECT_EQ(health.json["details"]["database"]["status"], "healthy") << health.describe();
  EXPECT_EQ(health.json["details"]["bus"]["status"], "healthy") << health.describe();
  EXPECT_TRUE(health.json["details"].contains("event_streams")) << health.describe();
  const Response api = client->get("/api/health");
  EXPECT_EQ(api.status, 200) << api.describe();
  for (const char* svc : {"gateway", "tickets", "routing", "analytics"})
    EXPECT_EQ(api.json["services"][svc]["details"]["database"]["status"], "healthy")
        << svc << ": " << api.describe();
}

TEST_F(Health, ADataFileThatWentAwayIsNamedUntilItIsBack) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string moved = data_file() + ".moved";
  std::filesystem::rename(data_file(), moved);

  const Response health = http().get("/health");
  EXPECT_EQ(health.status, 503) << health.describe();
  EXPECT_EQ(health.json["status"], "unhealthy") << health.describe();
  EXPECT_EQ(health.json["details"]["database"]["status"], "unhealthy") << health.describe();
  EXPECT_FALSE(health.json["details"]["database"].value("error", "").empty()) << health.describe();
  EXPECT_EQ(http().get("/health/ready").status, 503);
  EXPECT_EQ(http().get("/health/live").status, 200) << "a restart would not bring the file back";

  const Response api = http().get("/api/health");
  EXPECT_EQ(api.status, 503) << api.describe();
  EXPECT_EQ(api.json["status"], "unhealthy") << api.describe();
  EXPECT_EQ(api.json["services"]["tickets"]["status"], "unhealthy") << api.describe();
  ASSERT_TRUE(api.json.contains("problems") && api.json["problems"].is_array()) << api.describe();
  bool named = false;
  for (const auto& p : api.json["problems"])
    named = named || p.get<std::string>().starts_with("tickets.database: ");
  EXPECT_TRUE(named) << api.describe();

  std::filesystem::rename(moved, data_file());
  const Response back = http().get("/api/health");
  EXPECT_EQ(back.status, 200) << back.describe();
  EXPECT_FALSE(back.json.contains("problems")) << back.describe();
}

}  // namespace
}  // namespace st::e2e
