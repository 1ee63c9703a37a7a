// Access control on the suite's server, or on the cluster (SMARTTICKET_E2E_URL with its admin
// key): hostile Authorization headers, key validation and revocation, a requester's privacy and
// the 429 of a requester's rate limit. Each test makes its own keys and its own requester, so
// it holds on a server other tests share.
#include <cctype>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class AccessShared : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty()) GTEST_SKIP() << "the server runs in the open mode";
  }
  ApiKey make_key(const json& body) { return create_key(http(), body); }
  // A client that sends no key unless told to.
  std::unique_ptr<HttpClient> bare() {
    auto c = new_client();
    c->clear_default_headers();
    return c;
  }
};

TEST_F(AccessShared, HostileAuthorizationHeadersAreRefusedWith401) {
  const std::string key = suite_key(shared_process());
  const std::string wrong_secret = key.substr(0, key.size() - 1) + (key.back() == '0' ? "1" : "0");
  const std::vector<Headers> cases{
      {},                                                                        // none
      {{"Authorization", ""}},                                                   // empty
      {{"Authorization", "Bearer"}},                                             // no token
      {{"Authorization", "Bearer "}},                                            // empty token
      {{"Authorization", "Basic " + key}},                                       // another scheme
      {{"Authorization", "Bearer  " + key}},                                     // two spaces
      {{"Authorization", "Bearer " + std::string(300, 'a')}},                    // oversized
      {{"Authorization", "Bearer stk_\xc3\xa9t\xc3\xa9"}},                       // non-ASCII
      {{"Authorization", "Bearer " + key}, {"Authorization", "Bearer " + key}},  // two headers
      {{"Authorization", "Bearer " + wrong_secret}},  // wrong secret, known id
      {{"Authorization", "Bearer stk_0123456789abcdef_0123456789abcdef0123456789abcdef"}},
  };
  auto client = bare();
  for (const auto& h : cases) {
    const Response r = client->request("GET", "/api/tickets", std::nullopt, h);
    EXPECT_TRUE(IsUnauthorized(r))
        << (h.empty() ? "no header" : h[0].second.substr(0, 40)) << ": " << r.describe();
    // The answer never echoes what was sent.
    if (!h.empty() && h[0].second.size() > 12) {
      EXPECT_EQ(r.body.find(h[0].second.substr(7)), std::string::npos) << r.body;
    }
  }
  // Never from a query string.
  const Response q = client->get("/api/tickets?api_key=" + key + "&access_token=" + key);
  EXPECT_TRUE(IsUnauthorized(q)) << q.describe();
  // The scheme is case-insensitive.
  const Response lower =
      client->request("GET", "/api/me", std::nullopt, {{"Authorization", "bearer " + key}});
  EXPECT_TRUE(IsSuccess(lower, 200)) << lower.describe();
}

TEST_F(AccessShared, KeysAreValidatedAndShownOnce) {
  const std::string tag = unique_tag();
  EXPECT_TRUE(IsError(http().post_json("/api/keys", {{"role", "agent"}}), 400, "name"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/keys", {{"name", "x"}, {"role", "root"}}), 400, "role"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/keys", {{"name", "x"}, {"role", "requester"}}), 400, "email"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/keys", {{"name", "x"}, {"role", "agent"}, {"email", "no"}}),
              400, "email"));
  const Response r = http().post_json(
      "/api/keys",
      {{"name", "Rita"}, {"role", "requester"}, {"email", "rita-" + tag + "@example.com"}});
  ASSERT_TRUE(IsSuccess(r, 201)) << r.describe();
  EXPECT_EQ(r.json["key"]["role"], "requester");
  EXPECT_EQ(r.json["key"]["email"], "rita-" + tag + "@example.com");
  EXPECT_TRUE(is_iso8601_utc(r.json["key"]["created_at"]));
  const std::string secret = r.json["secret"];
  EXPECT_TRUE(secret.starts_with("stk_" + r.json["key"]["id"].get<std::string>() + "_"));
  EXPECT_EQ(http().get("/api/keys").body.find(secret), std::string::npos);
  if (auto* p = shared_process()) {
    EXPECT_EQ(p->output().find(secret), std::string::npos) << "a secret reached the log";
  }
}

