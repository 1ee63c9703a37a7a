#include "adapters/postgres/database.hpp"

#include "ports/unavailable.hpp"

namespace st::adapters::postgres {
namespace {

// SQLSTATE classes that mean "the server is not there right now", not "your query is wrong":
// 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot connect now"
// (a server starting up or shutting down), 53300 too many connections.
bool is_unreachable(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "53300";
}

}  // namespace

Session::Session(const std::string& conninfo) : conn_(conninfo) {}

const std::string& Session::statement(const std::string& sql) {
  auto it = names_.find(sql);
  if (it != names_.end()) return it->second;
  std::string name = "st" + std::to_string(names_.size());
  conn_.prepare(name, sql);
  return names_.emplace(sql, std::move(name)).first->second;
}

Database::Database(std::string conninfo, PoolOptions options)
    : conninfo_(std::move(conninfo)), options_(options) {
  if (options_.max_connections == 0) options_.max_connections = 1;
}

Database::~Database() {
  std::vector<std::unique_ptr<Session>> idle;
  std::lock_guard lock(mutex_);
  idle.swap(idle_);
}

std::unique_ptr<Session> Database::acquire() {
  std::unique_lock lock(mutex_);
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + options_.acquire_timeout;
  bool waited = false;
  // An acquisition that had to wait is counted once, when it stops waiting (mutex_ held).
  auto account = [&] {
    if (!waited) return;
    waited = false;
    ++waits_;
    waited_ += std::chrono::steady_clock::now() - started;
  };
  for (;;) {
    if (!idle_.empty()) {
      account();
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return s;
    }
    if (open_ < options_.max_connections) break;
    waited = true;
    ++waiting_;
    const auto woke = freed_.wait_until(lock, deadline);
    --waiting_;
    if (woke == std::cv_status::timeout && idle_.empty() && open_ >= options_.max_connections) {
      account();
      ++errors_;
      throw ports::Unavailable("postgres: no connection free within " +
                               std::to_string(options_.acquire_timeout.count()) + " ms");
    }
  }
  account();
  if (std::chrono::steady_clock::now() - connect_failed_at_ < options_.reconnect_backoff) {
    ++errors_;
    throw ports::Unavailable("postgres: cannot connect: " + connect_error_);
  }
  ++open_;  // the slot is ours while we connect, outside the lock
  lock.unlock();
  try {
    return std::make_unique<Session>(conninfo_);
  } catch (const std::exception& e) {
    // libpq's message names host and port, never the password.
    lock.lock();
    --open_;
    connect_failed_at_ = std::chrono::steady_clock::now();
    connect_error_ = e.what();
    while (!connect_error_.empty() &&
           (connect_error_.back() == '\n' || connect_error_.back() == ' '))
      connect_error_.pop_back();
    freed_.notify_one();
    ++errors_;
    throw ports::Unavailable("postgres: cannot connect: " + connect_error_);
  }
}

void Database::give_back(std::unique_ptr<Session> s, bool healthy) {
  if (!s) return;
  healthy = healthy && s->connection().is_open();
  std::vector<std::unique_ptr<Session>> stale;
  {
    std::lock_guard lock(mutex_);
    if (healthy) {
      idle_.push_back(std::move(s));
    } else {
      --open_;
      // The idle ones talk to the same server: if it went away they are broken too, and
      // each would fail one request before being noticed.
      open_ -= idle_.size();
      stale.swap(idle_);
    }
  }
  freed_.notify_all();
  // `s` and `stale` close here, outside the lock.
}

void Database::rethrow(Lease& lease) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    lease.discard();
    ++errors_;
    throw ports::Unavailable(std::string("postgres: connection lost: ") + e.what());
  } catch (const pqxx::in_doubt_error& e) {
    // COMMIT was sent and the connection died: the outcome is unknown. The caller's retry
    // is safe because every write the stores do is idempotent or re-checked.
    lease.discard();
    ++errors_;
    throw ports::Unavailable(std::string("postgres: connection lost during commit: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    if (is_unreachable(e.sqlstate())) {
      lease.discard();
      ++errors_;
      throw ports::Unavailable(std::string("postgres: server unavailable: ") + e.what());
    }
    if (!lease.session().connection().is_open()) lease.discard();
    throw;
  } catch (...) {
    if (!lease.session().connection().is_open()) lease.discard();
    throw;
  }
}

std::size_t Database::open_connections() {
  std::lock_guard lock(mutex_);
  return open_;
}

Database::PoolStats Database::pool_stats() {
  std::lock_guard lock(mutex_);
  return {.open = open_,
          .in_use = open_ - idle_.size(),
          .max = options_.max_connections,
          .waiting = waiting_,
          .waits = waits_,
          .wait_seconds = std::chrono::duration<double>(waited_).count(),
          .errors = errors_.load()};
}

ports::Probe Database::probe() noexcept {
  std::lock_guard lock(probe_mutex_);
  try {
    if (!probe_session_ || !probe_session_->connection().is_open())
      probe_session_ = std::make_unique<Session>(conninfo_);
    pqxx::nontransaction n(probe_session_->connection());
    n.exec("SELECT 1");
    return {};
  } catch (const std::exception& e) {
    probe_session_.reset();      // the next probe connects afresh
    std::string why = e.what();  // libpq's message names host and port, never the password
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return {false, "postgres: " + why};
  } catch (...) {
    probe_session_.reset();
    return {false, "postgres: unknown error"};
  }
}

}  // namespace st::adapters::postgres
