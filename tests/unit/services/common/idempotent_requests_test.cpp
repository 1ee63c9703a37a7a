// A change the gateway's client sends twice (it retries a PUT whose answer it lost) is
// recorded once: the services keep the first answer per gateway request id and replay it.
// Checked on the handler wrapper, on the real tickets and routing services (SQLite), and
// through the gateway's real upstream with a proxy that cuts the first answer off.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/idempotency_store.hpp"
#include "adapters/sqlite/routing_store.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "http/api_error.hpp"
#include "http/blocking_pool.hpp"
#include "http/json_response.hpp"
#include "http/server.hpp"
#include "ports/clock.hpp"
#include "ports/unavailable.hpp"
#include "services/common/idempotent_requests.hpp"
#include "services/gateway/http_upstream.hpp"
#include "services/routing/routing_api.hpp"
#include "services/tickets/tickets_api.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services {
namespace {

using testing_support::dispatch;

using namespace std::chrono_literals;
namespace bhttp = http::bhttp;
namespace sqlite = adapters::sqlite;

http::Request put(const std::string& target, const std::string& body,
                  const std::string& gateway_id) {
  http::Request req{bhttp::verb::put, target, 11};
  req.set(bhttp::field::content_type, "application/json");
  if (!gateway_id.empty()) req.set(kGatewayRequestHeader, gateway_id);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// The tickets and routing services on one SQLite file, as the embedded mode builds them.
struct Services {
  Services() {
    routing.initialize();
    tickets::register_routes(router, tickets, std::chrono::milliseconds{0}, &requests);
    routing::register_routes(router, routing, waits, &requests);
  }
  ~Services() { tickets.stop(); }

  domain::TicketId create() {
    return tickets
        .create({"Laptop will not boot", "Since this morning", "Ann Lee", "ann@example.com"},
                std::string(32, 'a'))
        .id;
  }
  // The trail entries of status changes still in the outbox (nothing relays it here).
  std::int64_t status_events() {
    return db.read([&](sqlite::Connection& c) {
      auto q = c.query(
          "SELECT count(*) FROM tickets_outbox WHERE routing_key = 'ticket.status.updated'");
      q.step();
      return q.int64(0);
    });
  }
  std::size_t routings(domain::TicketId id) { return routing_store.history(id, {}).items.size(); }

  testing_support::TempDir dir;
  ports::SystemClock clock;
  sqlite::Database db{dir.file("smartticket.db")};
  sqlite::SqliteTicketStore ticket_store{db};
  sqlite::SqliteRoutingStore routing_store{db};
  sqlite::SqliteIdempotencyStore idempotency_store{db};
  IdempotentRequests requests{idempotency_store, clock};
  tickets::TicketsService tickets{ticket_store, clock};
  routing::RoutingService routing{routing_store, tickets, clock};
  http::BlockingPool waits{{.name = "route-calls", .threads = 1, .queue = 8}};
  http::Router router;
};

TEST(OncePerGatewayRequest, RunsOncePerIdAndReplaysTheFirstAnswer) {
  Services s;
  int runs = 0;
  http::Router router;
  router.route(bhttp::verb::put, "/thing", once_per_gateway_request(s.requests, [&](auto&) {
                 return http::ok({{"run", ++runs}});
               }));
  const auto first = dispatch(router, put("/thing", "{}", "g-1"));
  const auto again = dispatch(router, put("/thing", "{}", "g-1"));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(again.body(), first.body());
  EXPECT_EQ(again["Idempotent-Replayed"], "true");
  dispatch(router, put("/thing", "{}", "g-2"));
  dispatch(router, put("/thing", "{}", ""));  // no id (one process): runs every time
  dispatch(router, put("/thing", "{}", ""));
  EXPECT_EQ(runs, 4);
}

TEST(OncePerGatewayRequest, KeepsARefusalButForgetsAnOutage) {
  Services s;
  int runs = 0;
  http::Router router;
  router.route(bhttp::verb::put, "/refused", once_per_gateway_request(s.requests, [&](auto&) {
                 ++runs;
                 return [&]() -> http::Response {
                   throw http::ApiError::bad_request("no", "field");
                 }();
               }));
  router.route(bhttp::verb::put, "/down", once_per_gateway_request(s.requests, [&](auto&) {
                 ++runs;
                 return [&]() -> http::Response { throw ports::Unavailable("database down"); }();
               }));
  EXPECT_EQ(dispatch(router, put("/refused", "{}", "g-1")).result(), bhttp::status::bad_request);
  EXPECT_EQ(dispatch(router, put("/refused", "{}", "g-1")).result(), bhttp::status::bad_request);
  EXPECT_EQ(runs, 1) << "a 4xx is an answer: kept and replayed";
  EXPECT_EQ(dispatch(router, put("/down", "{}", "g-2")).result(),
            bhttp::status::service_unavailable);
  EXPECT_EQ(dispatch(router, put("/down", "{}", "g-2")).result(),
            bhttp::status::service_unavailable);
  EXPECT_EQ(runs, 3) << "an outage is not kept: the retry runs again";
}

TEST(OncePerGatewayRequest, ARepeatedStatusChangeIsRecordedOnce) {
  Services s;
  const auto id = s.create();
  const auto target = "/api/tickets/" + std::to_string(id) + "/status";
  // An agent moves it on and someone else moves it back, then the first PUT arrives again.
  dispatch(s.router, put(target, R"({"status":"in_progress"})", "g-1"));
  dispatch(s.router, put(target, R"({"status":"resolved"})", "g-2"));
  const auto repeat = dispatch(s.router, put(target, R"({"status":"in_progress"})", "g-1"));
  EXPECT_EQ(repeat.result(), bhttp::status::ok);
  EXPECT_EQ(s.status_events(), 2) << "in_progress, resolved: the repeat records nothing";
  EXPECT_EQ(s.tickets.get(id)->status, domain::Status::resolved);
}

TEST(OncePerGatewayRequest, ARepeatedRerouteIsRecordedOnce) {
  Services s;
  const auto id = s.create();
  const auto target = "/api/route/" + std::to_string(id);
  const auto first = dispatch(s.router, put(target, R"({"department":"HR"})", "g-1"));
  const auto repeat = dispatch(s.router, put(target, R"({"department":"HR"})", "g-1"));
  ASSERT_EQ(first.result(), bhttp::status::ok) << first.body();
  EXPECT_EQ(repeat.body(), first.body());
  EXPECT_EQ(s.routings(id), 1u);
  dispatch(s.router, put(target, R"({"department":"HR"})", "g-2"));  // a new request
  EXPECT_EQ(s.routings(id), 2u);
}

// A TCP proxy to `backend` that forwards each request and its answer, except that it drops
// the answer to the first PUT and closes that connection: the service has carried the change
// out, the caller never hears of it. One connection at a time (enough for one client).
class CuttingProxy {
 public:
  explicit CuttingProxy(std::uint16_t backend) : backend_(backend) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_, 8);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~CuttingProxy() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  int cut() const { return cut_; }

 private:
  static sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
  }
  bool readable(int fd) const {
    for (int waited = 0; waited < 5000 && !stop_; waited += 50) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }
  // One HTTP message (headers, then Content-Length bytes of body); "" when the peer closed.
  std::string read_message(int fd) const {
    std::string data;
    char buf[4096];
    for (;;) {
      const auto end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        const auto at = data.find("ontent-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(data.substr(at + 15));
        if (data.size() >= end + 4 + length) return data;
      }
      if (!readable(fd)) return "";
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return "";
      data.append(buf, static_cast<std::size_t>(n));
    }
  }
  void run() {
    while (!stop_) {
      if (!readable(listener_)) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in b = loopback(backend_);
      ::connect(server, reinterpret_cast<sockaddr*>(&b), sizeof b);
      for (;;) {
        const auto request = read_message(client);
        if (request.empty()) break;
        ::send(server, request.data(), request.size(), MSG_NOSIGNAL);
        const auto answer = read_message(server);
        if (answer.empty()) break;
        if (request.starts_with("PUT ") && cut_ == 0) {  // carried out, never answered
          ++cut_;
          break;
        }
        ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      }
      ::close(server);
      ::close(client);
    }
  }

