#include "adapters/postgres/outbox_table.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "adapters/postgres/pg_array.hpp"
#include "domain/codec.hpp"

namespace st::adapters::postgres {
namespace {

std::int64_t wall_clock_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

OutboxTable::OutboxTable(Database& db, const std::string& table) : db_(db) {
  // WITH ORDINALITY + ORDER BY: seq follows the order of the events.
  insert_sql_ = "INSERT INTO " + table +
                " (event_id, routing_key, body, created_at) "
                "SELECT event_id, routing_key, body, $4 FROM unnest($1::text[], $2::text[], "
                "$3::text[]) WITH ORDINALITY AS r(event_id, routing_key, body, ord) ORDER BY ord";
  claim_sql_ = "SELECT seq, event_id, routing_key, body FROM " + table +
               " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED";
  delete_sql_ = "DELETE FROM " + table + " WHERE seq = ANY($1::bigint[])";
  backlog_sql_ = "SELECT count(*), min(created_at) FROM " + table;
}

std::size_t OutboxTable::append(Tx& tx, const std::vector<domain::Event>& events) {
  if (events.empty()) return 0;
  ArrayLiteral ids, keys, bodies;
  for (const auto& e : events) {
    ids.add(e.event_id);
    keys.add(domain::routing_key(e.type()));
    bodies.add(domain::serialize(e));
  }
  tx.exec(insert_sql_, ids.str(), keys.str(), bodies.str(), wall_clock_millis());
  return events.size();
}

std::size_t OutboxTable::relay(std::size_t max, const ports::PublishBatch& publish) {
  if (max == 0) return 0;
  const auto limit = static_cast<std::int64_t>(std::min<std::size_t>(
      max, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
  // The row locks are the claim: held while publishing, released by COMMIT (rows deleted)
  // or by ROLLBACK when publish throws (rows stay for the next attempt).
  return db_.write([&](Tx& tx) -> std::size_t {
    std::vector<ports::OutboxMessage> batch;
    for (const auto& row : tx.exec(claim_sql_, limit))
      batch.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                       row[2].as<std::string>(), row[3].as<std::string>()});
    if (batch.empty()) return 0;
    publish(batch);
    ArrayLiteral seqs;
    for (const auto& m : batch) seqs.add(m.seq);
    tx.exec(delete_sql_, seqs.str());
    return batch.size();
  });
}

ports::Outbox::Backlog OutboxTable::backlog() {
  return db_.read([&](Tx& tx) {
    const auto row = tx.exec(backlog_sql_)[0];
    ports::Outbox::Backlog b{row[0].as<std::size_t>(), std::nullopt};
    if (!row[1].is_null()) b.oldest_created_at = row[1].as<std::int64_t>();
    return b;
  });
}

}  // namespace st::adapters::postgres
