#pragma once
// The HTTP/1.1 server every service runs: Beast coroutines on an io_context with one
// thread per core, keep-alive, a body limit (413), JSON errors for malformed requests, an
// X-Request-Id on every response, and a graceful stop that finishes requests in flight.
//
// Bounded against hostile or broken clients (docs/deployment.md, "Connection limits"):
// - at most max_connections open; over it a connection is answered 503 and closed;
// - a request's headers must arrive within header_timeout (slowloris), counted from the
//   accept for the first request and from the first byte for the next ones; a keep-alive
//   connection may wait idle_timeout for that first byte;
// - a failing accept (EMFILE, ENFILE...) is retried after a growing pause, not at once.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/beast.hpp"
#include "http/connection_registry.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"

namespace st::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5000;  // 0: the OS picks one (see Server::port())
  unsigned threads = 0;       // 0: one per core
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds idle_timeout{60};
  // Runs before routing; an answer it returns is sent instead (e.g. a service that only
  // answers callers holding the service credential). Empty: every request is routed.
  std::function<std::optional<Response>(const RequestContext&)> guard = nullptr;
  std::size_t max_connections = 0;  // 0: default_max_connections()
  std::chrono::milliseconds header_timeout{10'000};
  // Counts every answer by route template (http/request_metrics.hpp). Null: not counted.
  // Outlives the server.
  metrics::Registry* metrics = nullptr;
  // One info line per answered request (method, route template, status, duration, caller),
  // inside the request's logging::RequestScope. Never the path's values, a query or a body.
  bool access_log = false;
};

// Half the open-file limit (at least 64): the other half stays for what the connections
// lead to (the gateway's calls to the services, database connections, data files).
std::size_t default_max_connections();

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads; throws if the address cannot be bound.
  void start();
  std::uint16_t port() const { return port_; }
  // Stops accepting, lets requests in flight finish (up to `grace`), closes idle
  // keep-alive connections and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // The executor the server runs on; services may use it for timers.
  asio::io_context& context() { return ioc_; }

  std::size_t max_connections() const { return max_connections_; }
  std::size_t open_connections() const { return open_.load(); }
  std::uint64_t rejected_connections() const { return rejected_.load(); }  // answered 503
  std::uint64_t accept_failures() const { return accept_failures_.load(); }

 private:
  struct Connection;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  void log_access(const Router::Match& match, const RequestContext& ctx, const Response& res,
                  std::chrono::steady_clock::time_point started) const;
  asio::awaitable<void> reject(tcp::socket socket);
  void untrack(Connection& c);

  ServerOptions options_;
  const Router& router_;
  std::unique_ptr<RequestMetrics> request_metrics_;  // null without options_.metrics
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};

  const std::size_t max_connections_;
  std::atomic<std::size_t> open_{0};       // connections in connections_
  std::atomic<std::size_t> rejecting_{0};  // being answered 503
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> accept_failures_{0};
  // After ioc_: it goes first, so the connections of coroutines the stopped context never
  // resumed are no longer listed when the context destroys them.
  ConnectionRegistry connections_;
};

}  // namespace st::http