  std::uint16_t backend_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cut_{0};
  std::thread thread_;
};

http::Response through_the_gateway(gateway::Upstream& up, const http::Request& req) {
  http::RequestContext origin{req, {}, {}, {}, "rid", std::string(32, 'b'), {}, nullptr, {}};
  http::asio::io_context ioc;
  std::optional<http::Response> out;
  http::asio::co_spawn(
      ioc, [&]() -> http::asio::awaitable<void> { out = co_await up.send(req, origin); },
      http::asio::detached);
  ioc.run();
  return std::move(*out);
}

TEST(OncePerGatewayRequest, TheGatewaysRetryOfALostAnswerRecordsTheRerouteOnce) {
  Services s;
  http::Server server{{"127.0.0.1", 0, 1}, s.router};
  server.start();
  CuttingProxy proxy(server.port());
  http::HttpClient client({"127.0.0.1", proxy.port(), ""}, {.name = "routing"});
  gateway::HttpUpstream up(client, {.failure_threshold = 5, .open_duration = 1s});
  const auto id = s.create();
  // A client's own header is never what the service deduplicates on.
  auto req = put("/api/route/" + std::to_string(id), R"({"department":"Finance"})", "client-id");
  const auto res = through_the_gateway(up, req);
  EXPECT_EQ(proxy.cut(), 1) << "the first answer was cut off";
  EXPECT_EQ(client.stats().retries, 1u);
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  EXPECT_EQ(res["Idempotent-Replayed"], "true");
  EXPECT_EQ(s.routings(id), 1u);
  // The next reroute is a new request of its own: recorded.
  EXPECT_EQ(through_the_gateway(up, req).result(), bhttp::status::ok);
  EXPECT_EQ(s.routings(id), 2u);
  server.stop();
}

}  // namespace
}  // namespace st::services
