#include "app/store_metrics.hpp"

namespace st::app {

void export_database_metrics(metrics::Registry& registry, adapters::postgres::Database& db) {
  const std::string help = "PostgreSQL connections of this process's pool";
  auto& in_use = registry.gauge("smartticket_db_connections", help, {{"state", "in_use"}});
  auto& open = registry.gauge("smartticket_db_connections", help, {{"state", "open"}});
  auto& max = registry.gauge("smartticket_db_connections", help, {{"state", "max"}});
  auto& waiting =
      registry.gauge("smartticket_db_pool_waiting", "Calls waiting for a pooled connection now");
  auto& waits = registry.counter("smartticket_db_pool_waits_total",
                                 "Calls that found every pooled connection in use and waited");
  auto& waited = registry.gauge("smartticket_db_pool_wait_seconds",
                                "Time calls spent waiting for a pooled connection, in all");
  auto& errors = registry.counter(
      "smartticket_db_errors_total",
      "Database calls that failed for want of the server (lost, refused, pool exhausted)");
  registry.add_collector([&db, &in_use, &open, &max, &waiting, &waits, &waited, &errors] {
    const auto s = db.pool_stats();
    in_use.set(static_cast<double>(s.in_use));
    open.set(static_cast<double>(s.open));
    max.set(static_cast<double>(s.max));
    waiting.set(static_cast<double>(s.waiting));
    waits.advance_to(s.waits);
    waited.set(s.wait_seconds);
    errors.advance_to(s.errors);
  });
}

void export_database_metrics(metrics::Registry& registry, adapters::sqlite::Database& db) {
  auto& writes = registry.counter("smartticket_sqlite_writes_total",
                                  "Write transactions on the embedded store's one writer");
  auto& commits = registry.counter(
      "smartticket_sqlite_commits_total",
      "Commits of the embedded store's writer; under load several write transactions share one");
  auto& queued = registry.gauge("smartticket_sqlite_writer_queue",
                                "Write transactions waiting for the writer now");
  auto& waits = registry.counter("smartticket_sqlite_writer_waits_total",
                                 "Write transactions that found the writer busy and queued");
  auto& waited = registry.gauge("smartticket_sqlite_writer_wait_seconds",
                                "Time write transactions spent queued for the writer, in all");
  registry.add_collector([&db, &writes, &commits, &queued, &waits, &waited] {
    const auto s = db.writer_stats();
    writes.advance_to(s.writes);
    commits.advance_to(s.commits);
    queued.set(static_cast<double>(s.queued));
    waits.advance_to(s.waits);
    waited.set(s.wait_seconds);
  });
}

}  // namespace st::app
