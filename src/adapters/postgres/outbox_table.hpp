#pragma once
// The transactional outbox of a PostgreSQL store: one table per emitting service
// (tickets_outbox, routing_outbox) with the same shape.
//
// Stores append() inside their own transaction and notify() after the commit. A relay
// opens a transaction, claims the oldest rows with SELECT .. FOR UPDATE SKIP LOCKED,
// publishes them, deletes them and commits. Several relays (threads or processes) thus
// claim disjoint batches without waiting for each other, and rows claimed by a relay that
// dies are unlocked by the server when its connection goes: nothing is lost, and nothing
// is published twice unless a relay dies between the broker's confirm and its COMMIT
// (consumers deduplicate on event_id for that).
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/postgres/database.hpp"
#include "adapters/sql/outbox_listener.hpp"
#include "domain/event.hpp"
#include "ports/outbox.hpp"

namespace st::adapters::postgres {

class OutboxTable {
 public:
  // `table` is one of our fixed table names, never user input.
  OutboxTable(Database& db, const std::string& table);

  // Inside the caller's transaction, one statement for all `events`. Returns how many rows
  // were appended.
  std::size_t append(Tx& tx, const std::vector<domain::Event>& events);
  // After the commit: wakes the listener, if one is set.
  void notify() const { listener_.notify(); }

  std::size_t relay(std::size_t max, const ports::PublishBatch& publish);
  ports::Outbox::Backlog backlog();
  void set_listener(std::function<void()> on_append) { listener_.set(std::move(on_append)); }

 private:
  Database& db_;
  std::string backlog_sql_, insert_sql_, claim_sql_, delete_sql_;
  sql::OutboxListener listener_;
};

}  // namespace st::adapters::postgres
