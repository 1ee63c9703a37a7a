#pragma once
// The databases' own figures as Prometheus series, read at each scrape: the PostgreSQL
// pool (connections open and in use, waits for a free one, failures) and the embedded
// SQLite writer (write transactions, and how long they queued for the one writer). The
// adapters keep plain totals; this is the only place that knows metric names for them.
#include "adapters/postgres/database.hpp"
#include "adapters/sqlite/database.hpp"
#include "metrics/registry.hpp"

namespace st::app {

// `db` must outlive `registry`'s renders (both live as long as the process's host).
void export_database_metrics(metrics::Registry& registry, adapters::postgres::Database& db);
void export_database_metrics(metrics::Registry& registry, adapters::sqlite::Database& db);

}  // namespace st::app
