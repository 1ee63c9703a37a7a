#include "adapters/sqlite/migrations.hpp"

#include <string>

#include "adapters/sqlite/wall_clock.hpp"

namespace st::adapters::sqlite {
namespace {

// Rows of an INTEGER PRIMARY KEY table are stored in id order, and every secondary index
// ends with the rowid: an index on (status) therefore serves "status = ? ORDER BY id DESC"
// without a sort, and keyset paging (id < ?) is a range scan inside it.

// A service's outbox (tickets_outbox, routing_outbox: one shape). AUTOINCREMENT so seq
// never goes backwards, even after the table drains; claim_token/claim_until mark rows a
// relay is publishing (see OutboxTable). A macro so the text joins the step's literal.
#define OUTBOX_TABLE(name)                     \
  "CREATE TABLE " name                         \
  " (\n"                                       \
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n" \
  "  event_id TEXT NOT NULL,\n"                \
  "  routing_key TEXT NOT NULL,\n"             \
  "  body TEXT NOT NULL,\n"                    \
  "  created_at INTEGER NOT NULL,\n"           \
  "  claim_token INTEGER,\n"                   \
  "  claim_until INTEGER\n"                    \
  ");\n"

#define TICKET_ID_FLOOR_TABLE                                \
  "CREATE TABLE IF NOT EXISTS ticket_id_floor (\n"           \
  "  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),\n" \
  "  next_id INTEGER NOT NULL\n"                             \
  ");\n"

constexpr Migration kTickets[] = {
    {1,
     "CREATE TABLE tickets (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  title TEXT NOT NULL,\n"
     "  description TEXT NOT NULL,\n"
     "  user_name TEXT NOT NULL,\n"
     "  user_email TEXT NOT NULL,\n"
     "  department TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  categorized_by TEXT,\n"
     "  status TEXT NOT NULL DEFAULT 'pending',\n"
     "  created_at INTEGER NOT NULL,\n"
     "  updated_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX tickets_by_status ON tickets(status);\n"
     "CREATE INDEX tickets_by_department ON tickets(department);\n"
     "CREATE INDEX tickets_by_department_status ON tickets(department, status);\n" OUTBOX_TABLE(
         "tickets_outbox")},
    // A requester's own tickets (GET /api/tickets with a requester key), newest first.
    {2, "CREATE INDEX tickets_by_user_email ON tickets(user_email COLLATE NOCASE);\n"},
    // The request that created a ticket, when it named one (ports::TicketCreate::create_key).
    {3,
     "CREATE TABLE ticket_create_keys (\n"
     "  create_key TEXT PRIMARY KEY,\n"
     "  ticket_id INTEGER NOT NULL\n"
     ") WITHOUT ROWID;\n"},
    // The language detected in a ticket (ISO 639-1; NULL: undetermined, or stored before).
    {4,
     "ALTER TABLE tickets ADD COLUMN language TEXT;\n"
     "CREATE INDEX tickets_by_language ON tickets(language);\n"},
    // How urgent a ticket is (domain::Priority); tickets stored before it are 'normal'.
    {5,
     "ALTER TABLE tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';\n"
     "CREATE INDEX tickets_by_priority ON tickets(priority);\n"},
    // Why a ticket is in its department (domain::Explanation as JSON); NULL before it was
    // routed, or when it was routed before explanations existed.
    {6, "ALTER TABLE tickets ADD COLUMN explanation TEXT;\n"},
    // Who works a ticket (domain/assignment.hpp), the agents the gateway publishes, and each
    // department's assignment mode with its round-robin pointer.
    {7,
     "ALTER TABLE tickets ADD COLUMN assignee_id TEXT;\n"
     "ALTER TABLE tickets ADD COLUMN assignee_name TEXT;\n"
     "CREATE INDEX tickets_by_assignee ON tickets(assignee_id, status);\n"
     "CREATE TABLE ticket_agents (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  name TEXT NOT NULL,\n"
     "  available INTEGER NOT NULL,\n"
     "  active INTEGER NOT NULL,\n"
     "  last_assigned_at INTEGER\n"
     ");\n"
     "CREATE TABLE ticket_agent_departments (\n"
     "  agent_id TEXT NOT NULL,\n"
     "  department TEXT NOT NULL,\n"
     "  PRIMARY KEY (department, agent_id)\n"
     ");\n"
     "CREATE TABLE department_assignment (\n"
     "  department TEXT PRIMARY KEY,\n"
     "  mode TEXT NOT NULL,\n"
     "  last_agent_id TEXT\n"
     ");\n"},
    // A ticket's conversation (domain/comment.hpp): replies and internal notes, read per
    // ticket oldest first. The author is the request's actor (domain::Actor), kept as columns.
    {8,
     "CREATE TABLE ticket_comments (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  ticket_id INTEGER NOT NULL,\n"
     "  body TEXT NOT NULL,\n"
     "  is_public INTEGER NOT NULL,\n"
     "  author_type TEXT NOT NULL,\n"
     "  author_id TEXT,\n"
     "  author_name TEXT NOT NULL,\n"
     "  author_role TEXT,\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX ticket_comments_by_ticket ON ticket_comments(ticket_id);\n"},
    // A routing decision below its department's review threshold waits for an agent's
    // review (issue 16 §3); the partial index keeps the review queue a short scan.
    {9,
     "ALTER TABLE tickets ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;\n"
     "CREATE INDEX tickets_needing_review ON tickets(id) WHERE needs_review = 1;\n"},
    // The lowest id the next ticket may take. `smartticket restore` sets it: a restored store
    // must never hand out again the ids of tickets created after its snapshot, whose tokens
    // (an HMAC of the id) their requesters still hold. IF NOT EXISTS: restore may have made it.
    {10, TICKET_ID_FLOOR_TABLE},
    // SLA clocks (issue 17 §4, domain/sla.hpp): each ticket's due, met and breach times and
    // its pause bookkeeping, and the policies per priority (a priority without a row uses the
    // default). The partial indexes are the sweeper's: running clocks by due time.
    {11,
     "ALTER TABLE tickets ADD COLUMN first_response_due INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN first_response_at INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN first_response_breached_at INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN resolution_due INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN sla_resolved_at INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN resolution_breached_at INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN sla_paused_at INTEGER;\n"
     "ALTER TABLE tickets ADD COLUMN sla_paused_ms INTEGER NOT NULL DEFAULT 0;\n"
     "CREATE INDEX tickets_first_response_running ON tickets(first_response_due) "
     "WHERE first_response_at IS NULL AND first_response_breached_at IS NULL;\n"
     "CREATE INDEX tickets_resolution_running ON tickets(resolution_due) "
     "WHERE sla_resolved_at IS NULL AND resolution_breached_at IS NULL;\n"
     "CREATE TABLE sla_policies (\n"
     "  priority TEXT PRIMARY KEY,\n"
     "  first_response_seconds INTEGER NOT NULL,\n"
     "  resolution_seconds INTEGER NOT NULL,\n"
     "  escalation TEXT NOT NULL\n"
     ");\n"},
};

constexpr Migration kRouting[] = {
    {1,
     // NOCASE on the column makes both the UNIQUE index and every `name = ?` lookup ignore
     // (ASCII) case.
     "CREATE TABLE departments (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
     "  description TEXT NOT NULL DEFAULT '',\n"
     "  is_active INTEGER NOT NULL DEFAULT 1,\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE TABLE ticket_routing (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  ticket_id INTEGER NOT NULL,\n"
     "  department TEXT NOT NULL,\n"
     "  confidence_score INTEGER NOT NULL,\n"
     "  categorized_by TEXT NOT NULL,\n"
     "  manual INTEGER NOT NULL DEFAULT 0,\n"
     "  routed_at INTEGER NOT NULL,\n"
     "  cause_event_id TEXT UNIQUE\n"  // NULLs are distinct: manual routings have none
     ");\n"
     "CREATE INDEX ticket_routing_by_ticket ON ticket_routing(ticket_id);\n" OUTBOX_TABLE(
         "routing_outbox")},
    // Which model (or rule set) made each automatic routing; NULL for an agent's.
    {2, "ALTER TABLE ticket_routing ADD COLUMN model_version TEXT;\n"},
    // A department's own review threshold (0-101); NULL: the review_below_confidence setting.
    {3, "ALTER TABLE departments ADD COLUMN review_below_confidence INTEGER;\n"},
};

// The categorizer's training examples: a ticket's text and the label it may learn
// from (both from ticket.routed, which carries the ticket). label_rank orders sources (1
// machine, 2 human);
// label_seq grows with every label change, so max(label_seq) counts changes over time.
constexpr Migration kCategorizer[] = {
    {1,
     "CREATE TABLE categorizer_examples (\n"
     "  ticket_id INTEGER PRIMARY KEY,\n"
     "  title TEXT,\n"
     "  description TEXT,\n"
     "  department TEXT,\n"
     "  label_rank INTEGER,\n"
     "  labeled_at INTEGER,\n"
     "  label_seq INTEGER\n"
     ");\n"
     "CREATE INDEX categorizer_examples_by_label_seq ON categorizer_examples(label_seq);\n"},
};

constexpr Migration kAnalytics[] = {
    {1,
     "CREATE TABLE analytics_events (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  event_id TEXT NOT NULL UNIQUE,\n"
     "  event_type TEXT NOT NULL,\n"
     "  ticket_id INTEGER NOT NULL,\n"
     "  department TEXT,\n"
     "  status TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  metadata TEXT NOT NULL DEFAULT '{}',\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX analytics_events_by_ticket ON analytics_events(ticket_id, created_at);\n"
     // One row per ticket, kept current from the events. The *_version/_at columns order
     // competing updates so the row converges whatever order events arrive in.
     "CREATE TABLE analytics_tickets (\n"
     "  ticket_id INTEGER PRIMARY KEY,\n"
     "  department TEXT,\n"
     "  status TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  categorized_by TEXT,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  routed_at INTEGER,\n"
     "  resolved_at INTEGER,\n"
     "  status_version INTEGER,\n"
     "  status_event_at INTEGER,\n"
     "  department_version INTEGER\n"
     ");\n"
     "CREATE INDEX analytics_tickets_by_created ON analytics_tickets(created_at);\n"
     "CREATE INDEX analytics_tickets_by_department ON analytics_tickets(department, "
     "created_at);\n"},
    // Who made each change ({type, id, name, role} as JSON); NULL for events recorded before
    // actors existed, which the trail shows as the system's.
    {2, "ALTER TABLE analytics_events ADD COLUMN actor TEXT;\n"},
    // The ticket's priority, from its newest snapshot (as status); earlier rows are 'normal'.
    {3, "ALTER TABLE analytics_tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';\n"},
    // Rebuilds from the log (sql/projection_rebuild.hpp): each event keeps the ticket fields
    // the projection reads (NULL before this version), and the rebuild folds into a table
    // shaped like the projection before it replaces the live one.
    {4,
     "ALTER TABLE analytics_events ADD COLUMN snapshot TEXT;\n"
     "CREATE TABLE analytics_tickets_next (\n"
     "  ticket_id INTEGER PRIMARY KEY,\n"
     "  department TEXT,\n"
     "  status TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  categorized_by TEXT,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  routed_at INTEGER,\n"
     "  resolved_at INTEGER,\n"
     "  status_version INTEGER,\n"
     "  status_event_at INTEGER,\n"
     "  department_version INTEGER,\n"
     "  priority TEXT NOT NULL DEFAULT 'normal'\n"
     ");\n"},
    // Per ticket, the automatic routing decision and a person's latest verdict on it
    // (sql/decision_projection.hpp), for GET /api/analytics/quality; and the rebuild's table
    // of the same shape. Filled as events arrive; decisions recorded before this version
    // appear after a rebuild (POST /api/admin/analytics/rebuild).
    {5,
     "CREATE TABLE analytics_decisions (\n"
     "  ticket_id INTEGER PRIMARY KEY,\n"
     "  decided_by TEXT,\n"
     "  department TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  decided_at INTEGER,\n"
     "  verdict_department TEXT,\n"
     "  verdict_at INTEGER\n"
     ");\n"
     "CREATE INDEX analytics_decisions_by_decided_at ON analytics_decisions(decided_at);\n"
     // Covers the quality query, which groups in this order.
     "CREATE INDEX analytics_decisions_by_strategy ON analytics_decisions(decided_by, "
     "department, confidence_score, verdict_department);\n"
     "CREATE TABLE analytics_decisions_next (\n"
     "  ticket_id INTEGER PRIMARY KEY,\n"
     "  decided_by TEXT,\n"
     "  department TEXT,\n"
     "  confidence_score INTEGER,\n"
     "  decided_at INTEGER,\n"
     "  verdict_department TEXT,\n"
     "  verdict_at INTEGER\n"
     ");\n"},
    // Each ticket's concluded SLA clocks (sql/sla_attainment.hpp), for the attainment the
    // dashboard shows.
    {6,
     "CREATE TABLE analytics_sla (\n"
     "  ticket_id INTEGER NOT NULL,\n"
     "  clock TEXT NOT NULL,\n"
     "  outcome TEXT NOT NULL,\n"
     "  priority TEXT NOT NULL,\n"
     "  PRIMARY KEY (ticket_id, clock)\n"
     ");\n"},
};

constexpr Migration kBus[] = {
    {1,
     // AUTOINCREMENT: the bus relies on seq growing in publish order and never being reused.
     "CREATE TABLE bus_messages (\n"
     "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
     "  queue TEXT NOT NULL,\n"
     "  routing_key TEXT NOT NULL,\n"
     "  event_id TEXT NOT NULL,\n"
     "  body TEXT NOT NULL,\n"
     "  traceparent TEXT NOT NULL DEFAULT '',\n"
     "  delivery_count INTEGER NOT NULL DEFAULT 0,\n"
     "  enqueued_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX bus_messages_by_queue ON bus_messages(queue);\n"
     "CREATE TABLE bus_dead_letters (\n"
     "  seq INTEGER PRIMARY KEY,\n"  // the message's seq in bus_messages
     "  queue TEXT NOT NULL,\n"
     "  routing_key TEXT NOT NULL,\n"
     "  event_id TEXT NOT NULL,\n"
     "  body TEXT NOT NULL,\n"
     "  traceparent TEXT NOT NULL DEFAULT '',\n"
     "  delivery_count INTEGER NOT NULL,\n"
     "  enqueued_at INTEGER NOT NULL,\n"
     "  dead_lettered_at INTEGER NOT NULL,\n"
     "  reason TEXT NOT NULL\n"
     ");\n"
     "CREATE INDEX bus_dead_letters_by_queue ON bus_dead_letters(queue);\n"},
};

// The gateway's API keys (only a hash of each key's text) and the answers kept for
// Idempotency-Key. An idempotency record is unfinished while completed_at is NULL; its
// lease started at created_at, when it was claimed.
constexpr Migration kGateway[] = {
    {1,
     "CREATE TABLE api_keys (\n"
     "  id TEXT PRIMARY KEY,\n"
     "  name TEXT NOT NULL,\n"
     "  role TEXT NOT NULL,\n"
     "  email TEXT NOT NULL DEFAULT '',\n"
     "  secret_hash TEXT NOT NULL,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  revoked_at INTEGER\n"
     ");\n"
     "CREATE INDEX api_keys_active ON api_keys(created_at, id) WHERE revoked_at IS NULL;\n"
     "CREATE TABLE idempotency_keys (\n"
     "  scope TEXT NOT NULL,\n"
     "  key TEXT NOT NULL,\n"
     "  fingerprint TEXT NOT NULL,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  completed_at INTEGER,\n"
     "  status INTEGER,\n"
     "  content_type TEXT,\n"
     "  location TEXT,\n"
     "  body TEXT,\n"
     "  PRIMARY KEY (scope, key)\n"
     ");\n"
     "CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_at);\n"},
    // The secret ticket tokens (anonymous creates) are signed with, one per installation.
    {2, "CREATE TABLE gateway_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);\n"},
    // An agent's departments (a JSON array of names) and availability (domain::Availability).
    {3,
     "ALTER TABLE api_keys ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';\n"
     "ALTER TABLE api_keys ADD COLUMN availability TEXT NOT NULL DEFAULT 'available';\n"},
};

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "  service TEXT NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  applied_at INTEGER NOT NULL,\n"
    "  PRIMARY KEY (service, version)\n"
    ")";

constexpr const char* kCurrentVersion =
    "SELECT coalesce(max(version), 0) FROM schema_migrations WHERE service = ?";

}  // namespace

