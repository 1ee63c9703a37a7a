#include "services/gateway/event_stream.hpp"

#include <chrono>

namespace st::services::gateway {

namespace asio = http::asio;
namespace bhttp = http::bhttp;

namespace {
constexpr auto kHeartbeat = std::chrono::seconds(15);  // keeps proxies from closing the stream
}

void EventStreamHub::publish(const std::string& event_json) {
  std::vector<std::shared_ptr<Client>> wake;
  {
    std::lock_guard lock(mutex_);
    for (const auto& c : clients_) {
      if (c->dropped) continue;
      if (c->backlog.size() >= max_backlog_) {
        c->dropped = true;
        c->backlog.clear();
      } else {
        c->backlog.push_back(event_json);
      }
      wake.push_back(c);
    }
  }
  for (auto& c : wake) asio::post(c->timer.get_executor(), [c] { c->timer.cancel(); });
}

asio::awaitable<void> EventStreamHub::serve(http::RequestContext& ctx,
                                            http::beast::tcp_stream& stream) {
  auto client = std::make_shared<Client>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mutex_);
    if (closed_) co_return;
    clients_.insert(client);
  }
  boost::system::error_code ec;
  bhttp::response<bhttp::empty_body> head{bhttp::status::ok, 11};
  head.set(bhttp::field::content_type, "text/event-stream");
  head.set(bhttp::field::cache_control, "no-cache");
  head.set("X-Request-Id", ctx.request_id);
  head.keep_alive(false);  // the body runs until the connection closes
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  co_await bhttp::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
  std::string out = "retry: 3000\n: connected\n\n";
  while (!ec) {
    if (!out.empty()) {
      co_await asio::async_write(stream, asio::buffer(out),
                                 asio::redirect_error(asio::use_awaitable, ec));
      out.clear();
      if (ec) break;
    }
    {
      std::lock_guard lock(mutex_);
      if (closed_ || client->dropped) break;
      if (!client->backlog.empty()) {
        for (auto& e : client->backlog) out += "data: " + e + "\n\n";
        client->backlog.clear();
        continue;
      }
    }
    // Nothing to send: sleep until publish() cancels the timer (posted to this strand, so
    // it cannot slip in before the wait starts) or the heartbeat is due.
    client->timer.expires_after(kHeartbeat);
    boost::system::error_code wait_ec;
    co_await client->timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    if (!wait_ec) out = ": ping\n\n";
  }
  std::lock_guard lock(mutex_);
  clients_.erase(client);
}

void EventStreamHub::close() {
  std::vector<std::shared_ptr<Client>> wake;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    wake.assign(clients_.begin(), clients_.end());
  }
  for (auto& c : wake) asio::post(c->timer.get_executor(), [c] { c->timer.cancel(); });
}

std::size_t EventStreamHub::clients() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace st::services::gateway
