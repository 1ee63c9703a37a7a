#pragma once
// The HTTP/1.1 server every service runs: Beast coroutines on an io_context with one
// thread per core, keep-alive, a body limit (413), JSON errors for malformed requests, an
// X-Request-Id on every response, and a graceful stop that finishes requests in flight.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "http/beast.hpp"
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
};

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

 private:
  struct Connection;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  void track(const std::shared_ptr<Connection>& c);
  void untrack(Connection* c);

  ServerOptions options_;
  const Router& router_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};

  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace st::http
