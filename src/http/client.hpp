#pragma once
// The HTTP/1.1 client one service uses to call another (gateway → services, routing →
// tickets, categorizer → routing): a keep-alive connection pool to one origin, a connect
// timeout and a per-call deadline, and retries of idempotent calls only — a POST that may
// have reached the server is never sent twice by this layer.
//
// Every call runs on the client's own I/O thread(s), so callers on any executor (server
// coroutines) or on plain threads (bus consumers, via send_blocking) share one pool.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/beast.hpp"
#include "http/url.hpp"

namespace st::http {

struct ClientOptions {
  std::string name;  // the upstream's name, for errors and logs ("tickets")
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{5000};  // write + whole response
  std::size_t max_idle = 64;                        // pooled keep-alive connections
  // Idle connections older than this are closed rather than reused: servers close idle
  // keep-alive connections (ours after 60 s) and a reused dead one costs a retry.
  std::chrono::milliseconds max_idle_age{20'000};
  int idempotent_retries = 1;  // extra attempts for GET/HEAD/PUT/DELETE/OPTIONS
  std::chrono::milliseconds retry_backoff{20};
  std::size_t body_limit = 32 * 1024 * 1024;
  unsigned io_threads = 1;
  // Set on every request (replacing the caller's), e.g. the service credential.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

enum class Idempotency { by_method, idempotent };

class HttpClient {
 public:
  HttpClient(ServiceUrl origin, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `req` (its target is appended to the origin's base path) and returns whatever
  // status the service answered. Throws ports::Unavailable when the service cannot be
  // reached, ports::TimedOut (an Unavailable) when the last attempt ran out of time. `idempotent`
  // marks a POST that is safe to repeat (e.g. keyed by an event id) so it gets the retries too.
  asio::awaitable<Response> send(Request req, Idempotency idempotent = Idempotency::by_method);
  // The same for callers outside any io_context (consumer threads). Never call it from a
  // coroutine: it blocks the thread.
  Response send_blocking(Request req, Idempotency idempotent = Idempotency::by_method);

  struct Stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
    std::uint64_t failures = 0;  // calls that ended in Unavailable
  };
  Stats stats() const;
  const ServiceUrl& origin() const { return origin_; }
  const std::string& name() const { return options_.name; }

 private:
  struct Connection;
  asio::awaitable<Response> exchange(Request req, bool idempotent);
  asio::awaitable<std::unique_ptr<Connection>> connect();
  asio::awaitable<Response> round_trip(Connection& c, const Request& req);
  std::unique_ptr<Connection> take_idle();
  void give_back(std::unique_ptr<Connection> c);

  ServiceUrl origin_;
  ClientOptions options_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;

  std::mutex idle_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;

  std::atomic<std::uint64_t> connections_opened_{0}, requests_{0}, retries_{0}, failures_{0};
};

bool is_idempotent(bhttp::verb method);

}  // namespace st::http
