// The event stream hub on real loopback sockets: its caps, the byte budget that closes a
// subscriber that does not read, the write timeout and the heartbeat.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include "http/api_error.hpp"
#include "services/gateway/event_stream.hpp"

namespace st::services::gateway {
namespace {

namespace asio = http::asio;
namespace beast = http::beast;
using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return probe();
}

// One subscription: the server side the hub serves, and the client's plain socket.
struct Subscription {
  explicit Subscription(http::tcp::socket s, std::string peer_address)
      : stream(std::move(s)), peer(std::move(peer_address)) {}
  ~Subscription() { ::close(client); }
  http::Request request;
  beast::tcp_stream stream;
  std::string peer;
  http::RequestContext ctx{request, {}, {}, {}, "request-id", "trace-id", peer, nullptr, {}};
  int client = -1;
  std::atomic<bool> ended{false};
  std::string refusal;  // the ApiError code when the hub refused it

  // Reads what arrived until `done(bytes)` holds; true if it did within `timeout`.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(received)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{client, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[16 * 1024];
      const ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        return done(received);
      }
      received.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  std::string received;
  bool closed = false;
};

asio::awaitable<void> serve(EventStreamHub& hub, std::shared_ptr<Subscription> s) {
  try {
    co_await hub.serve(s->ctx, s->stream);
  } catch (const http::ApiError& e) {
    s->refusal = e.code();
  }
  s->ended = true;
}

class EventStreamHubTest : public ::testing::Test {
 protected:
  void start(EventStreamLimits limits) {
    hub_ = std::make_unique<EventStreamHub>(limits);
    acceptor_.open(http::tcp::v4());
    acceptor_.bind({asio::ip::address_v4::loopback(), 0});
    acceptor_.listen();
    runner_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    if (hub_) hub_->close();
    for (auto& s : subs_) eventually([&] { return s->ended.load(); });
    work_.reset();
    ioc_.stop();
    if (runner_.joinable()) runner_.join();
  }

  // Connects a client (`rcvbuf` > 0: a small receive window) and has the hub serve it as
  // coming from `peer`.
  Subscription& subscribe(const std::string& peer, int rcvbuf = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(acceptor_.local_endpoint().port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    http::tcp::socket server_side(asio::make_strand(ioc_));
    acceptor_.accept(server_side);
    auto s = std::make_shared<Subscription>(std::move(server_side), peer);
    s->client = fd;
    subs_.push_back(s);
    asio::co_spawn(s->stream.get_executor(), serve(*hub_, s), asio::detached);
    return *s;
  }
  // Publishes `bytes` of events in bursts a reading client keeps up with.
  void publish(std::size_t bytes, std::size_t event_size = 1024) {
    const std::string event = "{\"x\":\"" + std::string(event_size, 'x') + "\"}";
    for (std::size_t sent = 0; sent < bytes; sent += event.size()) {
      hub_->publish(event);
      if ((sent / event.size()) % 16 == 15) std::this_thread::sleep_for(5ms);
    }
  }
  EventStreamStats stats() const { return hub_->stats(); }

  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
  http::tcp::acceptor acceptor_{ioc_};
  std::thread runner_;
  std::unique_ptr<EventStreamHub> hub_;
  std::vector<std::shared_ptr<Subscription>> subs_;
};

bool has_keep_alive(const std::string& s) {
  return s.find(": keep-alive\n\n") != std::string::npos;
}

TEST_F(EventStreamHubTest, OverTheCallersCapOrTheHubsCapIsRefusedWithTooManyStreams) {
  start({.max_streams = 3, .max_streams_per_caller = 1});
  subscribe("10.0.0.1");
  ASSERT_TRUE(eventually([&] { return stats().open == 1; }));
  auto& same_caller = subscribe("10.0.0.1");
  ASSERT_TRUE(eventually([&] { return same_caller.ended.load(); }));
  EXPECT_EQ(same_caller.refusal, "too_many_streams");

  subscribe("10.0.0.2");
  subscribe("10.0.0.3");
  ASSERT_TRUE(eventually([&] { return stats().open == 3; }));
  auto& over_all = subscribe("10.0.0.4");
  ASSERT_TRUE(eventually([&] { return over_all.ended.load(); }));
  EXPECT_EQ(over_all.refusal, "too_many_streams");
  EXPECT_EQ(stats().refused, 2u);
  EXPECT_EQ(stats().open, 3u);
}

TEST_F(EventStreamHubTest, ASubscriberOverItsByteBudgetIsClosedWhileAReaderKeepsReceiving) {
  // A budget of 1 MiB leaves the reader (a thread of a busy test machine) room to lag.
  start({.buffer_bytes = 1024 * 1024, .write_timeout = 60s});
  auto& silent = subscribe("10.0.0.1", /*rcvbuf=*/4096);
  auto& reader = subscribe("10.0.0.2");
  ASSERT_TRUE(eventually([&] { return stats().open == 2; }));
  const std::string last = "data: {\"last\":true}\n\n";
  std::thread reading([&] {
    reader.read_until(
        [&](const std::string& got) {
          const auto tail = got.size() > 64 * 1024 ? got.size() - 64 * 1024 : 0;
          return got.find(last, tail) != std::string::npos;
        },
        30s);
  });
  publish(4 * 1024 * 1024);
  EXPECT_TRUE(eventually([&] { return stats().disconnected_slow == 1; }));
  hub_->publish("{\"last\":true}");
  reading.join();
  // The socket is really closed: what the kernel buffered drains, then end of stream.
  silent.read_until([](const std::string&) { return false; }, 10s);
  EXPECT_TRUE(silent.closed);
  EXPECT_FALSE(reader.closed);
  EXPECT_NE(reader.received.find(last), std::string::npos);
  EXPECT_EQ(stats().open, 1u);
}

TEST_F(EventStreamHubTest, AWriteThatStallsEndsTheStreamAfterTheWriteTimeout) {
  start({.buffer_bytes = 512 * 1024 * 1024, .write_timeout = 200ms});
  auto& silent = subscribe("10.0.0.1", /*rcvbuf=*/4096);
  ASSERT_TRUE(eventually([&] { return stats().open == 1; }));
  publish(4 * 1024 * 1024);
  ASSERT_TRUE(eventually([&] { return stats().write_timeouts == 1; }));
  EXPECT_TRUE(eventually([&] { return stats().open == 0; }));
  EXPECT_EQ(stats().disconnected_slow, 0u);
  silent.read_until([](const std::string&) { return false; }, 10s);
  EXPECT_TRUE(silent.closed);
}

TEST_F(EventStreamHubTest, AnIdleStreamGetsKeepAliveComments) {
  start({.heartbeat = 50ms});
  auto& s = subscribe("10.0.0.1");
  EXPECT_TRUE(s.read_until(has_keep_alive)) << s.received;
  EXPECT_EQ(s.received.rfind("HTTP/1.1 200 OK", 0), 0u) << s.received;
}

TEST_F(EventStreamHubTest, ClosingTheHubEndsEveryStreamEvenOneStuckWriting) {
  start({.buffer_bytes = 512 * 1024 * 1024, .write_timeout = 60s});
  subscribe("10.0.0.1", /*rcvbuf=*/4096);
  subscribe("10.0.0.2");
  ASSERT_TRUE(eventually([&] { return stats().open == 2; }));
  publish(2 * 1024 * 1024);
  hub_->close();
  EXPECT_TRUE(eventually([&] { return stats().open == 0; }, 5s));
}

}  // namespace
}  // namespace st::services::gateway
