#pragma once
// A throwaway RabbitMQ broker for tests: Debian's rabbitmq-server, run as a child process
// with everything of its own (temp data, log and HOME with the Erlang cookie, a unique node
// name, free loopback ports for AMQP, distribution and epmd), so it can run next to other
// brokers on the machine. It takes seconds to start: start one per test binary
// (shared_rabbit_server) and restart it only in the tests about restarts.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace st::test_support {

class RabbitServer {
 public:
  // Starts the broker and waits (bounded) until it accepts a login. Throws
  // std::runtime_error saying what is missing or, with the broker's log, what went wrong.
  explicit RabbitServer(std::chrono::seconds startup_timeout = std::chrono::seconds(240));
  // Stops the broker and its epmd, and removes its directory.
  ~RabbitServer();
  RabbitServer(const RabbitServer&) = delete;
  RabbitServer& operator=(const RabbitServer&) = delete;

  // amqp://guest:guest@127.0.0.1:PORT/
  std::string url() const;
  std::uint16_t port() const { return amqp_port_; }
  bool running() const { return pid_ > 0; }

  // Graceful (SIGTERM) within `grace`, then SIGKILL.
  void stop(std::chrono::seconds grace = std::chrono::seconds(30));
  // SIGKILL to the whole broker: a crash.
  void kill();
  // Starts it again on the same data and ports; waits until it accepts a login.
  void start();
  // SIGSTOP / SIGCONT to the whole broker: it keeps its sockets but answers nothing (a hung
  // broker, or one behind a partition).
  void pause();
  void resume();

  // The last `max_bytes` of the broker's log files, for failure messages.
  std::string log_tail(std::size_t max_bytes = 4000) const;

 private:
  void spawn();
  void wait_until_ready();
  void reap(std::chrono::milliseconds grace);
  void start_epmd();
  void stop_epmd();

  std::chrono::seconds startup_timeout_;
  std::string script_;
  std::string dir_;
  std::string node_;
  std::uint16_t amqp_port_ = 0;
  std::uint16_t dist_port_ = 0;
  std::uint16_t epmd_port_ = 0;
  pid_t pid_ = -1;
  pid_t epmd_pid_ = -1;
  bool paused_ = false;
};

// The test binary's broker, started on first use. stop_shared_rabbit_server() (from a
// gtest Environment's TearDown) stops it.
RabbitServer& shared_rabbit_server();
void stop_shared_rabbit_server();

}  // namespace st::test_support
