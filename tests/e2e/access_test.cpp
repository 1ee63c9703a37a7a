// Access control on a server of the test's own: the first admin key, hostile Authorization
// headers, revocation, a requester's privacy, rate limits, the open mode's loopback rule and
// secrets kept out of logs and the config printout.
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Access : public OwnServerTest {
 protected:
  ApiKey make_key(const json& body) { return create_key(http(), body); }
  // A client that sends exactly `headers` (no suite key).
  std::unique_ptr<HttpClient> bare() {
    return std::make_unique<HttpClient>("127.0.0.1", server().port());
  }
};

TEST_F(Access, FirstStartWritesOneAdminKeyReadableOnlyByItsOwner) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string file = server().data_dir() + "/admin.key";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string key = suite_key(&server());
  EXPECT_TRUE(std::regex_match(key, std::regex("stk_[0-9a-f]{16}_[0-9a-f]{32}"))) << key;
  // The log says where the key is, and never the secret.
  EXPECT_NE(server().output().find("admin.key"), std::string::npos) << server().output();
  EXPECT_EQ(server().output().find(key), std::string::npos);

  const Response me = http().get("/api/me");
  ASSERT_TRUE(IsSuccess(me, 200)) << me.describe();
  EXPECT_EQ(me.json["key"]["role"], "admin");
  EXPECT_EQ(me.json["key"]["id"], key.substr(4, 16));

  // A restart keeps the key and makes no second one.
  ASSERT_NO_FATAL_FAILURE(restart());
  EXPECT_EQ(suite_key(&server()), key);
  const Response keys = http().get("/api/keys");
  ASSERT_TRUE(IsSuccess(keys, 200)) << keys.describe();
  EXPECT_EQ(keys.json["count"], 1);
  EXPECT_FALSE(keys.json["keys"][0].contains("secret"));
  EXPECT_EQ(keys.body.find(key.substr(21)), std::string::npos) << "a listing shows no secret";
}

TEST_F(Access, ARevokedKeyStopsWorkingAtOnceAndTheLastAdminKeyStays) {
  ASSERT_NO_FATAL_FAILURE(start());
  const ApiKey agent = make_key({{"name", "Alex"}, {"role", "agent"}});
  auto client = bare();
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets", bearer(agent.secret)), 200));
  const Response del = http().request("DELETE", "/api/keys/" + agent.id);
  ASSERT_TRUE(IsSuccess(del, 200)) << del.describe();
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets", bearer(agent.secret))));
  EXPECT_TRUE(IsError(http().request("DELETE", "/api/keys/" + agent.id), 404));

  // The only admin key cannot be revoked (nobody could manage keys afterwards).
  const std::string admin_id = suite_key(&server()).substr(4, 16);
  EXPECT_TRUE(IsError(http().request("DELETE", "/api/keys/" + admin_id), 409));
  EXPECT_TRUE(IsSuccess(http().get("/api/me"), 200));
}

TEST_F(Access, RateLimitsAnswer429WithRetryAfterAndSpareProbes) {
  ASSERT_NO_FATAL_FAILURE(start({"--rate-limit-requester=3", "--rate-limit-anonymous=2"}));
  const ApiKey rita =
      make_key({{"name", "Rita"}, {"role", "requester"}, {"email", "r@example.com"}});
  auto client = bare();
  for (int i = 0; i < 3; ++i) {
    const Response r = client->get("/api/tickets", bearer(rita.secret));
    ASSERT_TRUE(IsSuccess(r, 200)) << r.describe();
    EXPECT_EQ(r.header("RateLimit-Policy"), "\"default\";q=3;w=60");
    EXPECT_TRUE(r.header("RateLimit").starts_with("\"default\";r=" + std::to_string(2 - i) + ";t="))
        << r.header("RateLimit");
  }
  const Response limited = client->get("/api/tickets", bearer(rita.secret));
  EXPECT_TRUE(IsError(limited, 429)) << limited.describe();
  EXPECT_GE(std::stoi(limited.header("Retry-After")), 1);
  EXPECT_TRUE(limited.header("RateLimit").starts_with("\"default\";r=0;t="));
  // Another key has its own budget (the suite's admin key is unlimited).
  EXPECT_TRUE(IsSuccess(http().get("/api/tickets"), 200));
  EXPECT_FALSE(http().get("/api/tickets").has_header("RateLimit"));

  // Without a key, by address: failed attempts spend the budget, so guessing is limited.
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets")));
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets", bearer("stk_0000000000000000_x"))));
  EXPECT_TRUE(IsError(client->get("/api/tickets"), 429));
  // Probes are never limited, without a key or with one whose budget is spent.
  for (int i = 0; i < 5; ++i) {
    for (const char* probe : {"/api/health", "/health", "/health/live", "/health/ready"}) {
      EXPECT_EQ(client->get(probe).status, 200) << probe;
      EXPECT_EQ(client->get(probe, bearer(rita.secret)).status, 200) << probe;
    }
  }
}

