// When accept fails (here EMFILE: the process has no descriptor left), the server waits
// before trying again instead of spinning, and serves again once descriptors free up.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include "http/accept_backoff.hpp"
#include "http/server.hpp"
#include "loopback_client.hpp"

namespace st::http {
namespace {

using namespace std::chrono_literals;

// Lowers the soft open-file limit so that no new descriptor can be made, and restores it.
// Each test runs in its own process under ctest; restoring keeps a whole-binary run sound.
class NoFreeDescriptors {
 public:
  NoFreeDescriptors() {
    getrlimit(RLIMIT_NOFILE, &saved_);
    const int lowest_free = ::dup(0);
    ::close(lowest_free);
    rlimit none = saved_;
    none.rlim_cur = static_cast<rlim_t>(lowest_free);
    setrlimit(RLIMIT_NOFILE, &none);
  }
  ~NoFreeDescriptors() { restore(); }
  void restore() { setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

TEST(ServerAcceptBackoff, FailingAcceptWaitsInsteadOfSpinningAndRecovers) {
  Router router;
  testing::add_health_route(router);
  Server server({.address = "127.0.0.1", .port = 0, .threads = 1}, router);
  server.start();
  asio::io_context client_ioc;
  tcp::socket client(client_ioc);
  client.open(tcp::v4());  // its descriptor exists before the limit drops

  NoFreeDescriptors limit;
  // The handshake completes in the kernel; the server's accept fails with EMFILE.
  client.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  std::this_thread::sleep_for(600ms);
  const auto failures = server.accept_failures();
  limit.restore();

  EXPECT_GE(failures, 1u);
  // Waits of 5, 10, 20... ms fit ~7 tries in 600 ms; a spinning loop makes thousands.
  EXPECT_LE(failures, 20u);
  // The next try (at most AcceptBackoff::kMost later) accepts the waiting connection.
  EXPECT_EQ(testing::get_health(client).result(), bhttp::status::ok);
  server.stop(0ms);
}

TEST(AcceptBackoff, WaitDoublesUpToTheMostAndResetsOnSuccess) {
  AcceptBackoff b;
  EXPECT_EQ(b.failed(), AcceptBackoff::kFirst);
  EXPECT_EQ(b.failed(), 2 * AcceptBackoff::kFirst);
  for (int i = 0; i < 20; ++i) b.failed();
  EXPECT_EQ(b.failed(), AcceptBackoff::kMost);
  b.succeeded();
  EXPECT_EQ(b.failed(), AcceptBackoff::kFirst);
}

TEST(AcceptBackoff, LogsAtMostOncePerPeriodCountingTheFailuresBetween) {
  AcceptBackoff b;
  const auto t0 = AcceptBackoff::Clock::now();
  std::uint64_t failures = 0;
  b.failed();
  EXPECT_TRUE(b.should_log(t0, failures));
  EXPECT_EQ(failures, 1u);
  b.failed();
  b.failed();
  EXPECT_FALSE(b.should_log(t0 + 1s, failures));
  EXPECT_TRUE(b.should_log(t0 + AcceptBackoff::kLogEvery, failures));
  EXPECT_EQ(failures, 2u);
}

}  // namespace
}  // namespace st::http
