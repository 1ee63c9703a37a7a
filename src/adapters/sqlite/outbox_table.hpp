#pragma once
// The transactional outbox shared by the ticket and routing stores: one table per service
// (tickets_outbox, routing_outbox) with the same shape.
//
// Stores append() inside their own write transaction and notify() after the commit. A relay
// claims a batch (a short write transaction stamping claim_token/claim_until), publishes it
// with no lock held, then deletes it; if publishing throws the claim is released. A claim
// expires after `lease`, so rows claimed by a relay that died are published again (at least
// once; consumers deduplicate on event_id).
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sql/outbox_listener.hpp"
#include "adapters/sqlite/database.hpp"
#include "domain/event.hpp"
#include "ports/outbox.hpp"

namespace st::adapters::sqlite {

class OutboxTable {
 public:
  // `table` is one of our fixed table names, never user input.
  OutboxTable(Database& db, std::string table,
              std::chrono::milliseconds lease = std::chrono::seconds(30));

  // Inside the caller's write transaction. Returns how many rows were appended.
  std::size_t append(Connection& c, const std::vector<domain::Event>& events);
  // After the commit: wakes the listener, if one is set.
  void notify() const { listener_.notify(); }

  std::size_t relay(std::size_t max, const ports::PublishBatch& publish);
  ports::Outbox::Backlog backlog();
  void set_listener(std::function<void()> on_append) { listener_.set(std::move(on_append)); }

  // Forgets every claim. Called when a store opens: claims are only ever held by a relay of
  // a running process, so any left in the file belong to one that is gone. (A live claim
  // released by mistake only means one duplicate publication.)
  void release_all_claims();

 private:
  std::vector<ports::OutboxMessage> claim(std::size_t max, std::int64_t token);
  void finish(const std::vector<ports::OutboxMessage>& batch, std::int64_t token, bool published);

  Database& db_;
  std::chrono::milliseconds lease_;
  std::string backlog_sql_, insert_sql_, select_sql_, claim_sql_, delete_sql_, release_sql_,
      release_all_sql_;
  sql::OutboxListener listener_;
};

}  // namespace st::adapters::sqlite
