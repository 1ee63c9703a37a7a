#include "services/gateway/event_stream.hpp"

#include <spdlog/spdlog.h>

#include "http/api_error.hpp"

namespace st::services::gateway {

namespace asio = http::asio;
namespace beast = http::beast;
namespace bhttp = http::bhttp;

namespace {

// What one queued event costs a subscriber besides its bytes (the queue slot, the shared
// pointer): a flood of tiny events is bounded too.
constexpr std::size_t kChunkOverhead = 64;

const std::shared_ptr<const std::string>& opening() {
  static const auto kOpening = std::make_shared<const std::string>("retry: 3000\n: connected\n\n");
  return kOpening;
}

const std::shared_ptr<const std::string>& keep_alive() {
  static const auto kKeepAlive = std::make_shared<const std::string>(": keep-alive\n\n");
  return kKeepAlive;
}

std::string caller_of(const http::RequestContext& ctx) {
  if (ctx.principal && ctx.principal->is_key()) return "key:" + ctx.principal->key_id;
  return "addr:" + std::string(ctx.peer);
}

http::ApiError too_many_streams(const std::string& what) {
  return {bhttp::status::too_many_requests, "too_many_streams",
          "Too many event streams are open " + what + "; close one and retry"};
}

}  // namespace

// Holds a client's place in the hub while serve() runs, whichever way it ends.
class EventStreamHub::Registration {
 public:
  Registration(EventStreamHub& hub, std::shared_ptr<Client> client)
      : hub_(hub), client_(std::move(client)) {}
  ~Registration() {
    client_->stream = nullptr;  // on the strand: a posted close after this finds nothing
    hub_.remove(client_);
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  EventStreamHub& hub_;
  std::shared_ptr<Client> client_;
};

void EventStreamHub::publish(const std::string& event_json) {
  // Formatted once, shared by every queue.
  const Chunk chunk = std::make_shared<const std::string>("data: " + event_json + "\n\n");
  const std::size_t charge = chunk->size() + kChunkOverhead;
  std::vector<std::shared_ptr<Client>> wake_only;
  std::vector<std::shared_ptr<Client>> over_budget;
  {
    std::lock_guard lock(mutex_);
    for (const auto& c : clients_) {
      if (c->dropped) continue;
      if (c->queued_bytes + charge > limits_.buffer_bytes) {
        c->dropped = true;
        c->queue.clear();
        ++stats_.disconnected_slow;
        over_budget.push_back(c);
        continue;
      }
      c->queue.push_back(chunk);
      c->queued_bytes += charge;
      if (!c->wake_posted) {
        c->wake_posted = true;
        wake_only.push_back(c);
      }
    }
  }
  for (const auto& c : wake_only) wake(c, false);
  for (const auto& c : over_budget) {
    spdlog::warn("event stream: {} fell {} bytes behind; disconnected", c->caller,
                 limits_.buffer_bytes);
    wake(c, true);
  }
}

void EventStreamHub::wake(const std::shared_ptr<Client>& client, bool close_socket) {
  asio::post(client->timer.get_executor(), [client, close_socket] {
    client->timer.cancel();
    if (close_socket && client->stream) client->stream->close();
  });
}

std::shared_ptr<EventStreamHub::Client> EventStreamHub::admit(http::RequestContext& ctx,
                                                              beast::tcp_stream& stream) {
  auto client = std::make_shared<Client>(stream.get_executor(), &stream, caller_of(ctx));
  std::lock_guard lock(mutex_);
  if (closed_) return nullptr;
  auto& mine = per_caller_[client->caller];
  if (clients_.size() >= limits_.max_streams || mine >= limits_.max_streams_per_caller) {
    const bool global = clients_.size() >= limits_.max_streams;
    if (mine == 0) per_caller_.erase(client->caller);
    ++stats_.refused;
    throw too_many_streams(global ? "on this server" : "for this caller");
  }
  ++mine;
  clients_.insert(client);
  return client;
}

void EventStreamHub::remove(const std::shared_ptr<Client>& client) {
  std::lock_guard lock(mutex_);
  clients_.erase(client);
  if (auto it = per_caller_.find(client->caller); it != per_caller_.end() && --it->second == 0)
    per_caller_.erase(it);
}

asio::awaitable<void> EventStreamHub::serve(http::RequestContext& ctx, beast::tcp_stream& stream) {
  const auto client = admit(ctx, stream);
  if (!client) co_return;
  Registration registration(*this, client);

  beast::error_code ec;
  bhttp::response<bhttp::empty_body> head{bhttp::status::ok, 11};
  head.set(bhttp::field::content_type, "text/event-stream");
  head.set(bhttp::field::cache_control, "no-cache");
  head.set("X-Request-Id", ctx.request_id);
  head.keep_alive(false);  // the body runs until the connection closes
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  stream.expires_after(limits_.write_timeout);
  co_await bhttp::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));

  // Hoisted out of the loop (they live across co_await): what is being written, and what
  // it was charged against the budget.
  std::vector<Chunk> batch{opening()};
  std::vector<asio::const_buffer> buffers;
  std::size_t charged = 0;
  boost::system::error_code wait_ec;
  while (!ec) {
    if (!batch.empty()) {
      buffers.clear();
      for (const auto& c : batch) buffers.push_back(asio::buffer(*c));
      stream.expires_after(limits_.write_timeout);
      co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
      batch.clear();
      if (ec) break;
    }
    {
      std::lock_guard lock(mutex_);
      client->queued_bytes -= charged;  // what was just written no longer counts
      charged = 0;
      if (closed_ || client->dropped) break;
      client->wake_posted = false;
      if (!client->queue.empty()) {
        batch.assign(client->queue.begin(), client->queue.end());
        client->queue.clear();
        charged = client->queued_bytes;
        continue;
      }
    }
    // Nothing to send: sleep until publish() cancels the timer (posted to this strand, so
    // it cannot slip in before the wait starts) or the heartbeat is due.
    stream.expires_never();
    client->timer.expires_after(limits_.heartbeat);
    co_await client->timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    if (!wait_ec) batch.push_back(keep_alive());
  }
  if (ec == beast::error::timeout) {
    std::lock_guard lock(mutex_);
    ++stats_.write_timeouts;
  }
}

void EventStreamHub::close() {
  std::vector<std::shared_ptr<Client>> open;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    open.assign(clients_.begin(), clients_.end());
  }
  // Closing also ends a write stuck on a client that does not read.
  for (const auto& c : open) wake(c, true);
}

EventStreamStats EventStreamHub::stats() const {
  std::lock_guard lock(mutex_);
  EventStreamStats s = stats_;
  s.open = clients_.size();
  return s;
}

}  // namespace st::services::gateway
