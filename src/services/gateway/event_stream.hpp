#pragma once
// Server-Sent Events for live dashboards: every pipeline event, as one `data:` line of
// JSON, to every connected client. A client too slow to keep up is disconnected rather
// than allowed to grow memory without bound.
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "http/beast.hpp"
#include "http/request_context.hpp"

namespace st::services::gateway {

class EventStreamHub {
 public:
  explicit EventStreamHub(std::size_t max_backlog = 10'000) : max_backlog_(max_backlog) {}

  // From the bus consumer thread: one event body (JSON).
  void publish(const std::string& event_json);
  // Serves one client until it disconnects or the hub closes.
  http::asio::awaitable<void> serve(http::RequestContext& ctx, http::beast::tcp_stream& stream);
  void close();
  std::size_t clients() const;

 private:
  struct Client {
    explicit Client(http::asio::any_io_executor ex) : timer(std::move(ex)) {}
    http::asio::steady_timer timer;
    std::deque<std::string> backlog;  // guarded by the hub's mutex
    bool dropped = false;
  };

  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Client>> clients_;
  std::size_t max_backlog_;
  bool closed_ = false;
};

}  // namespace st::services::gateway
