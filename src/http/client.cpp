#include "http/client.hpp"

#include <spdlog/spdlog.h>

#include "ports/unavailable.hpp"
#include "util/thread_name.hpp"

namespace st::http {

struct HttpClient::Connection {
  explicit Connection(asio::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
};

namespace {

// A pooled connection the server has closed (or that holds unexpected bytes) reads
// EOF/data at once; a live idle one would block. Checked without blocking before reuse.
bool looks_closed(beast::tcp_stream& stream) {
  auto& socket = stream.socket();
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return true;
  char byte = 0;
  socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  boost::system::error_code ignored;
  socket.non_blocking(false, ignored);
  return ec != asio::error::would_block;
}

// Headers that describe one connection, not the message; never forwarded.
void strip_hop_by_hop(Request& req) {
  for (auto f : {bhttp::field::connection, bhttp::field::keep_alive, bhttp::field::proxy_connection,
                 bhttp::field::te, bhttp::field::trailer, bhttp::field::transfer_encoding,
                 bhttp::field::upgrade})
    req.erase(f);
}

}  // namespace

bool is_idempotent(bhttp::verb method) {
  using V = bhttp::verb;
  return method == V::get || method == V::head || method == V::put || method == V::delete_ ||
         method == V::options;
}

HttpClient::HttpClient(ServiceUrl origin, ClientOptions options)
    : origin_(std::move(origin)), options_(std::move(options)), work_(ioc_.get_executor()) {
  const unsigned n = std::max(1u, options_.io_threads);
  for (unsigned i = 0; i < n; ++i)
    threads_.emplace_back([this] {
      name_this_thread("http-client");
      ioc_.run();
    });
}

HttpClient::~HttpClient() {
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
}

HttpClient::Stats HttpClient::stats() const {
  return {connections_opened_.load(), requests_.load(), retries_.load(), failures_.load()};
}

asio::awaitable<Response> HttpClient::send(Request req, Idempotency idempotent) {
  const bool safe = idempotent == Idempotency::idempotent || is_idempotent(req.method());
  auto call = exchange(std::move(req), safe);  // a named local: see GCC 12 note in gateway.cpp
  co_return co_await asio::co_spawn(ioc_, std::move(call), asio::use_awaitable);
}

Response HttpClient::send_blocking(Request req, Idempotency idempotent) {
  const bool safe = idempotent == Idempotency::idempotent || is_idempotent(req.method());
  return asio::co_spawn(ioc_, exchange(std::move(req), safe), asio::use_future).get();
}

std::unique_ptr<HttpClient::Connection> HttpClient::take_idle() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(idle_mutex_);
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (now - c->idle_since < options_.max_idle_age && !looks_closed(c->stream)) return c;
  }
  return nullptr;
}

void HttpClient::give_back(std::unique_ptr<Connection> c) {
  c->idle_since = std::chrono::steady_clock::now();
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < options_.max_idle) idle_.push_back(std::move(c));
}

asio::awaitable<std::unique_ptr<HttpClient::Connection>> HttpClient::connect() {
  tcp::resolver resolver(ioc_);
  auto c = std::make_unique<Connection>(ioc_);
  c->stream.expires_after(options_.connect_timeout);
  const auto endpoints = co_await resolver.async_resolve(origin_.host, std::to_string(origin_.port),
                                                         asio::use_awaitable);
  co_await c->stream.async_connect(endpoints, asio::use_awaitable);
  c->stream.socket().set_option(tcp::no_delay(true));
  connections_opened_.fetch_add(1, std::memory_order_relaxed);
  co_return c;
}

asio::awaitable<Response> HttpClient::round_trip(Connection& c, const Request& req) {
  c.stream.expires_after(options_.request_timeout);
  co_await bhttp::async_write(c.stream, req, asio::use_awaitable);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options_.body_limit);
  co_await bhttp::async_read(c.stream, c.buffer, parser, asio::use_awaitable);
  c.stream.expires_never();
  co_return parser.release();
}

asio::awaitable<Response> HttpClient::exchange(Request req, bool idempotent) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  strip_hop_by_hop(req);
  req.target(origin_.base_path + std::string(req.target()));
  req.set(bhttp::field::host, origin_.authority());
  for (const auto& [name, value] : options_.headers) req.set(name, value);
  req.keep_alive(true);
  req.prepare_payload();

  const int attempts = idempotent ? 1 + std::max(0, options_.idempotent_retries) : 1;
  std::string last_error;
  bool timed_out = false;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      retries_.fetch_add(1, std::memory_order_relaxed);
      asio::steady_timer pause(ioc_, options_.retry_backoff * attempt);
      co_await pause.async_wait(asio::use_awaitable);
    }
    std::unique_ptr<Connection> c;
    try {
      c = take_idle();
      if (!c) c = co_await connect();
      Response res = co_await round_trip(*c, req);
      if (res.keep_alive()) give_back(std::move(c));
      co_return res;
    } catch (const boost::system::system_error& e) {
      timed_out = e.code() == beast::error::timeout;
      last_error = timed_out ? "timed out" : e.code().message();
    }
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  const std::string what = "the " + options_.name + " service at " + origin_.authority() +
                           " did not answer: " + last_error;
  if (timed_out) throw ports::TimedOut(what);
  throw ports::Unavailable(what);
}

}  // namespace st::http
