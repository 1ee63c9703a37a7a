// HTTP-level behaviour: unknown paths, wrong methods (405 + Allow), keep-alive, HEAD, and
// requests Beast itself would refuse to build (sent on a raw socket).
#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

std::set<std::string> parse_allow(const std::string& allow) {
  std::set<std::string> methods;
  std::stringstream ss(allow);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    std::transform(item.begin(), item.end(), item.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!item.empty()) methods.insert(item);
  }
  return methods;
}

class HttpProtocol : public SharedServerTest {};

TEST_F(HttpProtocol, UnknownPathsAre404Json) {
  for (const char* path : {"/api/nope", "/api/tickets/1/nope", "/api/departments/HR/nope",
                           "/no-such-page", "/api/v2/tickets", "/api/tickets/1/status/extra"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(http().get(path), 404));
  }
}

TEST_F(HttpProtocol, WrongMethodIs405WithAllow) {
  struct Case {
    const char* method;
    const char* path;
    std::set<std::string> allowed;  // must all be listed
  };
  const std::vector<Case> cases{
      {"DELETE", "/api/tickets", {"GET", "POST"}},
      {"PUT", "/api/tickets", {"GET", "POST"}},
      {"POST", "/api/statuses", {"GET"}},
      {"POST", "/api/health", {"GET"}},
      {"PATCH", "/api/tickets/1", {"GET"}},
      {"DELETE", "/api/departments", {"GET", "POST"}},
      {"DELETE", "/api/departments/HR", {"GET", "PUT"}},
      {"POST", "/api/tickets/1/status", {"PUT"}},
      {"GET", "/api/categorize", {"POST"}},
      {"GET", "/api/route", {"POST"}},
      {"POST", "/api/dashboard/summary", {"GET"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.path);
    std::optional<std::string> body;
    Headers h;
    if (std::string_view(c.method) != "GET" && std::string_view(c.method) != "DELETE") {
      body = "{}";
      h.emplace_back("Content-Type", "application/json");
    }
    const Response r = http().request(c.method, c.path, body, h);
    EXPECT_TRUE(IsError(r, 405));
    ASSERT_TRUE(r.has_header("Allow")) << r.describe();
    const auto allow = parse_allow(r.header("Allow"));
    for (const auto& m : c.allowed)
      EXPECT_TRUE(allow.count(m)) << m << " not in " << r.header("Allow");
    EXPECT_FALSE(allow.count(c.method)) << "Allow lists the refused method: " << r.header("Allow");
  }
}

TEST_F(HttpProtocol, KeepAliveServesManyRequestsOnOneConnection) {
  auto client = new_client();
  // Errors must not close the connection either.
  EXPECT_EQ(client->get("/api/health").status, 200);
  EXPECT_EQ(client->get("/api/statuses").status, 200);
  EXPECT_EQ(client->get("/api/tickets/2147480006").status, 404);
  EXPECT_EQ(client->post_json("/api/tickets", json::object()).status, 400);
  EXPECT_EQ(client->request("DELETE", "/api/tickets").status, 405);
  EXPECT_EQ(client->get("/api/departments").status, 200);
  const Response last = client->get("/api/tickets?limit=1");
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(client->connections_opened(), 1) << "the server closed a keep-alive connection";
  EXPECT_NE(last.header("Connection"), "close");
}

TEST_F(HttpProtocol, PipelinedRequestsAreAnsweredInOrder) {
  const Target t = target();
  const std::string key = suite_key(shared_process());
  const std::string auth = key.empty() ? "" : "Authorization: Bearer " + key + "\r\n";
  const std::string two = "GET /api/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                          "\r\n"
                          "GET /api/tickets/2147480007 HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          auth + "Connection: close\r\n\r\n";
  const RawResult r = raw_exchange(t.host, t.port, two, 10s, /*until_close=*/true);
  EXPECT_EQ(r.status, 200) << r.data.substr(0, 300);
  const auto second = r.data.find("HTTP/1.1 404");
  EXPECT_NE(second, std::string::npos) << "no answer to the second request: " << r.data;
  EXPECT_TRUE(r.peer_closed) << "Connection: close was not honoured";
}

TEST_F(HttpProtocol, HeadIsOptionalButNeverAServerError) {
  const Response r = http().request("HEAD", "/api/health");
  EXPECT_TRUE(r.status == 200 || r.status == 405) << r.describe();
  EXPECT_TRUE(r.body.empty()) << "a HEAD response has no body";
  if (r.status == 405) {
    EXPECT_TRUE(r.has_header("Allow"));
  }
}

TEST_F(HttpProtocol, PathTraversalDoesNotLeakFiles) {
  for (const char* path :
       {"/ui/../../../../../../etc/passwd", "/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/ui/..%2f..%2f..%2f..%2fetc%2fpasswd", "/../../etc/passwd"}) {
    SCOPED_TRACE(path);
    const Response r = http().request("GET", path);
    EXPECT_LT(r.status, 500) << r.describe();
    EXPECT_NE(r.status, 200) << r.describe();
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << "file contents leaked";
  }
}

}  // namespace
}  // namespace st::e2e