int migrate(Database& db, std::string_view service, std::span<const Migration> steps) {
  // Reading the version inside the write transaction makes concurrent migrators (threads or
  // processes) apply each step exactly once.
  return db.write([&](Connection& c) {
    c.exec(kCreateMigrationsTable);
    auto q = c.query(kCurrentVersion);
    q.bind(1, service);
    q.step();
    const auto current = q.int64(0);
    int applied = 0;
    for (const Migration& m : steps) {
      if (m.version <= current) continue;
      c.exec(m.sql);
      c.query("INSERT INTO schema_migrations (service, version, applied_at) VALUES (?, ?, ?)")
          .bind_all(service, m.version, wall_clock_millis())
          .run();
      ++applied;
    }
    return applied;
  });
}

int schema_version(Database& db, std::string_view service) {
  return db.read([&](Connection& c) {
    auto exists = c.query(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
        "'schema_migrations'");
    exists.step();
    if (exists.int64(0) == 0) return 0;
    auto q = c.query(kCurrentVersion);
    q.bind(1, service);
    q.step();
    return q.int32(0);
  });
}

const char* const kTicketIdFloorTable = TICKET_ID_FLOOR_TABLE;

void migrate_tickets(Database& db) {
  migrate(db, "tickets", kTickets);
}
void migrate_routing(Database& db) {
  migrate(db, "routing", kRouting);
}
void migrate_analytics(Database& db) {
  migrate(db, "analytics", kAnalytics);
}
void migrate_categorizer(Database& db) {
  migrate(db, "categorizer", kCategorizer);
}
void migrate_bus(Database& db) {
  migrate(db, "bus", kBus);
}
void migrate_gateway(Database& db) {
  migrate(db, "gateway", kGateway);
}

}  // namespace st::adapters::sqlite
