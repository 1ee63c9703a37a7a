#pragma once
// Versioned schema migrations on PostgreSQL. Every service owns its tables and migrates
// only those, recording its steps in schema_migrations(service, version). Applying them
// again is a no-op; newer steps run in order, all in one transaction (PostgreSQL's DDL is
// transactional: a failed step leaves nothing behind). A transaction-scoped advisory lock
// makes concurrent starts (two instances of a service, or all five services at once) take
// turns, so each step runs exactly once.
#include <span>
#include <string_view>

#include "adapters/postgres/database.hpp"

namespace st::adapters::postgres {

struct Migration {
  int version;      // 1, 2, 3... strictly increasing within a service
  const char* sql;  // a script of DDL statements
};

// Applies the steps of `service` newer than its recorded version. Returns how many ran.
int migrate(Database& db, std::string_view service, std::span<const Migration> steps);

// The highest version applied for `service`, 0 if none.
int schema_version(Database& db, std::string_view service);

// tickets + tickets_outbox.
void migrate_tickets(Database& db);
// departments + ticket_routing (its unique cause_event_id: the processed event ids) +
// routing_outbox.
void migrate_routing(Database& db);
// analytics_events (unique event_id: the processed event ids) + the analytics_tickets and
// analytics_decisions projections.
void migrate_analytics(Database& db);
// categorizer_examples (the learned model's training examples, shared by every instance) +
// the categorizer_label_watermark counter.
void migrate_categorizer(Database& db);
// api_keys + idempotency_keys: the gateway's access control, shared by every gateway
// instance.
void migrate_gateway(Database& db);

}  // namespace st::adapters::postgres
