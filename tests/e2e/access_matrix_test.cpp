// Who may do what (docs/api.md, "Access"): every public route called with no key, a
// requester's, an agent's and an admin's key answers the documented status. Runs against the
// suite's server, or against the cluster (SMARTTICKET_E2E_URL + SMARTTICKET_E2E_KEY_FILE):
// the same table holds in both modes.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

enum Who { kAnonymous, kRequester, kAgent, kAdmin };
constexpr const char* kWhoNames[] = {"anonymous", "requester", "agent", "admin"};

class AccessMatrix : public SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    if (suite_key(shared_process()).empty())
      GTEST_SKIP() << "no admin key for this server (open mode): nothing to check";
    tag_ = unique_tag();
    requester_email_ = "req-" + tag_ + "@example.com";
    requester_ = create_key(
        http(), {{"name", "Rita Requester"}, {"role", "requester"}, {"email", requester_email_}});
    agent_ = create_key(http(), {{"name", "Alex Agent"}, {"role", "agent"}});
    admin_ = create_key(http(), {{"name", "Ada Admin"}, {"role", "admin"}});
    // The requester's own ticket, and somebody else's.
    const auto& s = sample_for("IT Support");
    own_ = create_routed(http(), ticket_body(s.title + " " + tag_, s.description, "Rita Requester",
                                             requester_email_))
               .value("id", std::int64_t{0});
    other_ = create_routed(http(), ticket_body(s.title + " " + tag_, s.description, "Otto Other",
                                               "otto-" + tag_ + "@example.com"))
                 .value("id", std::int64_t{0});
    ASSERT_GT(own_, 0);
    ASSERT_GT(other_, 0);
  }

  Headers as(Who who) const {
    switch (who) {
      case kAnonymous:
        return {};
      case kRequester:
        return bearer(requester_.secret);
      case kAgent:
        return bearer(agent_.secret);
      case kAdmin:
        return bearer(admin_.secret);
    }
    return {};
  }

  // One call as `who`; the client carries no default key, so `as(who)` is all it sends.
  Response call(Who who, const std::string& method, const std::string& target,
                const std::optional<json>& body) {
    auto client = new_client();
    client->clear_default_headers();
    Headers h = as(who);
    if (body) h.emplace_back("Content-Type", "application/json");
    return client->request(method, target, body ? std::optional(body->dump()) : std::nullopt, h);
  }

  std::string tag_;
  std::string requester_email_;
  ApiKey requester_, agent_, admin_;
  std::int64_t own_ = 0, other_ = 0;
};

struct Row {
  std::string method;
  std::string pattern;  // as GET / lists it
  std::function<std::string()> target;
  std::function<std::optional<json>()> body;
  int expected[4];  // anonymous, requester, agent, admin
};

