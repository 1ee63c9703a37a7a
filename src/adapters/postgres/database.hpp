#pragma once
// A bounded pool of PostgreSQL connections, shared by the stores of one process.
//
// - acquire blocks until a connection is free, at most `acquire_timeout`, then throws
//   ports::Unavailable (never hangs a request behind a stuck database);
// - a connection that broke (server restarted, network gone) is discarded, together with
//   every idle one (they point at the same dead server), and the next call opens a fresh
//   one, so the process recovers by itself when the server is back;
// - while the server is unreachable every call throws ports::Unavailable at once: a failed
//   connect is not retried for `reconnect_backoff`, so callers do not queue behind connect
//   timeouts;
// - each connection prepares a statement the first time it runs it (Tx::exec), so every
//   query of the stores is a prepared statement, parsed and planned once per connection.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "ports/health_check.hpp"

namespace st::adapters::postgres {

struct PoolOptions {
  std::size_t max_connections = 8;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds reconnect_backoff{200};
};

// One open connection and the statements prepared on it.
class Session {
 public:
  explicit Session(const std::string& conninfo);
  pqxx::connection& connection() { return conn_; }
  // The name under which `sql` is prepared on this connection (prepared on first use).
  const std::string& statement(const std::string& sql);

 private:
  pqxx::connection conn_;
  std::unordered_map<std::string, std::string> names_;
};

// The statements of one transaction (or of one autocommit read).
class Tx {
 public:
  Tx(pqxx::transaction_base& t, Session& s) : t_(t), s_(s) {}
  // Runs `sql` as a prepared statement with `args` bound to $1, $2... (std::optional
  // binds NULL when empty).
  template <class... A>
  pqxx::result exec(const std::string& sql, A&&... args) {
    return t_.exec_prepared(s_.statement(sql), std::forward<A>(args)...);
  }
  // Runs a script of several statements, unprepared and without parameters (DDL only).
  pqxx::result exec_script(const std::string& sql) { return t_.exec(sql); }

 private:
  pqxx::transaction_base& t_;
  Session& s_;
};

class Database final : public ports::HealthCheck {
 public:
  // `conninfo` comes from connection_string(); nothing is opened until the first call.
  explicit Database(std::string conninfo, PoolOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `f(Tx&)` inside BEGIN..COMMIT (READ COMMITTED) and returns its result; if `f`
  // throws, the transaction rolls back and the exception propagates. A lost connection
  // (also one lost during COMMIT, when the outcome is unknown) throws ports::Unavailable.
  template <class F>
  std::invoke_result_t<F&, Tx&> write(F&& f);
  // Runs `f(Tx&)` without a transaction block: each statement is atomic and sees the
  // latest commit. For reads of one statement (no BEGIN/COMMIT round trips).
  template <class F>
  std::invoke_result_t<F&, Tx&> read(F&& f);

  // Connections open now (idle + in use), for tests and health checks.
  std::size_t open_connections();

  // The pool as metrics see it (app/store_metrics.hpp).
  struct PoolStats {
    std::size_t open = 0, in_use = 0, max = 0;
    std::size_t waiting = 0;   // callers waiting for a connection now
    std::uint64_t waits = 0;   // acquisitions that found every connection taken
    double wait_seconds = 0;   // time those spent waiting, in all
    std::uint64_t errors = 0;  // calls that failed as ports::Unavailable
  };
  PoolStats pool_stats();
  // /health's "database": one round trip on a connection of its own, outside the pool, so a
  // pool busy with requests does not read as a database that is down (bounded by libpq's
  // connect_timeout and tcp_user_timeout; reconnects after a failure).
  std::string health_name() const override { return "database"; }
  ports::Probe probe() noexcept override;

 private:
  class Lease;
  std::unique_ptr<Session> acquire();
  void give_back(std::unique_ptr<Session> s, bool healthy);
  // Inside a catch block: discards the lease's connection if the failure broke it and
  // rethrows, as ports::Unavailable when the database could not be reached.
  [[noreturn]] void rethrow(Lease& lease);

  template <class Txn, class F>
  std::invoke_result_t<F&, Tx&> run(F& f);

  const std::string conninfo_;
  PoolOptions options_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
  std::uint64_t waits_ = 0;
  std::size_t waiting_ = 0;
  std::chrono::steady_clock::duration waited_{};
  std::atomic<std::uint64_t> errors_{0};
  std::chrono::steady_clock::time_point connect_failed_at_{};
  std::string connect_error_;

  std::mutex probe_mutex_;
  std::unique_ptr<Session> probe_session_;  // probe()'s own; null until used or after a failure
};

class Database::Lease {
 public:
  explicit Lease(Database& db) : db_(db), session_(db.acquire()) {}
  ~Lease() { db_.give_back(std::move(session_), healthy_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Session& session() { return *session_; }
  void discard() { healthy_ = false; }

 private:
  Database& db_;
  std::unique_ptr<Session> session_;
  bool healthy_ = true;
};

template <class Txn, class F>
std::invoke_result_t<F&, Tx&> Database::run(F& f) {
  using R = std::invoke_result_t<F&, Tx&>;
  Lease lease(*this);
  try {
    Txn txn(lease.session().connection());
    Tx tx(txn, lease.session());
    if constexpr (std::is_void_v<R>) {
      f(tx);
      txn.commit();
    } else {
      R result = f(tx);
      txn.commit();
      return result;
    }
  } catch (...) {
    rethrow(lease);
  }
}

template <class F>
std::invoke_result_t<F&, Tx&> Database::write(F&& f) {
  return run<pqxx::work>(f);
}

template <class F>
std::invoke_result_t<F&, Tx&> Database::read(F&& f) {
  return run<pqxx::nontransaction>(f);
}

}  // namespace st::adapters::postgres
