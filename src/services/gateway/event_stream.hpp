#pragma once
// Server-Sent Events for live dashboards: every pipeline event, as one `data:` line of
// JSON, to every connected client. Its memory is bounded in bytes whatever the ticket sizes:
// each event is formatted once and shared by every subscriber queue; a subscriber's queued
// but unsent bytes are counted against a budget, and one that goes over it (it does not
// read) has its connection closed. All subscribers' queues end at the newest event, so the
// events they hold together are at most one budget's worth. Subscribers are capped in all
// and per caller; a write that does not complete in time, too, ends the stream.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "http/beast.hpp"
#include "http/request_context.hpp"

namespace st::services::gateway {

struct EventStreamLimits {
  std::size_t max_streams = 1000;
  std::size_t max_streams_per_caller = 100;
  // Queued but unsent bytes one subscriber may hold before it is disconnected.
  std::size_t buffer_bytes = 1024 * 1024;
  std::chrono::milliseconds write_timeout{30'000};
  // A comment line sent to an idle stream, so proxies do not close it.
  std::chrono::milliseconds heartbeat{15'000};
};

// What the hub has done since it started (for /api/health).
struct EventStreamStats {
  std::size_t open = 0;
  std::uint64_t refused = 0;            // 429 too_many_streams
  std::uint64_t disconnected_slow = 0;  // over the byte budget: closed
  std::uint64_t write_timeouts = 0;     // a write took longer than write_timeout: closed
};

class EventStreamHub {
 public:
  explicit EventStreamHub(EventStreamLimits limits = {}) : limits_(limits) {}

  // From the bus consumer thread: one event body (JSON, one line).
  void publish(const std::string& event_json);
  // Serves one client until it disconnects, falls behind or the hub closes. Throws ApiError
  // 429 (too_many_streams), before writing anything, when a cap is reached. The caller is
  // the principal's key, or the client's address without one.
  http::asio::awaitable<void> serve(http::RequestContext& ctx, http::beast::tcp_stream& stream);
  void close();
  EventStreamStats stats() const;

 private:
  using Chunk = std::shared_ptr<const std::string>;
  // Lives on the connection's strand; the queue fields are guarded by the hub's mutex.
  struct Client {
    Client(http::asio::any_io_executor ex, http::beast::tcp_stream* s, std::string who)
        : timer(std::move(ex)), stream(s), caller(std::move(who)) {}
    http::asio::steady_timer timer;
    http::beast::tcp_stream* stream;  // null once serve() has returned (touched on the strand)
    std::string caller;
    std::deque<Chunk> queue;
    std::size_t queued_bytes = 0;  // queue plus the write in flight, as charged
    bool dropped = false;
    bool wake_posted = false;  // a wake-up is on its way: publish need not post another
  };
  class Registration;

  std::shared_ptr<Client> admit(http::RequestContext& ctx, http::beast::tcp_stream& stream);
  void remove(const std::shared_ptr<Client>& client);
  // Posts to the client's strand: cancels its wait and, when `close_socket`, closes its
  // connection (which aborts a write stuck on a client that does not read).
  static void wake(const std::shared_ptr<Client>& client, bool close_socket);

  const EventStreamLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Client>> clients_;
  std::map<std::string, std::size_t, std::less<>> per_caller_;
  EventStreamStats stats_;
  bool closed_ = false;
};

}  // namespace st::services::gateway
