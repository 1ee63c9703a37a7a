#include "adapters/rabbitmq/amqp_connection.hpp"

#include <amqp_framing.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "ports/unavailable.hpp"

namespace st::adapters::rabbitmq {
namespace {

// Large enough for the biggest ticket event in one frame; the broker may lower it.
constexpr int kFrameMax = 131072;

std::string server_reason(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_connection_close_t*>(method.decoded);
    return "connection closed by the broker: " + std::to_string(m->reply_code) + " " +
           string_of(m->reply_text);
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_channel_close_t*>(method.decoded);
    return "channel closed by the broker: " + std::to_string(m->reply_code) + " " +
           string_of(m->reply_text);
  }
  return "unexpected method " + std::string(amqp_method_name(method.id));
}

}  // namespace

amqp_bytes_t bytes_of(const std::string& s) {
  return {s.size(), const_cast<char*>(s.data())};
}

std::string string_of(amqp_bytes_t b) {
  return b.bytes ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

timeval to_timeval(std::chrono::milliseconds d) {
  const auto ms = std::max<std::int64_t>(0, d.count());
  return {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

AmqpConnection::AmqpConnection(const BrokerAddress& address, const Settings& settings,
                               std::string role)
    : role_(std::move(role)), where_(address.redacted()) {
  conn_ = amqp_new_connection();
  if (!conn_) throw std::bad_alloc();
  // From here on the destructor does not run if we throw: clean up by hand.
  try {
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);  // owned by conn_
    if (!socket) throw std::bad_alloc();
    timeval timeout = to_timeval(settings.connect_timeout);
    if (int rc = amqp_socket_open_noblock(socket, address.host.c_str(), address.port, &timeout);
        rc != AMQP_STATUS_OK)
      fail_library(rc, "connect");
    amqp_set_handshake_timeout(conn_, &timeout);
    // Bounds every RPC (declare, bind, close), so a broker that stops answering cannot hang
    // a thread that start() or stop() waits for.
    amqp_set_rpc_timeout(conn_, &timeout);
    check(amqp_login(conn_, address.vhost.c_str(), 0, kFrameMax, settings.heartbeat_seconds,
                     AMQP_SASL_METHOD_PLAIN, address.user.c_str(), address.password.c_str()),
          "login");
    amqp_channel_open(conn_, kChannel);
    check(amqp_get_rpc_reply(conn_), "channel.open");
    channel_open_ = true;
  } catch (...) {
    amqp_destroy_connection(conn_);
    throw;
  }
}

AmqpConnection::~AmqpConnection() {
  if (!broken_) {
    if (channel_open_) amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn_);
}

void AmqpConnection::fail_library(int status, const std::string& what) {
  broken_ = true;
  throw ports::Unavailable("RabbitMQ " + role_ + " at " + where_ + ": " + what + ": " +
                           amqp_error_string2(status));
}

void AmqpConnection::fail_server(const amqp_method_t& method, const std::string& what) {
  broken_ = true;
  // Answer the close so the broker frees its side at once; best effort, we are leaving.
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    amqp_connection_close_ok_t ok{};
    amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
  } else if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    amqp_channel_close_ok_t ok{};
    amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
  }
  const std::string reason = server_reason(method);
  // A broker shutting down is an outage like any other, not a refusal.
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD &&
      static_cast<const amqp_connection_close_t*>(method.decoded)->reply_code ==
          AMQP_CONNECTION_FORCED)
    throw ports::Unavailable("RabbitMQ " + role_ + " at " + where_ + ": " + what + ": " + reason);
  throw BrokerRefused("RabbitMQ " + role_ + " at " + where_ + ": " + what + ": " + reason);
}

void AmqpConnection::check(const amqp_rpc_reply_t& reply, const std::string& what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      fail_library(reply.library_error, what);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      fail_server(reply.reply, what);
    case AMQP_RESPONSE_NONE:
      break;
  }
  broken_ = true;
  throw ports::Unavailable("RabbitMQ " + role_ + " at " + where_ + ": " + what +
                           ": no reply from the broker");
}

void AmqpConnection::check_status(int status, const std::string& what) {
  if (status != AMQP_STATUS_OK) fail_library(status, what);
}

void AmqpConnection::check_not_closing(const amqp_frame_t& frame, const std::string& what) {
  if (frame.frame_type != AMQP_FRAME_METHOD) return;
  const auto id = frame.payload.method.id;
  if (id == AMQP_CONNECTION_CLOSE_METHOD || id == AMQP_CHANNEL_CLOSE_METHOD)
    fail_server(frame.payload.method, what);
}

std::optional<amqp_frame_t> AmqpConnection::wait_frame(std::chrono::milliseconds timeout) {
  timeval tv = to_timeval(timeout);
  amqp_frame_t frame{};
  const int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
  if (rc == AMQP_STATUS_TIMEOUT) return std::nullopt;
  check_status(rc, "waiting for the broker");
  return frame;
}

std::uint32_t AmqpConnection::ready_count(const std::string& queue) {
  auto* ok = amqp_queue_declare(conn_, kChannel, bytes_of(queue), /*passive=*/1, 0, 0, 0,
                                amqp_empty_table);
  check(amqp_get_rpc_reply(conn_), "queue.declare (passive) " + queue);
  return ok->message_count;
}

AmqpConnection::Confirms AmqpConnection::await_confirms(std::uint64_t first, std::uint64_t last,
                                                        std::chrono::milliseconds timeout) {
  // The broker confirms each publish sequence number once, possibly several at a time
  // (`multiple`) and not necessarily in order (quorum queues confirm as Raft commits).
  std::set<std::uint64_t> outstanding;
  for (auto n = first; n <= last; ++n) outstanding.insert(outstanding.end(), n);
  Confirms result;
  const auto settle = [&](std::uint64_t tag, bool multiple) -> std::size_t {
    if (!multiple) return outstanding.erase(tag);
    auto end = outstanding.upper_bound(tag);
    const auto n = static_cast<std::size_t>(std::distance(outstanding.begin(), end));
    outstanding.erase(outstanding.begin(), end);
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!outstanding.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      abandon();
      result.unconfirmed = outstanding.size();
      return result;
    }
    auto frame = wait_frame(left);
    if (!frame) continue;
    check_not_closing(*frame, "waiting for publisher confirms");
    if (frame->frame_type == AMQP_FRAME_METHOD) {
      const auto& method = frame->payload.method;
      if (method.id == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
        settle(ack->delivery_tag, ack->multiple != 0);
      } else if (method.id == AMQP_BASIC_NACK_METHOD) {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
        result.refused += settle(nack->delivery_tag, nack->multiple != 0);
      }
    }
    amqp_maybe_release_buffers(conn_);
  }
  return result;
}

}  // namespace st::adapters::rabbitmq
