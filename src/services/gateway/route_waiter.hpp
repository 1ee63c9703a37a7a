#pragma once
// Lets POST /api/tickets answer with the department: the request waits (without holding a
// thread) until ticket.routed for its ticket arrives, or the deadline passes.
//
// Bounded in bytes whatever the ticket sizes: of a routed ticket only what routing changed is
// kept (no title, description or requester), so the `remember` recent ones and the waiters
// hold a few hundred bytes each at most (a department name is at most 100 characters).
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/ticket.hpp"
#include "http/beast.hpp"

namespace st::services::gateway {

// What routing changed on a ticket: the fields ticket.routed brings that the created ticket
// did not have.
struct RoutedTicket {
  explicit RoutedTicket(const domain::Ticket& t);
  // The created ticket's JSON (domain::to_json) as routed.
  void apply_to(nlohmann::json& ticket) const;
  std::size_t bytes() const { return sizeof(*this) + (department ? department->capacity() : 0); }

  std::optional<std::string> department;
  std::optional<int> confidence_score;
  std::optional<domain::CategorizedBy> categorized_by;
  domain::Status status;
  domain::Millis updated_at;
  domain::Priority priority;  // set by the pipeline with the department
  bool needs_review;          // likewise: the decision waits for an agent's review
};

class RouteWaiter {
 public:
  // `remember`: how many recently routed tickets to keep, for a routing that lands before
  // its creator starts waiting (the pipeline can be faster than the create response).
  explicit RouteWaiter(std::size_t remember = 20'000) : remember_(remember) {}

  // From the bus consumer thread, for every ticket.routed.
  void on_routed(const domain::Ticket& routed);
  // The routing, or nullopt at the deadline or shutdown.
  http::asio::awaitable<std::optional<RoutedTicket>> wait(domain::TicketId id,
                                                          std::chrono::milliseconds timeout);
  // Wakes every waiter (they answer with what they have).
  void shutdown();
  // Memory held for recent routings (the waiters' own is bounded by the open connections).
  std::size_t retained_bytes();

 private:
  struct Waiter {
    explicit Waiter(http::asio::any_io_executor ex) : timer(std::move(ex)) {}
    http::asio::steady_timer timer;
    std::optional<RoutedTicket> result;  // guarded by mutex_
  };

  std::mutex mutex_;
  std::unordered_map<domain::TicketId, std::vector<std::shared_ptr<Waiter>>> waiting_;
  std::unordered_map<domain::TicketId, RoutedTicket> recent_;
  std::deque<domain::TicketId> recent_order_;
  std::size_t remember_;
  bool shut_down_ = false;
};

}  // namespace st::services::gateway
