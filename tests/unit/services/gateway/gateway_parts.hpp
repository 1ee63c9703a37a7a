#pragma once
// What a gateway unit test builds before its Gateway: keys and idempotency claims in a
// private SQLite file, an authenticator over them, and four upstreams that answer nothing
// (a router without routes). A fixture derives from it and declares its Gateway after.
#include <string>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/idempotency_store.hpp"
#include "adapters/sqlite/key_store.hpp"
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "ports/clock.hpp"
#include "services/gateway/gateway.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::gateway {

struct GatewayParts {
  testing_support::TempDir dir;
  adapters::sqlite::Database db{dir.file("gateway.db")};
  adapters::sqlite::SqliteKeyStore keys{db};
  adapters::sqlite::SqliteIdempotencyStore idempotency{db};
  ports::SystemClock clock;
  auth::Authenticator authenticator{keys, clock};
  http::Router none;
  LocalUpstream tickets{"tickets", none}, categorizer{"categorizer", none},
      routing{"routing", none}, analytics{"analytics", none};

  Upstreams upstreams() { return {tickets, categorizer, routing, analytics}; }
  GatewayStores stores() { return {&authenticator, &idempotency}; }
};

}  // namespace st::services::gateway