TEST_F(Access, TheOpenModeIsLoopbackOnly) {
  const CommandResult refused =
      run_binary("serve --auth=off --host=0.0.0.0 --port=0 --data-dir=" + server().data_dir());
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("auth is off"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("loopback"), std::string::npos) << refused.output;

  // A service process reachable from other machines needs the service credential.
  const CommandResult no_token = run_binary("serve --target=tickets --host=0.0.0.0 --port=0");
  EXPECT_EQ(no_token.exit_code, 2) << no_token.output;
  EXPECT_NE(no_token.output.find("SMARTTICKET_SERVICE_TOKEN"), std::string::npos)
      << no_token.output;

  ASSERT_NO_FATAL_FAILURE(start({"--auth=off"}));
  EXPECT_FALSE(std::ifstream(server().data_dir() + "/admin.key")) << "no key in the open mode";
  auto client = bare();
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets"), 200));
  EXPECT_TRUE(IsSuccess(client->get("/api/departments"), 200));
  const Response me = client->get("/api/me");
  ASSERT_TRUE(IsSuccess(me, 200)) << me.describe();
  EXPECT_TRUE(me.json["key"].is_null());
}

TEST_F(Access, TheConfigPrintoutShowsNoSecret) {
  const std::string key = "stk_00112233445566ff_00112233445566778899aabbccddeeff";
  const CommandResult r = run_binary("config");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("auth: on"), std::string::npos) << r.output;
  const std::string file = server().data_dir() + "/given.key";
  std::ofstream(file) << key << "\n";
  const std::string token_file = server().data_dir() + "/service.token";
  const std::string token = "a-service-token-that-is-long-enough-0123456789";
  std::ofstream(token_file) << token << "\n";
  const CommandResult with_key =
      run_binary("config --admin-key-file=" + file + " --service-token-file=" + token_file +
                 " --data-dir=" + server().data_dir());
  ASSERT_EQ(with_key.exit_code, 0) << with_key.output;
  EXPECT_NE(with_key.output.find("admin_key: (set)"), std::string::npos) << with_key.output;
  EXPECT_NE(with_key.output.find("service_token: (set)"), std::string::npos) << with_key.output;
  EXPECT_EQ(with_key.output.find(key.substr(21)), std::string::npos) << with_key.output;
  EXPECT_EQ(with_key.output.find(token), std::string::npos) << with_key.output;

  // A given admin key is the install's first key; no file is written.
  ASSERT_NO_FATAL_FAILURE(start({"--admin-key-file=" + file}));
  auto client = bare();
  const Response me = client->get("/api/me", bearer(key));
  ASSERT_TRUE(IsSuccess(me, 200)) << me.describe();
  EXPECT_EQ(me.json["key"]["role"], "admin");
  EXPECT_FALSE(std::ifstream(server().data_dir() + "/admin.key"));
  EXPECT_EQ(server().output().find(key.substr(21)), std::string::npos);
}

TEST_F(Access, AnonymousCreatesAreOffByDefaultAndOnGetATokenForTheirTicketOnly) {
  ASSERT_NO_FATAL_FAILURE(start());
  const auto& s = sample_for("HR");
  const json body = ticket_body(s.title, s.description);
  auto client = bare();
  EXPECT_TRUE(IsUnauthorized(client->post_json("/api/tickets", body)));

  ASSERT_NO_FATAL_FAILURE(restart({"--auth-anonymous-create=true"}));
  client = bare();
  const Response created = client->post_json("/api/tickets", body);
  ASSERT_TRUE(IsSuccess(created, 201)) << created.describe();
  const std::string token = created.json.value("ticket_token", "");
  const auto id = std::to_string(created.json["ticket_id"].get<std::int64_t>());
  EXPECT_TRUE(token.starts_with("stt_" + id + "_")) << created.body;
  const Response async = client->post_json("/api/tickets", body, {{"Prefer", "respond-async"}});
  ASSERT_TRUE(IsSuccess(async, 202)) << async.describe();
  EXPECT_TRUE(async.json.value("ticket_token", "").starts_with("stt_")) << async.body;
  const auto other = std::to_string(async.json["ticket_id"].get<std::int64_t>());

  // The token reads its ticket and trail; nothing else.
  const Headers h = bearer(token);
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets/" + id, h), 200));
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets/" + id + "/events", h), 200));
  EXPECT_TRUE(IsError(client->get("/api/tickets/" + other, h), 404));
  EXPECT_TRUE(IsError(client->get("/api/tickets", h), 403));
  EXPECT_TRUE(IsError(client->get("/api/routing/history/" + id, h), 403));
  EXPECT_TRUE(IsError(
      client->put_json("/api/tickets/" + id + "/status", {{"status", "resolved"}}, h), 403));
  // A token for one ticket does not become another's by editing the number.
  std::string forged = token;
  forged.replace(4, id.size(), other);
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets/" + other, bearer(forged))));
  // Still only without a key: anonymous callers cannot read anything else.
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets/" + id)));
  // The ticket records who filed it: nobody in particular.
  const Response trail = http().get("/api/tickets/" + id + "/events");
  ASSERT_TRUE(IsSuccess(trail, 200));
  EXPECT_EQ(trail.json["events"][0]["actor"]["type"], "anonymous");
}

}  // namespace
}  // namespace st::e2e
