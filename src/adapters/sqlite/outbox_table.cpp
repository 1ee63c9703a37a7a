#include "adapters/sqlite/outbox_table.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>

#include <spdlog/spdlog.h>

#include "adapters/sqlite/wall_clock.hpp"
#include "domain/codec.hpp"

namespace st::adapters::sqlite {
namespace {

// Identifies one relay call's claim, so it deletes or releases only rows it still holds.
std::int64_t new_claim_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return static_cast<std::int64_t>(rng() >> 1);  // positive, fits INTEGER
}

}  // namespace

OutboxTable::OutboxTable(Database& db, std::string table, std::chrono::milliseconds lease)
    : db_(db), lease_(lease) {
  // The table name is a constant of ours; every value goes through a bound parameter.
  insert_sql_ =
      "INSERT INTO " + table + " (event_id, routing_key, body, created_at) VALUES (?, ?, ?, ?)";
  backlog_sql_ = "SELECT count(*), min(created_at) FROM " + table;
  // Claiming is a SELECT of the oldest unclaimed rows, then one UPDATE of the same predicate
  // over their seq range (in one write transaction, so exactly those rows). The obvious
  // single "UPDATE .. WHERE seq IN (SELECT .. LIMIT) RETURNING" makes SQLite build two
  // temporary b-trees per call, which cost more than the rest of a relay together.
  select_sql_ = "SELECT seq, event_id, routing_key, body FROM " + table +
                " WHERE claim_until IS NULL OR claim_until < ?1 ORDER BY seq LIMIT ?2";
  claim_sql_ = "UPDATE " + table +
               " SET claim_token = ?1, claim_until = ?2 WHERE seq BETWEEN ?3 AND ?4"
               " AND (claim_until IS NULL OR claim_until < ?5)";
  // A batch's rows are those in its seq range that still carry its token.
  delete_sql_ = "DELETE FROM " + table + " WHERE seq BETWEEN ?1 AND ?2 AND claim_token = ?3";
  release_sql_ = "UPDATE " + table +
                 " SET claim_token = NULL, claim_until = NULL"
                 " WHERE seq BETWEEN ?1 AND ?2 AND claim_token = ?3";
  release_all_sql_ = "UPDATE " + table +
                     " SET claim_token = NULL, claim_until = NULL WHERE claim_token IS NOT NULL";
}

std::size_t OutboxTable::append(Connection& c, const std::vector<domain::Event>& events) {
  const auto now = wall_clock_millis();
  for (const auto& e : events) {
    c.query(insert_sql_)
        .bind_all(e.event_id, domain::routing_key(e.type()), domain::serialize(e), now)
        .run();
  }
  return events.size();
}

std::size_t OutboxTable::relay(std::size_t max, const ports::PublishBatch& publish) {
  if (max == 0) return 0;
  const auto token = new_claim_token();
  auto batch = claim(max, token);
  if (batch.empty()) return 0;
  try {
    publish(batch);
  } catch (...) {
    try {
      finish(batch, token, /*published=*/false);
    } catch (const std::exception& e) {
      // The claim then simply expires after the lease.
      spdlog::warn("outbox: releasing a failed batch failed: {}", e.what());
    }
    throw;
  }
  finish(batch, token, /*published=*/true);
  return batch.size();
}

std::vector<ports::OutboxMessage> OutboxTable::claim(std::size_t max, std::int64_t token) {
  const auto now = wall_clock_millis();
  const auto limit = static_cast<std::int64_t>(std::min<std::size_t>(
      max, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
  return db_.write([&](Connection& c) {
    std::vector<ports::OutboxMessage> batch;
    {
      auto q = c.query(select_sql_);
      q.bind_all(now, limit);
      while (q.step()) batch.push_back({q.int64(0), q.text(1), q.text(2), q.text(3)});
    }
    if (!batch.empty()) {
      c.query(claim_sql_)
          .bind_all(token, now + lease_.count(), batch.front().seq, batch.back().seq, now)
          .run();
    }
    return batch;  // oldest first, as the port promises
  });
}

void OutboxTable::finish(const std::vector<ports::OutboxMessage>& batch, std::int64_t token,
                         bool published) {
  db_.write([&](Connection& c) {
    c.query(published ? delete_sql_ : release_sql_)
        .bind_all(batch.front().seq, batch.back().seq, token)
        .run();
  });
}

void OutboxTable::release_all_claims() {
  db_.write([&](Connection& c) { c.query(release_all_sql_).run(); });
}

ports::Outbox::Backlog OutboxTable::backlog() {
  return db_.read([&](Connection& c) {
    auto q = c.query(backlog_sql_);
    q.step();
    return ports::Outbox::Backlog{static_cast<std::size_t>(q.int64(0)), q.opt_int64(1)};
  });
}

}  // namespace st::adapters::sqlite
