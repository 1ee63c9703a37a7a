#pragma once
// Versioned schema migrations. Every service owns its tables and migrates only those, so
// the steps are recorded per service in schema_migrations(service, version). Running a
// migration again is a no-op; steps newer than the recorded version are applied in order,
// each set inside one write transaction.
#include <span>
#include <string_view>

#include "adapters/sqlite/database.hpp"

namespace st::adapters::sqlite {

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

// The table holding the lowest id the next ticket may take (tickets migration 10), as a DDL
// script that may run again. `smartticket restore` writes it into the snapshot it puts back,
// which may predate the migration.
extern const char* const kTicketIdFloorTable;
// departments + ticket_routing + routing_outbox.
void migrate_routing(Database& db);
// analytics_events + the analytics_tickets and analytics_decisions projections.
void migrate_analytics(Database& db);
// categorizer_examples (the learned model's training examples).
void migrate_categorizer(Database& db);
// bus_messages + bus_dead_letters (durable queues of the in-process bus).
void migrate_bus(Database& db);
// api_keys + idempotency_keys (the gateway's access control).
void migrate_gateway(Database& db);

}  // namespace st::adapters::sqlite
