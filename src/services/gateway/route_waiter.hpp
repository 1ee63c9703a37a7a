#pragma once
// Lets POST /api/tickets answer with the department: the request waits (without holding a
// thread) until ticket.routed for its ticket arrives, or the deadline passes.
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "domain/ticket.hpp"
#include "http/beast.hpp"

namespace st::services::gateway {

class RouteWaiter {
 public:
  // `remember`: how many recently routed tickets to keep, for a routing that lands before
  // its creator starts waiting (the pipeline can be faster than the create response).
  explicit RouteWaiter(std::size_t remember = 20'000) : remember_(remember) {}

  // From the bus consumer thread, for every ticket.routed.
  void on_routed(const domain::Ticket& routed);
  // The routed ticket, or nullopt at the deadline or shutdown.
  http::asio::awaitable<std::optional<domain::Ticket>> wait(domain::TicketId id,
                                                            std::chrono::milliseconds timeout);
  // Wakes every waiter (they answer with what they have).
  void shutdown();

 private:
  struct Waiter {
    explicit Waiter(http::asio::any_io_executor ex) : timer(std::move(ex)) {}
    http::asio::steady_timer timer;
    std::optional<domain::Ticket> result;  // guarded by mutex_
  };

  std::mutex mutex_;
  std::unordered_map<domain::TicketId, std::vector<std::shared_ptr<Waiter>>> waiting_;
  std::unordered_map<domain::TicketId, domain::Ticket> recent_;
  std::deque<domain::TicketId> recent_order_;
  std::size_t remember_;
  bool shut_down_ = false;
};

}  // namespace st::services::gateway
