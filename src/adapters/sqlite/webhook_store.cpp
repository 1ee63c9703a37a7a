#include "adapters/sqlite/webhook_store.hpp"

#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/webhook_rows.hpp"
#include "adapters/sqlite/migrations.hpp"

namespace st::adapters::sqlite {
namespace {

constexpr Migration kWebhooks[] = {
    {1,
     // secret: kept as given, the HMAC of each delivery needs it (ports::Webhook).
     "CREATE TABLE webhooks (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  url TEXT NOT NULL,\n"
     "  events TEXT NOT NULL,\n"  // a JSON array of routing keys or "*"
     "  secret TEXT NOT NULL,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  updated_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE TABLE webhook_deliveries (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  webhook_id INTEGER NOT NULL,\n"
     "  event_id TEXT NOT NULL,\n"
     "  event_type TEXT NOT NULL,\n"
     "  body TEXT NOT NULL,\n"
     "  state TEXT NOT NULL DEFAULT 'pending',\n"
     "  attempts INTEGER NOT NULL DEFAULT 0,\n"
     "  last_status INTEGER,\n"
     "  last_error TEXT,\n"
     "  next_attempt_at INTEGER,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  updated_at INTEGER NOT NULL,\n"
     "  UNIQUE (webhook_id, event_id)\n"
     ");\n"
     "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) "
     "WHERE state = 'pending';\n"
     "CREATE TABLE webhook_consumed_events (\n"
     "  event_id TEXT PRIMARY KEY,\n"
     "  consumed_at INTEGER NOT NULL\n"
     ") WITHOUT ROWID;\n"},
};

using sql::delivery_from_row;
using sql::events_text;
using sql::webhook_from_row;

}  // namespace

SqliteWebhookStore::SqliteWebhookStore(Database& db) : db_(db) {
  migrate(db_, "webhooks", kWebhooks);
}

ports::Webhook SqliteWebhookStore::create(const ports::Webhook& webhook, domain::Millis now) {
  return db_.write([&](Connection& c) {
    c.query(
         "INSERT INTO webhooks (url, events, secret, created_at, updated_at) "
         "VALUES (?, ?, ?, ?, ?)")
        .bind_all(webhook.url, events_text(webhook.events), webhook.secret, now, now)
        .run();
    ports::Webhook out = webhook;
    out.id = c.last_insert_rowid();
    out.created_at = out.updated_at = now;
    return out;
  });
}

std::vector<ports::Webhook> SqliteWebhookStore::list() {
  return db_.read([&](Connection& c) {
    return c
        .query(
            "SELECT id, url, events, secret, created_at, updated_at FROM webhooks "
            "ORDER BY id")
        .rows(webhook_from_row<Query>);
  });
}

std::optional<ports::Webhook> SqliteWebhookStore::find(std::int64_t id) {
  return db_.read([&](Connection& c) {
    return c.query("SELECT " ST_WEBHOOK_COLUMNS " FROM webhooks WHERE id = ?")
        .bind_all(id)
        .first_row(webhook_from_row<Query>);
  });
}

bool SqliteWebhookStore::update(const ports::Webhook& webhook, domain::Millis now) {
  return db_.write([&](Connection& c) {
    c.query("UPDATE webhooks SET url = ?, events = ?, secret = ?, updated_at = ? WHERE id = ?")
        .bind_all(webhook.url, events_text(webhook.events), webhook.secret, now, webhook.id)
        .run();
    return c.changes() > 0;
  });
}

bool SqliteWebhookStore::remove(std::int64_t id) {
  return db_.write([&](Connection& c) {
    c.query("DELETE FROM webhooks WHERE id = ?").bind_all(id).run();
    if (c.changes() == 0) return false;
    c.query("DELETE FROM webhook_deliveries WHERE webhook_id = ?").bind_all(id).run();
    return true;
  });
}

std::vector<bool> SqliteWebhookStore::record_events(const std::vector<ports::WebhookEvent>& events,
                                                    domain::Millis now) {
  if (!ports::anyone_subscribes(list(), events)) return std::vector<bool>(events.size(), true);
  return db_.write([&](Connection& c) {
    const auto webhooks =
        c.query("SELECT id, url, events, secret, created_at, updated_at FROM webhooks")
            .rows(webhook_from_row<Query>);
    std::vector<bool> out;
    out.reserve(events.size());
    for (const auto& e : events) {
      c.query(
           "INSERT INTO webhook_consumed_events (event_id, consumed_at) VALUES (?, ?) "
           "ON CONFLICT(event_id) DO NOTHING")
          .bind_all(e.event_id, now)
          .run();
      const bool fresh = c.changes() > 0;
      out.push_back(fresh);
      if (!fresh) continue;  // a redelivery: its deliveries exist already
      for (const auto& w : webhooks) {
        if (!ports::subscribes_to(w.events, e.event_type)) continue;
        c.query(
             "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, state, "
             "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) "
             "ON CONFLICT(webhook_id, event_id) DO NOTHING")
            .bind_all(w.id, e.event_id, e.event_type, e.body, now, now, now)
            .run();
      }
    }
    return out;
  });
}

std::vector<ports::DueDelivery> SqliteWebhookStore::claim_due(domain::Millis now,
                                                              domain::Millis lease_until,
                                                              std::size_t limit) {
  return db_.write([&](Connection& c) {
    auto due = c.query(
                    "SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, d.body, d.attempts "
                    "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                    "WHERE d.state = 'pending' AND d.next_attempt_at <= ? "
                    "ORDER BY d.next_attempt_at, d.id LIMIT ?")
                   .bind_all(now, static_cast<std::int64_t>(limit))
                   .rows([](const Query& q) {
                     return ports::DueDelivery{q.int64(0), q.int64(1), q.text(2), q.text(3),
                                               q.text(4),  q.text(5),  q.int32(6)};
                   });
    for (const auto& d : due)
      c.query("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?")
          .bind_all(lease_until, d.id)
          .run();
    return due;
  });
}

void SqliteWebhookStore::record_attempt(const ports::AttemptResult& r) {
  // Two binds rather than one std::optional: GCC 12 at -O3 reports the disengaged optional's
  // payload as maybe-uninitialized inside bind_all.
  const bool pending = r.state == ports::DeliveryState::pending;
  db_.write([&](Connection& c) {
    auto q = c.query(
        "UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?, "
        "last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?");
    q.bind_all(sql::delivery_state_text(r.state), r.attempts, r.status, r.error);
    if (pending)
      q.bind(5, r.next_attempt_at);
    else
      q.bind(5, std::nullopt);
    q.bind(6, r.at).bind(7, r.id).run();
  });
}

std::optional<domain::Millis> SqliteWebhookStore::next_due() {
  return db_.read([&](Connection& c) {
    auto q = c.query("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'");
    q.step();
    return q.opt_int64(0);
  });
}

ports::Page<ports::WebhookDelivery> SqliteWebhookStore::deliveries(std::int64_t webhook_id,
                                                                   const ports::PageRequest& page) {
  return db_.read([&](Connection& c) {
    sql::PageBuilder<ports::WebhookDelivery> out(page);
    auto q = c.query("SELECT " ST_DELIVERY_COLUMNS
                     " FROM webhook_deliveries WHERE webhook_id = ?1 AND (?2 IS NULL OR id < ?2) "
                     "ORDER BY id DESC LIMIT ?3");
    q.bind_all(webhook_id, page.after_id, out.read_limit());
    while (q.step() && out.add(q.int64(0), delivery_from_row(q))) {
    }
    return out.finish();
  });
}

ports::ReplayOutcome SqliteWebhookStore::replay(std::int64_t webhook_id, std::int64_t delivery_id,
                                                domain::Millis now) {
  return db_.write([&](Connection& c) {
    const auto state = c.query(
                            "SELECT state FROM webhook_deliveries WHERE id = ? AND "
                            "webhook_id = ?")
                           .bind_all(delivery_id, webhook_id)
                           .first_row([](const Query& q) { return q.text(0); });
    if (!state) return ports::ReplayOutcome::not_found;
    if (*state == "pending") return ports::ReplayOutcome::already_pending;
    c.query(
         "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, "
         "updated_at = ? WHERE id = ?")
        .bind_all(now, now, delivery_id)
        .run();
    return ports::ReplayOutcome::replayed;
  });
}

std::size_t SqliteWebhookStore::failed_count() {
  return db_.read([&](Connection& c) {
    auto q = c.query("SELECT count(*) FROM webhook_deliveries WHERE state = 'failed'");
    q.step();
    return static_cast<std::size_t>(q.int64(0));
  });
}

}  // namespace st::adapters::sqlite
