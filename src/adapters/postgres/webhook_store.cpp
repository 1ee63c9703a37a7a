#include "adapters/postgres/webhook_store.hpp"

#include <stdexcept>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/webhook_rows.hpp"

namespace st::adapters::postgres {
namespace {

constexpr Migration kWebhooks[] = {
    {1,
     // secret: kept as given, the HMAC of each delivery needs it (ports::Webhook).
     "CREATE TABLE webhooks (\n"
     "  id bigserial PRIMARY KEY,\n"
     "  url text NOT NULL,\n"
     "  events text NOT NULL,\n"
     "  secret text NOT NULL,\n"
     "  created_at bigint NOT NULL,\n"
     "  updated_at bigint NOT NULL\n"
     ");\n"
     "CREATE TABLE webhook_deliveries (\n"
     "  id bigserial PRIMARY KEY,\n"
     "  webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,\n"
     "  event_id text NOT NULL,\n"
     "  event_type text NOT NULL,\n"
     "  body text NOT NULL,\n"
     "  state text NOT NULL DEFAULT 'pending',\n"
     "  attempts integer NOT NULL DEFAULT 0,\n"
     "  last_status integer,\n"
     "  last_error text,\n"
     "  next_attempt_at bigint,\n"
     "  created_at bigint NOT NULL,\n"
     "  updated_at bigint NOT NULL,\n"
     "  UNIQUE (webhook_id, event_id)\n"
     ");\n"
     "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) "
     "WHERE state = 'pending';\n"
     "CREATE TABLE webhook_consumed_events (\n"
     "  event_id text PRIMARY KEY,\n"
     "  consumed_at bigint NOT NULL\n"
     ");\n"},
};

constexpr const char* kInsert =
    "INSERT INTO webhooks (url, events, secret, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $4) RETURNING id";
constexpr const char* kList = "SELECT " ST_WEBHOOK_COLUMNS " FROM webhooks ORDER BY id";
constexpr const char* kFind = "SELECT " ST_WEBHOOK_COLUMNS " FROM webhooks WHERE id = $1";
constexpr const char* kUpdate =
    "UPDATE webhooks SET url = $1, events = $2, secret = $3, updated_at = $4 WHERE id = $5";
constexpr const char* kDelete = "DELETE FROM webhooks WHERE id = $1";  // cascades
constexpr const char* kConsume =
    "INSERT INTO webhook_consumed_events (event_id, consumed_at) VALUES ($1, $2) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
constexpr const char* kAddDelivery =
    "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, state, "
    "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5, $5) "
    "ON CONFLICT (webhook_id, event_id) DO NOTHING";
constexpr const char* kClaim =
    "UPDATE webhook_deliveries d SET next_attempt_at = $2 FROM webhooks w "
    "WHERE w.id = d.webhook_id AND d.id IN (SELECT id FROM webhook_deliveries "
    "WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3 "
    "FOR UPDATE SKIP LOCKED) "
    "RETURNING d.id, d.webhook_id, w.url, w.secret, d.event_id, d.body, d.attempts";
constexpr const char* kAttempt =
    "UPDATE webhook_deliveries SET state = $1, attempts = $2, last_status = $3, "
    "last_error = $4, next_attempt_at = $5, updated_at = $6 WHERE id = $7";
constexpr const char* kNextDue =
    "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'";
constexpr const char* kDeliveries =
    "SELECT " ST_DELIVERY_COLUMNS
    " FROM webhook_deliveries WHERE webhook_id = $1 AND ($2::bigint IS NULL OR id < $2) "
    "ORDER BY id DESC LIMIT $3";
constexpr const char* kStateForUpdate =
    "SELECT state FROM webhook_deliveries WHERE id = $1 AND webhook_id = $2 FOR UPDATE";
constexpr const char* kReplay =
    "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $1, "
    "updated_at = $1 WHERE id = $2";
constexpr const char* kFailed = "SELECT count(*) FROM webhook_deliveries WHERE state = 'failed'";

void check_storable(const ports::Webhook& w) {
  if (!storable_text(w.url) || !storable_text(w.secret))
    throw std::invalid_argument("a webhook's url and secret must be UTF-8 text without NUL");
}

}  // namespace

PgWebhookStore::PgWebhookStore(Database& db) : db_(db) {
  migrate(db_, "webhooks", kWebhooks);
}

ports::Webhook PgWebhookStore::create(const ports::Webhook& webhook, domain::Millis now) {
  check_storable(webhook);
  return db_.write([&](Tx& tx) {
    const auto rows =
        tx.exec(kInsert, webhook.url, sql::events_text(webhook.events), webhook.secret, now);
    ports::Webhook out = webhook;
    out.id = rows[0][0].as<std::int64_t>();
    out.created_at = out.updated_at = now;
    return out;
  });
}

std::vector<ports::Webhook> PgWebhookStore::list() {
  return db_.read([&](Tx& tx) {
    std::vector<ports::Webhook> out;
    for (const auto& row : tx.exec(kList)) out.push_back(sql::webhook_from_row(RowReader(row)));
    return out;
  });
}

std::optional<ports::Webhook> PgWebhookStore::find(std::int64_t id) {
  return db_.read([&](Tx& tx) -> std::optional<ports::Webhook> {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    return sql::webhook_from_row(RowReader(rows[0]));
  });
}

bool PgWebhookStore::update(const ports::Webhook& webhook, domain::Millis now) {
  check_storable(webhook);
  return db_.write([&](Tx& tx) {
    return tx.exec(kUpdate, webhook.url, sql::events_text(webhook.events), webhook.secret, now,
                   webhook.id)
               .affected_rows() > 0;
  });
}

bool PgWebhookStore::remove(std::int64_t id) {
  return db_.write([&](Tx& tx) { return tx.exec(kDelete, id).affected_rows() > 0; });
}

std::vector<bool> PgWebhookStore::record_events(const std::vector<ports::WebhookEvent>& events,
                                                domain::Millis now) {
  if (!ports::anyone_subscribes(list(), events)) return std::vector<bool>(events.size(), true);
  return db_.write([&](Tx& tx) {
    std::vector<ports::Webhook> webhooks;
    for (const auto& row : tx.exec(kList))
      webhooks.push_back(sql::webhook_from_row(RowReader(row)));
    std::vector<bool> out;
    out.reserve(events.size());
    for (const auto& e : events) {
      const bool fresh = !tx.exec(kConsume, e.event_id, now).empty();
      out.push_back(fresh);
      if (!fresh) continue;  // a redelivery: its deliveries exist already
      for (const auto& w : webhooks)
        if (ports::subscribes_to(w.events, e.event_type))
          tx.exec(kAddDelivery, w.id, e.event_id, e.event_type, e.body, now);
    }
    return out;
  });
}

std::vector<ports::DueDelivery> PgWebhookStore::claim_due(domain::Millis now,
                                                          domain::Millis lease_until,
                                                          std::size_t limit) {
  return db_.write([&](Tx& tx) {
    std::vector<ports::DueDelivery> out;
    for (const auto& row : tx.exec(kClaim, now, lease_until, static_cast<std::int64_t>(limit))) {
      const RowReader r(row);
      out.push_back(
          {r.int64(0), r.int64(1), r.text(2), r.text(3), r.text(4), r.text(5), r.int32(6)});
    }
    return out;
  });
}

void PgWebhookStore::record_attempt(const ports::AttemptResult& r) {
  const std::optional<domain::Millis> next =
      r.state == ports::DeliveryState::pending ? std::optional(r.next_attempt_at) : std::nullopt;
  std::optional<std::string> error = r.error;
  if (error && !storable_text(*error)) error = "(unprintable error)";
  db_.write([&](Tx& tx) {
    tx.exec(kAttempt, std::string(sql::delivery_state_text(r.state)), r.attempts, r.status, error,
            next, r.at, r.id);
  });
}

std::optional<domain::Millis> PgWebhookStore::next_due() {
  return db_.read([&](Tx& tx) -> std::optional<domain::Millis> {
    const auto rows = tx.exec(kNextDue);
    if (rows[0][0].is_null()) return std::nullopt;
    return rows[0][0].as<std::int64_t>();
  });
}

ports::Page<ports::WebhookDelivery> PgWebhookStore::deliveries(std::int64_t webhook_id,
                                                               const ports::PageRequest& page) {
  return db_.read([&](Tx& tx) {
    sql::PageBuilder<ports::WebhookDelivery> out(page);
    for (const auto& row : tx.exec(kDeliveries, webhook_id, page.after_id, out.read_limit())) {
      const RowReader r(row);
      if (!out.add(r.int64(0), sql::delivery_from_row(r))) break;
    }
    return out.finish();
  });
}

ports::ReplayOutcome PgWebhookStore::replay(std::int64_t webhook_id, std::int64_t delivery_id,
                                            domain::Millis now) {
  return db_.write([&](Tx& tx) {
    const auto rows = tx.exec(kStateForUpdate, delivery_id, webhook_id);
    if (rows.empty()) return ports::ReplayOutcome::not_found;
    if (rows[0][0].as<std::string>() == "pending") return ports::ReplayOutcome::already_pending;
    tx.exec(kReplay, now, delivery_id);
    return ports::ReplayOutcome::replayed;
  });
}

std::size_t PgWebhookStore::failed_count() {
  return db_.read(
      [&](Tx& tx) { return static_cast<std::size_t>(tx.exec(kFailed)[0][0].as<std::int64_t>()); });
}

}  // namespace st::adapters::postgres