TEST_F(AccessMatrix, EveryPublicRouteAnswersEachRoleAsDocumented) {
  const auto id = [](std::int64_t v) { return std::to_string(v); };
  int department_serial = 0;
  auto fresh_department = [&] {
    return "Dept " + tag_ + " " + std::to_string(++department_serial);
  };
  auto no_body = [] { return std::optional<json>(); };
  auto throwaway_key = [&] {
    return "/api/keys/" + create_key(http(), {{"name", "t"}, {"role", "agent"}}).id;
  };
  const std::string s_ticket = "/api/tickets/" + id(own_);

  const std::vector<Row> rows{
      {"GET", "/api/health", [] { return "/api/health"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/api/me", [] { return "/api/me"; }, no_body, {401, 200, 200, 200}},
      {"GET", "/api/statuses", [] { return "/api/statuses"; }, no_body, {401, 200, 200, 200}},
      {"GET", "/api/tickets", [] { return "/api/tickets"; }, no_body, {401, 200, 200, 200}},
      {"POST",
       "/api/tickets",
       [] { return "/api/tickets"; },
       [&] {
         const auto& s = sample_for("HR");
         return std::optional<json>(json{{"title", s.title + " " + tag_},
                                         {"description", s.description},
                                         {"user_name", "Rita Requester"},
                                         {"user_email", requester_email_}});
       },
       {401, 201, 201, 201}},
      {"GET", "/api/tickets/{id}", [&] { return s_ticket; }, no_body, {401, 200, 200, 200}},
      {"PUT",
       "/api/tickets/{id}/status",
       [&] { return s_ticket + "/status"; },
       [] {
         return std::optional<json>(json{{"status", "in_progress"}});
       },
       {401, 403, 200, 200}},
      {"PUT",
       "/api/tickets/{id}/priority",
       [&] { return s_ticket + "/priority"; },
       [] {
         return std::optional<json>(json{{"priority", "high"}});
       },
       {401, 403, 200, 200}},
      {"POST",
       "/api/tickets/{id}/review",
       [&] { return s_ticket + "/review"; },
       [] {
         return std::optional<json>(json{{"department", "HR"}});
       },
       {401, 403, 200, 200}},
      {"PUT",
       "/api/tickets/{id}/assignee",
       [&] { return s_ticket + "/assignee"; },
       [] {
         return std::optional<json>(json{{"assignee", nullptr}});
       },
       {401, 403, 200, 200}},
      {"GET",
       "/api/tickets/{id}/events",
       [&] { return s_ticket + "/events"; },
       no_body,
       {401, 200, 200, 200}},
      {"GET",
       "/api/tickets/{id}/comments",
       [&] { return s_ticket + "/comments"; },
       no_body,
       {401, 200, 200, 200}},
      {"POST",
       "/api/tickets/{id}/comments",
       [&] { return s_ticket + "/comments"; },
       [] {
         return std::optional<json>(json{{"body", "Any news?"}});
       },
       {401, 201, 201, 201}},
      {"GET", "/api/departments", [] { return "/api/departments"; }, no_body, {401, 403, 200, 200}},
      {"POST",
       "/api/departments",
       [] { return "/api/departments"; },
       [&] {
         return std::optional<json>(json{{"name", fresh_department()}});
       },
       {401, 403, 403, 201}},
      {"GET",
       "/api/departments/{name}",
       [] { return "/api/departments/HR"; },
       no_body,
       {401, 403, 200, 200}},
      {"PUT",
       "/api/departments/{name}",
       [] { return "/api/departments/General"; },
       [] {
         return std::optional<json>(json{{"description", "Anything else"}});
       },
       {401, 403, 403, 200}},
      {"GET",
       "/api/departments/{name}/tickets",
       [] { return "/api/departments/HR/tickets"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/sla/policies",
       [] { return "/api/sla/policies"; },
       no_body,
       {401, 403, 200, 200}},
      // Sets the low policy to its defaults: harmless for the other tests on this server.
      {"PUT",
       "/api/sla/policies",
       [] { return "/api/sla/policies"; },
       [] {
         return std::optional<json>(json{{"low",
                                          {{"first_response_seconds", 86400},
                                           {"resolution_seconds", 604800},
                                           {"escalation", "none"}}}});
       },
       {401, 403, 403, 200}},
      {"POST",
       "/api/categorize",
       [] { return "/api/categorize"; },
       [] {
         return std::optional<json>(
             json{{"title", "Printer jam"}, {"description", "The printer on floor 2 is jammed."}});
       },
       {401, 403, 200, 200}},
      {"GET", "/metrics", [] { return "/metrics"; }, no_body, {401, 403, 403, 200}},
      {"POST",
       "/api/route",
       [] { return "/api/route"; },
       [&] {
         return std::optional<json>(
             json{{"ticket_id", other_}, {"department", "HR"}, {"confidence_score", 90}});
       },
       {401, 403, 201, 201}},
      {"PUT",
       "/api/route/{ticket_id}",
       [&] { return "/api/route/" + id(other_); },
       [] {
         return std::optional<json>(json{{"department", "Finance"}});
       },
       {401, 403, 200, 200}},
      {"GET",
       "/api/routing/statistics",
       [] { return "/api/routing/statistics"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/routing/history/{ticket_id}",
       [&] { return "/api/routing/history/" + id(own_); },
       no_body,
       {401, 200, 200, 200}},
      {"GET",
       "/api/dashboard/summary",
       [] { return "/api/dashboard/summary"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/dashboard/routing",
       [] { return "/api/dashboard/routing"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/dashboard/sla",
       [] { return "/api/dashboard/sla"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/analytics/tickets",
       [] { return "/api/analytics/tickets"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/analytics/performance",
       [] { return "/api/analytics/performance"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/analytics/trends",
       [] { return "/api/analytics/trends"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/analytics/quality",
       [] { return "/api/analytics/quality"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET",
       "/api/analytics/department/{name}",
       [] { return "/api/analytics/department/HR"; },
       no_body,
       {401, 403, 200, 200}},
      {"GET", "/api/keys", [] { return "/api/keys"; }, no_body, {401, 403, 403, 200}},
      {"POST",
       "/api/keys",
       [] { return "/api/keys"; },
       [] {
         return std::optional<json>(json{{"name", "Made in the matrix"}, {"role", "agent"}});
       },
       {401, 403, 403, 201}},
      {"DELETE", "/api/keys/{id}", throwaway_key, no_body, {401, 403, 403, 200}},
      {"PUT",
       "/api/keys/{id}",
       throwaway_key,
       [] {
         return std::optional<json>(json{{"departments", json::array()}});
       },
       {401, 403, 403, 200}},
      {"PUT",
       "/api/me/availability",
       [] { return "/api/me/availability"; },
       [] {
         return std::optional<json>(json{{"availability", "available"}});
       },
       {401, 403, 200, 200}},
      {"GET",
       "/api/admin/dead-letters",
       [] { return "/api/admin/dead-letters"; },
       no_body,
       {401, 403, 403, 200}},
      {"POST",
       "/api/admin/dead-letters/{queue}/replay",
       [] { return "/api/admin/dead-letters/routing/replay?event_id=matrix-none"; },
       no_body,
       {401, 403, 403, 200}},
      {"DELETE",
       "/api/admin/dead-letters/{queue}",
       [] { return "/api/admin/dead-letters/gateway"; },
       no_body,
       {401, 403, 403, 200}},
      // Starts a rebuild of the analytics projection (harmless: the same answers after it).
      {"POST",
       "/api/admin/analytics/rebuild",
       [] { return "/api/admin/analytics/rebuild"; },
       no_body,
       {401, 403, 403, 202}},
      {"GET",
       "/api/admin/analytics/rebuild",
       [] { return "/api/admin/analytics/rebuild"; },
       no_body,
       {401, 403, 403, 200}},
      // The one-process store's snapshot; the distributed mode has none (501, pg_dump instead).
      {"GET",
       "/api/admin/backup",
       [] { return "/api/admin/backup"; },
       no_body,
       {401, 403, 403, external_mode() ? 501 : 200}},
      // Webhooks: nothing is created (the admin's create names a refused address; the ids are
      // unknown), so the shared server sends no delivery anywhere.
      {"GET", "/api/webhooks", [] { return "/api/webhooks"; }, no_body, {401, 403, 403, 200}},
      {"POST",
       "/api/webhooks",
       [] { return "/api/webhooks"; },
       [] {
         return std::optional<json>(json{{"url", "http://169.254.169.254/"},
                                         {"events", {"*"}},
                                         {"secret", "whsec_matrix_0123456789"}});
       },
       {401, 403, 403, 400}},
      {"GET",
       "/api/webhooks/{id}",
       [] { return "/api/webhooks/999999999"; },
       no_body,
       {401, 403, 403, 404}},
      {"PUT",
       "/api/webhooks/{id}",
       [] { return "/api/webhooks/999999999"; },
       [] {
         return std::optional<json>(json{{"events", {"*"}}});
       },
       {401, 403, 403, 404}},
      {"DELETE",
       "/api/webhooks/{id}",
       [] { return "/api/webhooks/999999999"; },
       no_body,
       {401, 403, 403, 404}},
      {"GET",
       "/api/webhooks/{id}/deliveries",
       [] { return "/api/webhooks/999999999/deliveries"; },
       no_body,
       {401, 403, 403, 404}},
      {"POST",
       "/api/webhooks/{id}/deliveries/{delivery_id}/replay",
       [] { return "/api/webhooks/999999999/deliveries/1/replay"; },
       no_body,
       {401, 403, 403, 404}},
      {"GET", "/", [] { return "/"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/health", [] { return "/health"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/health/live", [] { return "/health/live"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/health/ready", [] { return "/health/ready"; }, no_body, {200, 200, 200, 200}},
      {"GET",
       "/api/openapi.json",
       [] { return "/api/openapi.json"; },
       no_body,
       {200, 200, 200, 200}},
      {"GET", "/ui", [] { return "/ui/"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/ui", [] { return "/ui"; }, no_body, {301, 301, 301, 301}},
      {"GET", "/ui/{file}", [] { return "/ui/index.html"; }, no_body, {200, 200, 200, 200}},
      {"GET", "/ui/{dir}/{file}", [] { return "/ui/js/app.js"; }, no_body, {200, 200, 200, 200}},
      {"GET",
       "/ui/{dir}/{subdir}/{file}",
       [] { return "/ui/js/pages/ticket.js"; },
       no_body,
       {200, 200, 200, 200}},
  };

  std::set<std::string> covered;
  for (const auto& row : rows) {
    covered.insert(row.method + " " + row.pattern);
    for (Who who : {kAnonymous, kRequester, kAgent, kAdmin}) {
      const Response r = call(who, row.method, row.target(), row.body());
      EXPECT_EQ(r.status, row.expected[who])
          << row.method << " " << row.pattern << " as " << kWhoNames[who] << ": " << r.describe();
      if (r.status == 401) {
        EXPECT_TRUE(r.header("WWW-Authenticate").starts_with("Bearer"))
            << row.method << " " << row.pattern << ": " << r.describe();
        EXPECT_TRUE(IsError(r, 401));
      }
      if (r.status == 403) {
        EXPECT_TRUE(IsError(r, 403));
      }
    }
  }
  // The event stream: a stream for staff, a plain refusal for the others.
  const int stream_expected[] = {401, 403, 200, 200};
  for (Who who : {kAnonymous, kRequester, kAgent, kAdmin}) {
    SseStream stream(target().host, target().port, "/api/events/stream", 5s, as(who));
    EXPECT_EQ(stream.status(), stream_expected[who]) << "event stream as " << kWhoNames[who];
  }
  covered.insert("GET /api/events/stream");

  // A route GET / lists but the table above does not is a route nobody decided on.
  const Response root = call(kAnonymous, "GET", "/", std::nullopt);
  ASSERT_EQ(root.status, 200) << root.describe();
  for (const auto& [endpoint, description] : root.json["endpoints"].items())
    EXPECT_TRUE(covered.contains(endpoint)) << endpoint << " has no row in the access matrix";
}

}  // namespace
}  // namespace st::e2e
