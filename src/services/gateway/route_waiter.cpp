#include "services/gateway/route_waiter.hpp"

#include "domain/codec.hpp"
#include "http/wake_waiters.hpp"

namespace st::services::gateway {

namespace asio = http::asio;

RoutedTicket::RoutedTicket(const domain::Ticket& t)
    : department(t.department),
      confidence_score(t.confidence_score),
      categorized_by(t.categorized_by),
      status(t.status),
      updated_at(t.updated_at),
      priority(t.priority),
      needs_review(t.needs_review) {}

void RoutedTicket::apply_to(nlohmann::json& ticket) const {
  // The same fields, and formats, as domain::to_json(Ticket).
  domain::Ticket fields;
  fields.department = department;
  fields.confidence_score = confidence_score;
  fields.categorized_by = categorized_by;
  fields.status = status;
  fields.updated_at = updated_at;
  fields.priority = priority;
  fields.needs_review = needs_review;
  const auto routed = domain::to_json(fields);
  for (const char* key : {"department", "confidence_score", "categorized_by", "status",
                          "updated_at", "priority", "needs_review"})
    ticket[key] = routed[key];
}

std::size_t RouteWaiter::retained_bytes() {
  std::lock_guard lock(mutex_);
  std::size_t total = recent_order_.size() * sizeof(domain::TicketId);
  for (const auto& [id, routed] : recent_) total += sizeof(id) + routed.bytes();
  return total;
}

void RouteWaiter::on_routed(const domain::Ticket& ticket) {
  std::vector<std::shared_ptr<Waiter>> wake;
  const RoutedTicket routed(ticket);
  {
    std::lock_guard lock(mutex_);
    if (recent_.insert_or_assign(ticket.id, routed).second) recent_order_.push_back(ticket.id);
    while (recent_order_.size() > remember_) {
      recent_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
    auto it = waiting_.find(ticket.id);
    if (it == waiting_.end()) return;
    for (auto& w : it->second) w->result = routed;
    wake = it->second;
  }
  // The cancel runs on the waiter's own executor (its connection's strand), after the
  // waiting coroutine has suspended in async_wait, so it cannot be missed.
  http::wake_waiters(wake);
}

asio::awaitable<std::optional<RoutedTicket>> RouteWaiter::wait(domain::TicketId id,
                                                               std::chrono::milliseconds timeout) {
  auto w = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mutex_);
    if (auto it = recent_.find(id); it != recent_.end()) co_return it->second;
    if (shut_down_) co_return std::nullopt;
    waiting_[id].push_back(w);
  }
  w->timer.expires_after(timeout);
  boost::system::error_code ec;
  co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  auto it = waiting_.find(id);
  if (it != waiting_.end()) {
    std::erase(it->second, w);
    if (it->second.empty()) waiting_.erase(it);
  }
  co_return w->result;
}

void RouteWaiter::shutdown() {
  std::vector<std::shared_ptr<Waiter>> wake;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    for (auto& [id, list] : waiting_) wake.insert(wake.end(), list.begin(), list.end());
  }
  http::wake_waiters(wake);
}

}  // namespace st::services::gateway
