#include "http/server.hpp"
#include "util/thread_name.hpp"

#include <array>
#include <random>

#include <spdlog/spdlog.h>

#include "http/accept_backoff.hpp"
#include "http/json_response.hpp"
#include "http/request_context.hpp"
#include "http/request_metrics.hpp"
#include "logging/request_scope.hpp"
#include "util/file_limit.hpp"

namespace st::http {

struct Server::Connection : ConnectionRegistry::Entry, std::enable_shared_from_this<Connection> {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::string peer;   // the client's address, read once per connection
  bool busy = false;  // a request is being handled (only touched on the connection's strand)
};

namespace {

// Connections being answered 503 at once, at most; past that the accept loop pauses and the
// kernel's listen backlog holds the rest.
constexpr std::size_t kRejectingAtMost = 64;
// How long a rejected connection may take to receive its 503 and close.
constexpr std::chrono::seconds kRejectLinger{1};
constexpr std::chrono::milliseconds kFullPause{20};
// What a keep-alive connection reads while it waits for its next request.
constexpr std::size_t kFirstRead = 4096;

std::string random_hex(std::size_t bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  while (out.size() < bytes * 2) {
    auto v = rng();
    for (int i = 0; i < 16 && out.size() < bytes * 2; ++i, v >>= 4) out.push_back(kHex[v & 15]);
  }
  return out;
}

bool is_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string request_id_of(const Request& req) {
  auto it = req.find("x-request-id");
  if (it != req.end()) {
    auto v = it->value();
    bool printable = !v.empty() && v.size() <= 128;
    for (char c : v) printable = printable && c > 32 && c < 127;
    if (printable) return std::string(v);
  }
  return random_hex(16);
}

// W3C traceparent: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>".
std::string trace_id_of(const Request& req) {
  auto it = req.find("traceparent");
  if (it != req.end()) {
    auto v = it->value();
    if (v.size() >= 55 && v[2] == '-' && v[35] == '-') {
      auto id = v.substr(3, 32);
      if (is_hex(id) && id != std::string(32, '0')) return std::string(id);
    }
  }
  return random_hex(16);
}

// Feeds the parser what the buffer already holds, without reading. `ec` is left clear when
// the parser only wants more bytes; any other error is the parser's verdict on the request.
void parse_buffered(bhttp::request_parser<bhttp::string_body>& parser, beast::flat_buffer& buffer,
                    beast::error_code& ec) {
  parser.eager(true);
  while (buffer.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

Response protocol_error(bhttp::status status, std::string_view code, std::string_view message) {
  Response res = error_response(status, code, message);
  res.set("X-Request-Id", random_hex(16));
  res.keep_alive(false);
  return res;
}

}  // namespace

std::size_t default_max_connections() {
  return std::max<std::size_t>(64, util::file_limit() / 2);
}

Server::Server(ServerOptions options, const Router& router)
    : options_(std::move(options)),
      router_(router),
      ioc_(static_cast<int>(options_.threads ? options_.threads
                                             : std::max(1u, std::thread::hardware_concurrency()))),
      acceptor_(ioc_),
      max_connections_(options_.max_connections ? options_.max_connections
                                                : default_max_connections()) {
  if (options_.metrics)
    request_metrics_ = std::make_unique<RequestMetrics>(*options_.metrics, router_);
}

Server::~Server() {
  stop(std::chrono::milliseconds(0));
}

void Server::start() {
  tcp::endpoint ep{asio::ip::make_address(options_.address), options_.port};
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
  unsigned n =
      options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i)
    threads_.emplace_back([this, i] {
      name_this_thread("http-" + std::to_string(i));
      ioc_.run();
    });
}

asio::awaitable<void> Server::accept_loop() {
  AcceptBackoff backoff;
  asio::steady_timer pause(ioc_);
  while (!stopping_) {
    beast::error_code ec;
    if (open_ >= max_connections_ && rejecting_ >= kRejectingAtMost) {
      pause.expires_after(kFullPause);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // Each connection gets its own strand: its coroutine and a cancel from stop() never race.
    tcp::socket socket(asio::make_strand(ioc_));
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) co_return;
      ++accept_failures_;
      const auto delay = backoff.failed();
      std::uint64_t failures = 0;
      if (backoff.should_log(AcceptBackoff::Clock::now(), failures))
        spdlog::warn("accept failed {} time(s), last: {}; retrying in {} ms", failures,
                     ec.message(), delay.count());
      pause.expires_after(delay);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    backoff.succeeded();
    if (open_ >= max_connections_) {
      ++rejecting_;
      auto ex = socket.get_executor();
      asio::co_spawn(ex, reject(std::move(socket)), asio::detached);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket));
    if (auto remote = conn->stream.socket().remote_endpoint(ec); !ec)
      conn->peer = remote.address().to_string();
    connections_.add(*conn);
    ++open_;
    auto ex = conn->stream.get_executor();
    asio::co_spawn(ex, serve(std::move(conn)), asio::detached);
  }
}

void Server::untrack(Connection& c) {
  connections_.remove(c);
  --open_;
}

// Over the cap, a short 503 rather than silence: the client (or its load balancer) learns
// at once to retry elsewhere or later, where a connection left in the listen backlog would
// wait, then time out like a dead server, or be served after its client gave up.
asio::awaitable<void> Server::reject(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  Response res = protocol_error(bhttp::status::service_unavailable, "too_many_connections",
                                "The server is at its connection limit; retry shortly");
  res.set(bhttp::field::retry_after, "1");
  stream.expires_after(kRejectLinger);
  co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  // Read what the client sent until it closes (within the same deadline): closing with unread
  // bytes resets the connection, and the reset can destroy the 503 before the client reads it.
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 1024> sink;
  while (!ec)
    co_await stream.async_read_some(asio::buffer(sink),
                                    asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().close(ec);
  ++rejected_;
  --rejecting_;
}

void Server::log_access(const Router::Match& match, const RequestContext& ctx, const Response& res,
                        std::chrono::steady_clock::time_point started) const {
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  // The template, not the path: a path holds ids and names, and a log must not grow a
  // line shape per ticket.
  const std::string route = match.route >= 0
                                ? router_.pattern(static_cast<std::size_t>(match.route))
                                : std::string(RequestMetrics::kUnmatched);
  const logging::RequestScope scope(ctx.request_id, ctx.trace_id);
  spdlog::info("access {} {} {} {:.1f}ms caller={} request_id={}",
               std::string(ctx.request.method_string()), route, res.result_int(), took.count(),
               ctx.caller.empty() ? "-" : ctx.caller, ctx.request_id);
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> conn) {
  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool first_request = true;
  try {
    while (!stopping_) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options_.body_limit);
      parser.header_limit(16 * 1024);
      // Between requests a keep-alive connection may wait idle_timeout for the first byte;
      // from there (from the accept, for the first request) the headers have header_timeout,
      // however slowly they trickle in.
      if (!first_request && buffer.size() == 0) {
        stream.expires_after(options_.idle_timeout);
        auto space = buffer.prepare(kFirstRead);
        const std::size_t n =
            co_await stream.async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      // A keep-alive request usually arrives whole in that one read: parsing it here saves an
      // asynchronous read (a timer and a trip through the executor) per request.
      if (!first_request) parse_buffered(parser, buffer, ec);
      first_request = false;
      if (!ec && !parser.is_header_done()) {
        stream.expires_after(options_.header_timeout);
        co_await bhttp::async_read_header(stream, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec && !parser.is_done()) {
        stream.expires_after(options_.idle_timeout);
        co_await bhttp::async_read(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) {
        std::optional<Response> res;
        if (ec == bhttp::error::body_limit)
          res = protocol_error(bhttp::status::payload_too_large, "payload_too_large",
                               "Request body is larger than the 64 KiB limit");
        else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
          res = protocol_error(bhttp::status::bad_request, "bad_request", "Malformed HTTP request");
        if (res)
          co_await bhttp::async_write(stream, *res, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      conn->busy = true;
      Request& req = parser.get();
      RequestContext ctx{req,        {},      {}, {}, request_id_of(req), trace_id_of(req),
                         conn->peer, nullptr, {}};
      Router::Match match;
      std::optional<Response> res;
      const auto started = std::chrono::steady_clock::now();
      try {
        parse_target(ctx);
        if (options_.guard) res = options_.guard(ctx);
        if (!res) match = router_.match(req.method(), ctx);
      } catch (const ApiError& e) {
        res = error_response(e);
      }
      if (!res && match.stream) {
        conn->busy = false;  // a stream is never "in flight": stop() may end it at once
        stream.expires_never();
        co_await (*match.stream)(ctx, stream);
        break;  // a stream owns the connection until it ends
      }
      if (!res) res = co_await router_.execute(match, ctx);
      if (request_metrics_)
        request_metrics_->record(match.route, req.method(), res->result_int(),
                                 std::chrono::steady_clock::now() - started);
      if (options_.access_log) log_access(match, ctx, *res, started);
      res->set("X-Request-Id", ctx.request_id);
      res->keep_alive(req.keep_alive() && !stopping_);
      const bool keep_alive = res->keep_alive();
      co_await bhttp::async_write(stream, *res, asio::redirect_error(asio::use_awaitable, ec));
      conn->busy = false;
      if (ec || !keep_alive) break;
    }
  } catch (const std::exception& e) {
    spdlog::warn("connection error: {}", e.what());
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
  untrack(*conn);
}

void Server::stop(std::chrono::milliseconds grace) {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  // Stop accepting on the io threads (the acceptor is not thread-safe).
  asio::post(ioc_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  // Idle keep-alive connections are waiting for a request that will never come: end them.
  // Busy ones finish their request and then see stopping_.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!threads_.empty()) {
    std::vector<std::shared_ptr<Connection>> open;
    // serve() holds its connection until it is removed, so shared_from_this() cannot fail.
    connections_.for_each([&open](ConnectionRegistry::Entry& e) {
      open.push_back(static_cast<Connection&>(e).shared_from_this());
    });
    if (open.empty()) break;
    const bool late = std::chrono::steady_clock::now() >= deadline;
    for (auto& c : open)
      asio::post(c->stream.get_executor(), [c, late] {
        if (late || !c->busy) c->stream.cancel();
      });
    if (late) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // The posted close may not have run before ioc_.stop(); a stopped server must not keep
  // its port open (clients would connect and wait for an answer that never comes).
  beast::error_code ec;
  acceptor_.close(ec);
}

}  // namespace st::http
