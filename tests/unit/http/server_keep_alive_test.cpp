// What a keep-alive connection reads between requests is parsed before any further read:
// requests that arrive together, split across writes, or over the body limit must all be
// answered exactly as if each had arrived alone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/server.hpp"
#include "loopback_client.hpp"

namespace st::http {
namespace {

using namespace std::chrono_literals;
using testing::closed_by_server;
using testing::connect_loopback;
using testing::read_response;
using testing::send_text;

struct EchoServer {
  EchoServer() {
    router.route(bhttp::verb::post, "/echo", [](RequestContext& ctx) {
      return ok({{"body", ctx.request.body()}});
    });
    testing::add_health_route(router);
    server = std::make_unique<Server>(
        ServerOptions{.address = "127.0.0.1", .port = 0, .threads = 2, .body_limit = 64}, router);
    server->start();
  }
  ~EchoServer() { server->stop(0ms); }
  Router router;
  std::unique_ptr<Server> server;
  asio::io_context client_ioc;
};

std::string post_echo(std::string_view body) {
  return "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + std::string(body);
}

std::string echoed(const Response& res) {
  return nlohmann::json::parse(res.body())["body"].get<std::string>();
}

// Whether the server sent nothing (no answer, no close) for `wait`.
bool silent_for(tcp::socket& s, std::chrono::milliseconds wait) {
  pollfd p{s.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) == 0;
}

// The first request of a connection takes another path in the server; each test starts
// past it, where a keep-alive connection waits for its next request.
std::string read_response_after(tcp::socket& c, const std::string& request) {
  send_text(c, request);
  return echoed(read_response(c));
}

TEST(ServerKeepAlive, RequestsSentTogetherAreAnsweredInOrder) {
  EchoServer s;
  auto c = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(read_response_after(c, post_echo("first")), "first");
  // Three requests in one write, all read by the server's first read of the next turn.
  ASSERT_TRUE(send_text(c, post_echo("a") + post_echo("bb") + post_echo("ccc")));
  // One buffer for the three answers: a read may bring the next answer's bytes with it.
  beast::flat_buffer answers;
  for (const char* want : {"a", "bb", "ccc"}) {
    Response res;
    bhttp::read(c, answers, res);
    EXPECT_EQ(echoed(res), want);
  }
}

TEST(ServerKeepAlive, ABodyArrivingAfterItsHeadersIsWaitedFor) {
  EchoServer s;
  auto c = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(read_response_after(c, post_echo("first")), "first");
  const std::string whole = post_echo("split-body");
  const auto cut = whole.size() - 4;
  ASSERT_TRUE(send_text(c, whole.substr(0, cut)));
  EXPECT_TRUE(silent_for(c, 100ms));  // no answer (nor close) yet: the body is not complete
  ASSERT_TRUE(send_text(c, whole.substr(cut)));
  EXPECT_EQ(echoed(read_response(c)), "split-body");
}

TEST(ServerKeepAlive, HeadersSplitAcrossWritesAreJoined) {
  EchoServer s;
  auto c = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(read_response_after(c, post_echo("first")), "first");
  ASSERT_TRUE(send_text(c, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Le"));
  EXPECT_TRUE(silent_for(c, 100ms));
  ASSERT_TRUE(send_text(c, "ngth: 2\r\n\r\nok"));
  EXPECT_EQ(echoed(read_response(c)), "ok");
}

TEST(ServerKeepAlive, ABodyOverTheLimitOnALaterRequestIs413AndCloses) {
  EchoServer s;
  auto c = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(read_response_after(c, post_echo("first")), "first");
  ASSERT_TRUE(send_text(c, post_echo(std::string(65, 'x'))));
  const Response res = read_response(c);
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
  EXPECT_EQ(nlohmann::json::parse(res.body())["code"], "payload_too_large");
  EXPECT_TRUE(closed_by_server(c, 2s));
}

TEST(ServerKeepAlive, GarbageOnALaterRequestIs400AndCloses) {
  EchoServer s;
  auto c = connect_loopback(s.client_ioc, s.server->port());
  ASSERT_EQ(read_response_after(c, post_echo("first")), "first");
  ASSERT_TRUE(send_text(c, "NOT HTTP AT ALL\r\n\r\n"));
  const Response res = read_response(c);
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(closed_by_server(c, 2s));
}

}  // namespace
}  // namespace st::http
