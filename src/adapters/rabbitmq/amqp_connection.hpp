#pragma once
// One rabbitmq-c connection with one channel, owned by one thread at a time: rabbitmq-c
// connections are not thread-safe, so the bus gives each consuming thread its own and
// guards the publisher's with a mutex.
//
// Every failure throws: ports::Unavailable when the broker cannot be reached or the socket
// broke, BrokerRefused when the broker closed the channel or the connection (a declaration
// that contradicts an existing queue, a missing queue, bad credentials). Either way the
// connection is unusable afterwards (broken() is true) and the owner opens a new one.
#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "adapters/rabbitmq/broker_address.hpp"

namespace st::adapters::rabbitmq {

class BrokerRefused : public std::runtime_error {
 public:
  explicit BrokerRefused(const std::string& what) : std::runtime_error(what) {}
};

// An amqp_bytes_t viewing `s` (rabbitmq-c never writes through it).
amqp_bytes_t bytes_of(const std::string& s);
std::string string_of(amqp_bytes_t b);

class AmqpConnection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  struct Settings {
    std::chrono::milliseconds connect_timeout{3000};  // TCP connect, login, and every RPC
    int heartbeat_seconds = 0;                        // 0: none
  };

  // Connects, logs in and opens the channel. `role` names the connection in messages.
  AmqpConnection(const BrokerAddress& address, const Settings& settings, std::string role);
  // Closes politely (bounded by the RPC timeout) unless broken.
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  amqp_connection_state_t state() { return conn_; }
  bool broken() const { return broken_; }
  // Gives the connection up without the closing handshake: for a broker that stopped
  // answering, whom a polite close would only keep us waiting for.
  void abandon() { broken_ = true; }
  const std::string& role() const { return role_; }

  // Throws (and marks the connection broken) unless `reply` is normal.
  void check(const amqp_rpc_reply_t& reply, const std::string& what);
  // Same for the int status of a frame-sending call such as amqp_basic_ack.
  void check_status(int status, const std::string& what);
  // Throws for a method frame that ends the channel or connection (after answering it);
  // returns otherwise.
  void check_not_closing(const amqp_frame_t& frame, const std::string& what);

  // Waits up to `timeout` for the next frame; nullopt on timeout. The frame's memory is
  // valid until the next call into the connection.
  std::optional<amqp_frame_t> wait_frame(std::chrono::milliseconds timeout);

  // Publisher confirms of the publishes numbered [first, last] on this (confirm-mode)
  // channel: how many the broker refused (nack) and how many it had not confirmed when
  // `timeout` ran out. A timeout abandons the connection: confirms arriving later would be
  // read as another batch's.
  struct Confirms {
    std::size_t refused = 0;
    std::size_t unconfirmed = 0;
  };
  Confirms await_confirms(std::uint64_t first, std::uint64_t last,
                          std::chrono::milliseconds timeout);

  // Number of messages ready in `queue` (passive declare: throws BrokerRefused if missing).
  std::uint32_t ready_count(const std::string& queue);

 private:
  [[noreturn]] void fail_library(int status, const std::string& what);
  [[noreturn]] void fail_server(const amqp_method_t& method, const std::string& what);

  std::string role_;
  std::string where_;  // redacted address, for messages
  amqp_connection_state_t conn_ = nullptr;
  bool channel_open_ = false;
  bool broken_ = false;
};

timeval to_timeval(std::chrono::milliseconds d);

}  // namespace st::adapters::rabbitmq
