#include "adapters/sqlite/queue_store.hpp"

#include "adapters/sqlite/migrations.hpp"
#include "adapters/sqlite/wall_clock.hpp"

namespace st::adapters::sqlite {
namespace {

using ports::StoredMessage;

// Reads seq, queue, routing_key, event_id, body, traceparent, delivery_count.
StoredMessage message_from_row(const Query& q) {
  StoredMessage m;
  m.seq = q.int64(0);
  m.queue = q.text(1);
  m.message.routing_key = q.text(2);
  m.message.event_id = q.text(3);
  m.message.body = q.text(4);
  m.message.traceparent = q.text(5);
  m.delivery_count = q.int32(6);
  return m;
}

// The messages of `queue` in `table`, bus_messages or bus_dead_letters (the same columns),
// oldest first.
std::vector<StoredMessage> messages_in(Connection& c, const std::string& table,
                                       const std::string& queue) {
  return c
      .query("SELECT seq, queue, routing_key, event_id, body, traceparent, delivery_count FROM " +
             table + " WHERE queue = ? ORDER BY seq")
      .bind_all(queue)
      .rows(message_from_row);
}

}  // namespace

SqliteQueueStore::SqliteQueueStore(Database& db) : db_(db) {
  migrate_bus(db_);
}

std::vector<StoredMessage> SqliteQueueStore::enqueue(
    const std::vector<std::string>& queues, const std::vector<ports::OutgoingMessage>& messages) {
  if (queues.empty() || messages.empty()) return {};
  const auto now = wall_clock_millis();
  return db_.write([&](Connection& c) {
    std::vector<StoredMessage> out;
    out.reserve(queues.size() * messages.size());
    for (const auto& m : messages) {
      for (const auto& queue : queues) {
        c.query(
             "INSERT INTO bus_messages (queue, routing_key, event_id, body, traceparent, "
             "delivery_count, enqueued_at) VALUES (?, ?, ?, ?, ?, 0, ?)")
            .bind_all(queue, m.routing_key, m.event_id, m.body, m.traceparent, now)
            .run();
        out.push_back({c.last_insert_rowid(), queue, m, 0});
      }
    }
    return out;
  });
}

std::vector<StoredMessage> SqliteQueueStore::pending(const std::string& queue) {
  return db_.read([&](Connection& c) { return messages_in(c, "bus_messages", queue); });
}

void SqliteQueueStore::ack(const std::string& queue, const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return;
  db_.write([&](Connection& c) {
    for (auto seq : seqs)
      c.query("DELETE FROM bus_messages WHERE seq = ? AND queue = ?").bind_all(seq, queue).run();
  });
}

void SqliteQueueStore::count_delivery(const std::string& queue, std::int64_t seq) {
  db_.write([&](Connection& c) {
    c.query(
         "UPDATE bus_messages SET delivery_count = delivery_count + 1 "
         "WHERE seq = ? AND queue = ?")
        .bind_all(seq, queue)
        .run();
  });
}

namespace {

// Copy then delete in one transaction: the message is in exactly one of the two tables.
void move_to_dead_letters(Connection& c, const std::string& queue, std::int64_t seq,
                          const std::string& reason) {
  c.query(
       "INSERT INTO bus_dead_letters (seq, queue, routing_key, event_id, body, traceparent, "
       "delivery_count, enqueued_at, dead_lettered_at, reason) "
       "SELECT seq, queue, routing_key, event_id, body, traceparent, delivery_count, "
       "enqueued_at, ?, ? FROM bus_messages WHERE seq = ? AND queue = ?")
      .bind_all(wall_clock_millis(), reason, seq, queue)
      .run();
  c.query("DELETE FROM bus_messages WHERE seq = ? AND queue = ?").bind_all(seq, queue).run();
}

}  // namespace

void SqliteQueueStore::dead_letter(const std::string& queue, std::int64_t seq,
                                   const std::string& reason) {
  db_.write([&](Connection& c) { move_to_dead_letters(c, queue, seq, reason); });
}

void SqliteQueueStore::keep_dead_letter(const std::string& queue, const ports::OutgoingMessage& m,
                                        int delivery_count, const std::string& reason) {
  const auto now = wall_clock_millis();
  db_.write([&](Connection& c) {
    c.query(
         "INSERT INTO bus_messages (queue, routing_key, event_id, body, traceparent, "
         "delivery_count, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind_all(queue, m.routing_key, m.event_id, m.body, m.traceparent, delivery_count, now)
        .run();
    move_to_dead_letters(c, queue, c.last_insert_rowid(), reason);
  });
}

std::size_t SqliteQueueStore::dead_letter_count(const std::string& queue) {
  return db_.read([&](Connection& c) {
    auto q = c.query("SELECT count(*) FROM bus_dead_letters WHERE queue = ?");
    q.bind_all(queue);
    q.step();
    return static_cast<std::size_t>(q.int64(0));
  });
}

std::vector<StoredMessage> SqliteQueueStore::dead_letters(const std::string& queue) {
  return db_.read([&](Connection& c) { return messages_in(c, "bus_dead_letters", queue); });
}

ports::DeadLetterReport SqliteQueueStore::dead_letter_report(const std::string& queue,
                                                             std::size_t sample) {
  return db_.read([&](Connection& c) {
    ports::DeadLetterReport r;
    r.queue = queue;
    auto totals =
        c.query("SELECT count(*), min(dead_lettered_at) FROM bus_dead_letters WHERE queue = ?");
    totals.bind_all(queue);
    totals.step();
    r.count = static_cast<std::size_t>(totals.int64(0));
    r.oldest_at = totals.opt_int64(1);
    if (sample == 0) return r;
    r.sample = c.query(
                    "SELECT event_id, routing_key, reason, delivery_count, dead_lettered_at "
                    "FROM bus_dead_letters WHERE queue = ? ORDER BY dead_lettered_at, seq LIMIT ?")
                   .bind_all(queue, static_cast<std::int64_t>(sample))
                   .rows([](const Query& q) {
                     return ports::DeadLetterSample{q.text(0), q.text(1), q.text(2), q.int32(3),
                                                    q.int64(4)};
                   });
    return r;
  });
}

std::vector<StoredMessage> SqliteQueueStore::requeue_dead_letters(
    const std::string& queue, const std::optional<std::string>& event_id) {
  const auto now = wall_clock_millis();
  return db_.write([&](Connection& c) {
    const std::string which = event_id ? " AND event_id = ?" : "";
    auto moved = c.query(
        "SELECT seq, queue, routing_key, event_id, body, traceparent, 0 "
        "FROM bus_dead_letters WHERE queue = ?" +
        which + " ORDER BY seq");
    moved.bind(1, queue);
    if (event_id) moved.bind(2, *event_id);
    auto out = moved.rows(message_from_row);
    for (const auto& m : out) {
      c.query(
           "INSERT INTO bus_messages (seq, queue, routing_key, event_id, body, traceparent, "
           "delivery_count, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")
          .bind_all(m.seq, m.queue, m.message.routing_key, m.message.event_id, m.message.body,
                    m.message.traceparent, now)
          .run();
      c.query("DELETE FROM bus_dead_letters WHERE seq = ?").bind_all(m.seq).run();
    }
    return out;
  });
}

std::size_t SqliteQueueStore::purge_dead_letters(const std::string& queue) {
  return db_.write([&](Connection& c) {
    c.query("DELETE FROM bus_dead_letters WHERE queue = ?").bind_all(queue).run();
    return static_cast<std::size_t>(c.changes());
  });
}

}  // namespace st::adapters::sqlite