TEST_F(AccessShared, ARequesterSeesOnlyTheirOwnTickets) {
  const std::string tag = unique_tag();
  const std::string email = "Rita-" + tag + "@Example.com";
  std::string lower = email;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const std::string otto = "otto-" + tag + "@example.com";
  const ApiKey rita =
      make_key({{"name", "Rita Requester"}, {"role", "requester"}, {"email", email}});
  auto client = bare();
  client->set_default_headers(bearer(rita.secret));
  const auto& s = sample_for("IT Support");

  // Name and e-mail come from the key when the body leaves them out.
  const Response mine =
      client->post_json("/api/tickets", {{"title", s.title}, {"description", s.description}});
  ASSERT_TRUE(IsSuccess(mine, 201)) << mine.describe();
  EXPECT_EQ(mine.json["ticket"]["user_email"], email);
  EXPECT_EQ(mine.json["ticket"]["user_name"], "Rita Requester");
  const auto mine_id = mine.json["ticket_id"].get<std::int64_t>();
  // Their own e-mail in another case is still theirs; someone else's is refused.
  EXPECT_TRUE(IsSuccess(
      client->post_json("/api/tickets", ticket_body(s.title, s.description, "R", lower)), 201));
  const auto census_before = census(http());
  EXPECT_TRUE(IsError(
      client->post_json("/api/tickets",
                        ticket_body(s.title, s.description, "R", "boss-" + tag + "@example.com")),
      403, "user_email"));
  EXPECT_EQ(census(http()), census_before) << "a refused create created nothing";

  const json other = create_routed(http(), ticket_body(s.title, s.description, "Otto", otto));
  const auto other_id = other["id"].get<std::int64_t>();

  // The list holds only theirs, whatever filter they try.
  for (const std::string& q :
       std::vector<std::string>{"/api/tickets", "/api/tickets?user_email=" + url_encode(otto)}) {
    const Response list = client->get(q);
    ASSERT_TRUE(IsSuccess(list, 200)) << list.describe();
    EXPECT_EQ(list.json["count"], 2) << q;
    for (const auto& t : list.json["tickets"]) {
      std::string got = t["user_email"];
      for (auto& ch : got) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      EXPECT_EQ(got, lower);
    }
  }
  // An agent may filter by requester.
  const Response by_email = http().get("/api/tickets?user_email=" + url_encode(otto));
  ASSERT_TRUE(IsSuccess(by_email, 200));
  EXPECT_EQ(by_email.json["count"], 1);

  const std::string own = std::to_string(mine_id), theirs = std::to_string(other_id);
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets/" + own), 200));
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets/" + own + "/events"), 200));
  EXPECT_TRUE(IsSuccess(client->get("/api/routing/history/" + own), 200));
  // Another person's ticket does not exist for them: 404, not 403.
  EXPECT_TRUE(IsError(client->get("/api/tickets/" + theirs), 404));
  EXPECT_TRUE(IsError(client->get("/api/tickets/" + theirs + "/events"), 404));
  EXPECT_TRUE(IsError(client->get("/api/routing/history/" + theirs), 404));
  // And they may not change even their own.
  EXPECT_TRUE(
      IsError(client->put_json("/api/tickets/" + own + "/status", {{"status", "resolved"}}), 403));
}

TEST_F(AccessShared, ARevokedKeyStopsWorkingAtOnce) {
  const ApiKey agent = make_key({{"name", "Alex"}, {"role", "agent"}});
  auto client = bare();
  EXPECT_TRUE(IsSuccess(client->get("/api/tickets?limit=1", bearer(agent.secret)), 200));
  const Response del = http().request("DELETE", "/api/keys/" + agent.id);
  ASSERT_TRUE(IsSuccess(del, 200)) << del.describe();
  EXPECT_TRUE(IsUnauthorized(client->get("/api/tickets?limit=1", bearer(agent.secret))));
  EXPECT_TRUE(IsError(http().request("DELETE", "/api/keys/" + agent.id), 404));
  const Response keys = http().get("/api/keys");
  ASSERT_TRUE(IsSuccess(keys, 200));
  for (const auto& k : keys.json["keys"]) EXPECT_NE(k["id"], agent.id) << "a revoked key is listed";
}

TEST_F(AccessShared, ARequesterOverTheirRateLimitGets429WithRetryAfter) {
  // The default requester budget is 120 a minute; the 121st call within it is refused.
  const ApiKey rita = make_key(
      {{"name", "Rita"}, {"role", "requester"}, {"email", "rl-" + unique_tag() + "@example.com"}});
  auto client = bare();
  client->set_default_headers(bearer(rita.secret));
  Response first = client->get("/api/me");
  ASSERT_TRUE(IsSuccess(first, 200)) << first.describe();
  EXPECT_TRUE(first.header("RateLimit-Policy").starts_with("\"default\";q="))
      << first.header("RateLimit-Policy");
  std::optional<Response> limited;
  for (int i = 0; i < 400 && !limited; ++i) {
    Response r = client->get("/api/me");
    if (r.status == 429)
      limited = std::move(r);
    else
      ASSERT_EQ(r.status, 200) << r.describe();
  }
  ASSERT_TRUE(limited) << "no 429 within 400 calls";
  EXPECT_TRUE(IsError(*limited, 429));
  EXPECT_GE(std::stoi(limited->header("Retry-After")), 1);
  EXPECT_TRUE(limited->header("RateLimit").starts_with("\"default\";r=0;t="));
  // Probes are never limited, even for this caller.
  EXPECT_EQ(client->get("/api/health").status, 200);
}

}  // namespace
}  // namespace st::e2e
