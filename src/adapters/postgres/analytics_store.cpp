#include "adapters/postgres/analytics_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/pg_array.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/analytics_projection.hpp"
#include "adapters/sql/daily_counts.hpp"
#include "adapters/sql/decision_projection.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/projection_rebuild.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sql/sla_attainment.hpp"
#include "domain/codec.hpp"

namespace st::adapters::postgres {
namespace {

using domain::Event;
using domain::Millis;
using ports::NamedCount;
using sql::ProjectedTicket;

// Events of one ticket are recorded one transaction at a time, even by several analytics
// instances: each takes a transaction-scoped advisory lock per ticket (in hash order, so
// two batches cannot deadlock) before reading the projection it will rewrite. The first
// key is a constant of ours ("ST" "an"), the second the ticket id's hash.
constexpr const char* kLockTickets =
    "SELECT pg_advisory_xact_lock(1398042990, h) FROM "
    "(SELECT DISTINCT hashint8(t) AS h FROM unnest($1::bigint[]) AS t) AS k ORDER BY h";

constexpr const char* kRecorded =
    "SELECT event_id FROM analytics_events WHERE event_id = ANY($1::text[])";

constexpr const char* kSelectProjections =
    "SELECT " ST_PROJECTION_COLUMNS " FROM analytics_tickets WHERE ticket_id = ANY($1::bigint[])";

constexpr const char* kInsertEvents =
    "INSERT INTO analytics_events (event_id, event_type, ticket_id, department, status, "
    "confidence_score, metadata, created_at, actor, snapshot) "
    "SELECT event_id, event_type, ticket_id, department, status, confidence_score, "
    "metadata::jsonb, created_at, actor::jsonb, snapshot::jsonb FROM unnest($1::text[], "
    "$2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::bigint[], "
    "$9::text[], $10::text[]) "
    "WITH ORDINALITY AS e(event_id, event_type, ticket_id, department, status, "
    "confidence_score, metadata, created_at, actor, snapshot, ord) ORDER BY ord "
    "ON CONFLICT (event_id) DO NOTHING";

// Projection rows, one array per column, written to `table` (the live projection or the
// rebuild's).
#define ST_UPSERT_PROJECTIONS(table)                                                         \
  "INSERT INTO " table " (" ST_PROJECTION_COLUMNS                                            \
  ") SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], " \
  "$6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], "   \
  "$12::text[])" ST_PROJECTION_UPSERT
constexpr const char* kUpsertProjections = ST_UPSERT_PROJECTIONS("analytics_tickets");

// The decisions projection (sql/decision_projection.hpp), live and rebuilt the same way.
constexpr const char* kSelectDecisions = "SELECT " ST_DECISION_COLUMNS
                                         " FROM analytics_decisions WHERE ticket_id = "
                                         "ANY($1::bigint[])";
#define ST_UPSERT_DECISIONS(table)                                                             \
  "INSERT INTO " table " (" ST_DECISION_COLUMNS                                                \
  ") SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::bigint[], " \
  "$6::text[], $7::bigint[])" ST_DECISION_UPSERT
constexpr const char* kUpsertDecisions = ST_UPSERT_DECISIONS("analytics_decisions");
constexpr const char* kUpsertNextDecisions = ST_UPSERT_DECISIONS("analytics_decisions_next");
constexpr const char* kKeepUnreplayableDecisions =
    "INSERT INTO analytics_decisions_next (" ST_DECISION_COLUMNS ") SELECT " ST_DECISION_COLUMNS
    " FROM analytics_decisions WHERE ticket_id IN (SELECT ticket_id FROM analytics_events "
    "WHERE snapshot IS NULL)" ST_DECISION_UPSERT;

// A page starts after the (created_at, id) of the row the cursor names ($3; 0 for the first).
constexpr const char* kTrail =
    "SELECT event_type, department, status, confidence_score, metadata::text, created_at, "
    "actor::text, id FROM analytics_events WHERE ticket_id = $1 AND ($3::bigint = 0 OR "
    "(created_at, id) > "
    "(SELECT created_at, id FROM analytics_events WHERE id = $3::bigint)) ORDER BY created_at, id "
    "LIMIT $2";

constexpr const char* kDaily = ST_DAILY_COUNTS_SQL("$1", "$2");

template <class T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

const ProjectedTicket& projected(const std::pair<const domain::TicketId, ProjectedTicket>& p) {
  return p.second;
}
const ProjectedTicket& projected(const ProjectedTicket& p) {
  return p;
}

// The rebuild's statements (sql/projection_rebuild.hpp).
constexpr const char* kUpsertNext = ST_UPSERT_PROJECTIONS("analytics_tickets_next");
constexpr const char* kNow = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
// The lease lasts a minute past its last renewal (each batch renews it), so an instance that
// died mid-rebuild does not block the next one for long.
const std::string kTakeLease =
    std::string("UPDATE analytics_rebuild_lease SET holder = $1, expires_at = ") + kNow +
    " + 60000 WHERE id = 1 AND (holder IS NULL OR holder = $1 OR expires_at < " + kNow +
    ") RETURNING id";
constexpr const char* kReleaseLease =
    "UPDATE analytics_rebuild_lease SET holder = NULL, expires_at = 0 WHERE id = 1 AND holder = $1";
constexpr const char* kStoredEvents =
    "SELECT ticket_id, event_type, event_id, created_at, metadata::text, snapshot::text "
    "FROM analytics_events WHERE ticket_id = ANY(SELECT DISTINCT ticket_id FROM "
    "analytics_events WHERE ticket_id > $1 ORDER BY ticket_id LIMIT $2) ORDER BY ticket_id, id";
constexpr const char* kTicketEvents =
    "SELECT ticket_id, event_type, event_id, created_at, metadata::text, snapshot::text "
    "FROM analytics_events WHERE ticket_id = ANY($1::bigint[]) ORDER BY ticket_id, id";
constexpr const char* kEventCounts =
    "SELECT ticket_id, count(*) FROM analytics_events GROUP BY ticket_id";
constexpr const char* kKeepUnreplayable =
    "INSERT INTO analytics_tickets_next (" ST_PROJECTION_COLUMNS ") SELECT " ST_PROJECTION_COLUMNS
    " FROM analytics_tickets WHERE ticket_id IN (SELECT ticket_id FROM analytics_events "
    "WHERE snapshot IS NULL)" ST_PROJECTION_UPSERT;
// SHARE: recording (an INSERT) waits until the switch commits; reads go on.
constexpr const char* kHoldRecording = "LOCK TABLE analytics_events IN SHARE MODE";

// analytics_sla (sql/sla_attainment.hpp): a breach is never overwritten by a met. One row
// per statement: a batch may conclude one clock twice, which one multi-row upsert refuses.
constexpr const char* kUpsertSla =
    "INSERT INTO analytics_sla (ticket_id, clock, outcome, priority) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (ticket_id, clock) DO UPDATE SET outcome = excluded.outcome, "
    "priority = excluded.priority WHERE analytics_sla.outcome <> 'breached'";
// The same from the log, for a rebuild: of a clock's events, a breach if there is one.
constexpr const char* kRebuildSla =
    "DELETE FROM analytics_sla; "
    "INSERT INTO analytics_sla (ticket_id, clock, outcome, priority) "
    "SELECT DISTINCT ON (ticket_id, metadata->>'clock') ticket_id, metadata->>'clock', "
    "CASE WHEN event_type = 'ticket.sla.breached' THEN 'breached' ELSE 'met' END, "
    "metadata->>'priority' FROM analytics_events "
    "WHERE event_type IN ('ticket.sla.met', 'ticket.sla.breached') "
    "AND metadata->>'clock' IS NOT NULL AND metadata->>'priority' IS NOT NULL "
    "ORDER BY ticket_id, metadata->>'clock', event_type = 'ticket.sla.breached' DESC, id";
constexpr const char* kSlaCounts =
    "SELECT t.department, s.priority, s.clock, count(*) FILTER (WHERE s.outcome = 'met'), "
    "count(*) FILTER (WHERE s.outcome = 'breached') FROM analytics_sla s "
    "LEFT JOIN analytics_tickets t ON t.ticket_id = s.ticket_id "
    "GROUP BY t.department, s.priority, s.clock";

void fold_rows(const pqxx::result& rows, sql::ProjectionFold& fold) {
  for (const auto& row : rows) {
    const RowReader r(row);
    fold.add({r.int64(0), r.text(1), r.text(2), r.int64(3), r.text(4), r.opt_text(5)});
  }
}

ProjectedTicket projection_from_row(const pqxx::row& r) {
  return sql::projection_from_row(RowReader(r));
}

template <class Rows>
void store_projections(Tx& tx, const Rows& rows, const char* upsert = kUpsertProjections) {
  if (rows.empty()) return;
  ArrayLiteral id, department, status, confidence, by, created_at, routed_at, resolved_at,
      status_version, status_event_at, department_version, priority;
  for (const auto& row : rows) {
    const ProjectedTicket& p = projected(row);
    priority.add(p.priority);
    id.add(p.ticket_id);
    department.add(p.department);
    status.add(p.status);
    confidence.add(p.confidence_score);
    by.add(p.categorized_by);
    created_at.add(p.created_at);
    routed_at.add(p.routed_at);
    resolved_at.add(p.resolved_at);
    status_version.add(p.status_version);
    status_event_at.add(p.status_event_at);
    department_version.add(p.department_version);
  }
  tx.exec(upsert, id.str(), department.str(), status.str(), confidence.str(), by.str(),
          created_at.str(), routed_at.str(), resolved_at.str(), status_version.str(),
          status_event_at.str(), department_version.str(), priority.str());
}

template <class Rows>
void store_decisions(Tx& tx, const Rows& rows, const char* upsert = kUpsertDecisions) {
  if (rows.empty()) return;
  ArrayLiteral id, by, department, confidence, decided_at, verdict, verdict_at;
  for (const auto& row : rows) {
    const sql::DecisionRow& d = row;
    id.add(d.ticket_id);
    by.add(d.decided_by);
    department.add(d.department);
    confidence.add(d.confidence_score);
    decided_at.add(d.decided_at);
    verdict.add(d.verdict_department);
    verdict_at.add(d.verdict_at);
  }
  tx.exec(upsert, id.str(), by.str(), department.str(), confidence.str(), decided_at.str(),
          verdict.str(), verdict_at.str());
}

// Both of a fold's projections, into the rebuild's tables.
void store_next(Tx& tx, const sql::ProjectionFold& fold) {
  store_projections(tx, fold.rows(), kUpsertNext);
  store_decisions(tx, fold.decision_rows(), kUpsertNextDecisions);
}

// The WHERE clause of an AnalyticsFilter over analytics_tickets, with its values. Fixed
// fragments only; the values are bound.
struct Where {
  std::string sql = " WHERE true";
  std::vector<std::string> params;

  explicit Where(const ports::AnalyticsFilter& f) {
    if (f.created_since) {
      params.push_back(std::to_string(*f.created_since));
      sql += " AND created_at >= $" + std::to_string(params.size()) + "::bigint";
    }
    if (f.department) {
      params.push_back(*f.department);
      sql += " AND department = $" + std::to_string(params.size());
    }
  }
};

}  // namespace

PgAnalyticsStore::PgAnalyticsStore(Database& db) : db_(db) {
  migrate_analytics(db_);
}

std::vector<bool> PgAnalyticsStore::record_batch(const std::vector<Event>& events) {
  if (events.empty()) return {};
  // One transaction and a fixed number of statements for the whole batch: the events are
  // applied to the projection rows in memory, in order, exactly as one-by-one recording
  // would, and written back at once.
  return db_.write([&](Tx& tx) {
    std::vector<std::int64_t> tickets;
    std::vector<std::string> ids;
    for (const auto& e : events) {
      tickets.push_back(e.ticket.id);
      ids.push_back(e.event_id);
    }
    const auto ticket_array = array_of(tickets);
    tx.exec(kLockTickets, ticket_array);
    std::set<std::string> recorded;
    for (const auto& row : tx.exec(kRecorded, array_of(ids)))
      recorded.insert(row[0].as<std::string>());
    std::map<domain::TicketId, ProjectedTicket> projection;
    for (const auto& row : tx.exec(kSelectProjections, ticket_array)) {
      auto p = projection_from_row(row);
      projection.emplace(p.ticket_id, std::move(p));
    }

    // Most events (created, categorized, status changes) leave the decisions alone.
    std::map<domain::TicketId, sql::DecisionRow> decisions;
    if (std::any_of(events.begin(), events.end(), sql::concerns_decisions))
      for (const auto& row : tx.exec(kSelectDecisions, ticket_array)) {
        auto d = sql::decision_from_row(RowReader(row));
        decisions.emplace(d.ticket_id, std::move(d));
      }

    std::vector<bool> out;
    std::vector<std::pair<domain::TicketId, sql::SlaOutcome>> concluded;
    std::map<domain::TicketId, ProjectedTicket> changed;
    std::map<domain::TicketId, sql::DecisionRow> changed_decisions;
    ArrayLiteral event_id, type, ticket, department, status, confidence, metadata, created_at,
        actor, snapshot;
    for (const auto& e : events) {
      if (!recorded.insert(e.event_id).second) {
        out.push_back(false);  // already recorded: a redelivery
        continue;
      }
      std::optional<ProjectedTicket> before;
      if (auto it = projection.find(e.ticket.id); it != projection.end()) before = it->second;
      event_id.add(e.event_id);
      type.add(domain::routing_key(e.type()));
      ticket.add(e.ticket.id);
      department.add(sql::event_department(e));
      status.add(domain::to_string(e.ticket.status));
      confidence.add(sql::event_confidence(e));
      metadata.add(sql::event_metadata(e, before).dump());
      created_at.add(e.occurred_at);
      actor.add(domain::to_json(e.actor).dump());
      snapshot.add(sql::projection_snapshot(e.ticket).dump());
      auto after = sql::apply_event(before, e);
      projection.insert_or_assign(e.ticket.id, after);
      changed.insert_or_assign(e.ticket.id, std::move(after));
      if (sql::concerns_decisions(e)) {
        std::optional<sql::DecisionRow> decision;
        if (auto it = decisions.find(e.ticket.id); it != decisions.end()) decision = it->second;
        if (auto next = sql::apply_decision_event(decision, e)) {
          decisions.insert_or_assign(e.ticket.id, *next);
          changed_decisions.insert_or_assign(e.ticket.id, std::move(*next));
        }
      }
      if (auto sla = sql::sla_outcome(e)) concluded.emplace_back(e.ticket.id, std::move(*sla));
      out.push_back(true);
    }
    if (!changed.empty()) {
      tx.exec(kInsertEvents, event_id.str(), type.str(), ticket.str(), department.str(),
              status.str(), confidence.str(), metadata.str(), created_at.str(), actor.str(),
              snapshot.str());
      store_projections(tx, changed);
      std::vector<sql::DecisionRow> decision_rows;
      for (auto& [ticket, d] : changed_decisions) decision_rows.push_back(std::move(d));
      store_decisions(tx, decision_rows);
    }
    for (const auto& [id, sla] : concluded)
      tx.exec(kUpsertSla, id, sla.clock, sla.outcome, sla.priority);
    return out;
  });
}

ports::Page<ports::AuditEntry> PgAnalyticsStore::trail(domain::TicketId id,
                                                       const ports::PageRequest& page) {
  return db_.read([&](Tx& tx) {
    // By occurrence, not arrival: events may have been recorded out of order.
    sql::PageBuilder<ports::AuditEntry> out(page);
    const std::int64_t after = page.after_id.value_or(0);
    for (const auto& row : tx.exec(kTrail, id, out.read_limit(), after)) {
      const RowReader r(row);
      if (!out.add(r.int64(7), sql::audit_entry_from_row(r))) break;
    }
    return out.finish();
  });
}

namespace {
// "CASE WHEN d < 100 THEN 0 WHEN d < 1000 THEN 1 ... ELSE 5 END" over the time to route: the
// bounds are our constants (ports::kRouteTimeBoundsMs), not input.
std::string route_band_sql() {
  const std::string d = "greatest(routed_at - created_at, 0)";
  std::string band = "(CASE";
  for (std::size_t i = 0; i < ports::kRouteTimeBoundsMs.size(); ++i)
    band += " WHEN " + d + " < " + std::to_string(ports::kRouteTimeBoundsMs[i]) + " THEN " +
            std::to_string(i);
  return band + " ELSE " + std::to_string(ports::kRouteTimeBoundsMs.size()) + " END)";
}
}  // namespace

ports::TicketAggregate PgAnalyticsStore::aggregate(const ports::AnalyticsFilter& f) {
  if (f.department && !storable_text(*f.department)) return {};
  const Where where(f);
  // One statement, so the counts, breakdowns and median all describe the same snapshot;
  // the filtered rows are read once (the CTE) and grouped three ways.
  const std::string sql =
      "WITH t AS MATERIALIZED (SELECT department, status, categorized_by, confidence_score, "
      "priority, "
      "created_at, routed_at FROM analytics_tickets" +
      where.sql +
      ") "
      "SELECT 0, NULL, count(*), avg(confidence_score)::float8, "
      "count(*) FILTER (WHERE status = 'resolved'), "
      // greatest() ignores NULLs: unrouted tickets are filtered out, not counted as 0.
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(routed_at - created_at, 0)) "
      "FILTER (WHERE routed_at IS NOT NULL) FROM t "
      "UNION ALL SELECT 1, department, count(*), NULL, NULL, NULL FROM t "
      "WHERE department IS NOT NULL GROUP BY department "
      "UNION ALL SELECT 2, status, count(*), NULL, NULL, NULL FROM t "
      "WHERE status IS NOT NULL GROUP BY status "
      "UNION ALL SELECT 3, categorized_by, count(*), NULL, NULL, NULL FROM t "
      "WHERE categorized_by IS NOT NULL GROUP BY categorized_by "
      "UNION ALL SELECT 6, priority, count(*), NULL, NULL, NULL FROM t GROUP BY priority "
      // Confidence in bands of ten (100 joins 90-99), as the embedded store counts them.
      "UNION ALL SELECT 4, least(confidence_score / 10, 9)::text, count(*), NULL, NULL, NULL "
      "FROM t WHERE confidence_score IS NOT NULL GROUP BY 2 "
      "UNION ALL SELECT 5, " +
      route_band_sql() +
      "::text, count(*), NULL, NULL, NULL FROM t WHERE routed_at IS NOT NULL GROUP BY 2";
  auto a = db_.read([&](Tx& tx) {
    ports::TicketAggregate a;
    for (const auto& row : tx.exec(sql, pqxx::prepare::make_dynamic_params(where.params))) {
      const auto kind = row[0].as<int>();
      const auto count = row[2].as<std::int64_t>();
      if (kind == 0) {
        a.total = count;
        a.average_confidence = opt<double>(row[3]);
        a.resolved = row[4].as<std::int64_t>();
        a.median_time_to_route_ms = opt<double>(row[5]);
        continue;
      }
      if (kind == 4 || kind == 5) {
        const auto band = static_cast<std::size_t>(std::stoll(row[1].as<std::string>()));
        if (kind == 4 && band < a.confidence_histogram.size()) a.confidence_histogram[band] = count;
        if (kind == 5 && band < a.route_time_histogram.size()) a.route_time_histogram[band] = count;
        continue;
      }
      NamedCount c{row[1].as<std::string>(), count};
      (kind == 1   ? a.by_department
       : kind == 2 ? a.by_status
       : kind == 6 ? a.by_priority
                   : a.by_categorizer)
          .push_back(c);
    }
    return a;
  });
  // Most first, ties by name in byte order (as the embedded store sorts them).
  for (auto* v : {&a.by_department, &a.by_status, &a.by_categorizer, &a.by_priority})
    std::sort(v->begin(), v->end(), [](const NamedCount& x, const NamedCount& y) {
      return x.count != y.count ? x.count > y.count : x.name < y.name;
    });
  return a;
}

std::vector<ports::DecisionTally> PgAnalyticsStore::decision_tallies(
    const ports::DecisionFilter& f) {
  if (f.department && !storable_text(*f.department)) return {};
  std::string where;
  std::vector<std::string> params;
  auto bound = [&](std::string value, const char* condition, const char* cast) {
    params.push_back(std::move(value));
    where += std::string(" AND ") + condition + " $" + std::to_string(params.size()) + cast;
  };
  if (f.since) bound(std::to_string(*f.since), "decided_at >=", "::bigint");
  if (f.until) bound(std::to_string(*f.until), "decided_at <", "::bigint");
  if (f.department) bound(*f.department, "department =", "");
  const auto query = sql::decision_tally_query(where);
  return db_.read([&](Tx& tx) {
    std::vector<ports::DecisionTally> out;
    for (const auto& row : tx.exec(query, pqxx::prepare::make_dynamic_params(params))) {
      const RowReader r(row);
      out.push_back({.decided_by = r.text(0),
                     .department = r.text(1),
                     .confidence_score = r.int32(2),
                     .decisions = r.int64(3),
                     .reviewed = r.int64(4),
                     .corrected = r.int64(5)});
    }
    return out;
  });
}

std::vector<ports::DailyCount> PgAnalyticsStore::daily_creation(Millis from, Millis to) {
  // An index range scan on created_at.
  return sql::daily_counts(from, to, [&](Millis begin, Millis end) {
    return db_.read([&](Tx& tx) {
      sql::DayCounts rows;
      for (const auto& row : tx.exec(kDaily, begin, end))
        rows.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::int64_t>());
      return rows;
    });
  });
}

std::vector<ports::SlaAttainment> PgAnalyticsStore::sla_attainment() {
  return db_.read([&](Tx& tx) {
    std::vector<sql::SlaCountRow> rows;
    for (const auto& row : tx.exec(kSlaCounts)) {
      const RowReader r(row);
      rows.push_back({r.opt_text(0), r.text(1), r.text(2), r.int64(3), r.int64(4)});
    }
    return sql::sla_attainment_from(rows);
  });
}

ports::ProjectionRebuild PgAnalyticsStore::rebuild_projection() {
  // Several instances share the tables: a lease row lets one rebuild at a time.
  const std::string holder = domain::new_event_id();
  auto renew = [&](Tx& tx) {
    if (tx.exec(kTakeLease, holder).empty()) throw ports::RebuildRunning();
  };
  db_.write([&](Tx& tx) {
    renew(tx);
    tx.exec_script("DELETE FROM analytics_tickets_next; DELETE FROM analytics_decisions_next");
  });
  try {
    // Phase 1: batches of tickets, each a short transaction; recording goes on between them.
    std::map<domain::TicketId, std::int64_t> folded;
    domain::TicketId after = -1;
    for (;;) {
      sql::ProjectionFold batch;
      db_.read([&](Tx& tx) {
        fold_rows(tx.exec(kStoredEvents, after, sql::kRebuildTicketsPerBatch), batch);
      });
      if (batch.counts().empty()) break;
      after = batch.counts().rbegin()->first;
      db_.write([&](Tx& tx) {
        renew(tx);
        store_next(tx, batch);
      });
      folded.insert(batch.counts().begin(), batch.counts().end());
    }
    // Phase 2: recording waits on the table lock until the switch commits.
    auto result = db_.write([&](Tx& tx) {
      renew(tx);
      tx.exec_script(kHoldRecording);
      std::vector<std::pair<domain::TicketId, std::int64_t>> now;
      ports::ProjectionRebuild r;
      for (const auto& row : tx.exec(kEventCounts)) {
        now.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::int64_t>());
        r.events += now.back().second;
      }
      const auto grown = sql::grown_tickets(folded, now);
      if (!grown.empty()) {
        sql::ProjectionFold again;
        fold_rows(tx.exec(kTicketEvents, array_of(grown)), again);
        store_next(tx, again);
      }
      r.kept = tx.exec(kKeepUnreplayable).affected_rows();
      tx.exec(kKeepUnreplayableDecisions);
      tx.exec_script(
          "DELETE FROM analytics_tickets; INSERT INTO analytics_tickets (" ST_PROJECTION_COLUMNS
          ") SELECT " ST_PROJECTION_COLUMNS
          " FROM analytics_tickets_next; DELETE FROM analytics_tickets_next; "
          "DELETE FROM analytics_decisions; INSERT INTO analytics_decisions (" ST_DECISION_COLUMNS
          ") SELECT " ST_DECISION_COLUMNS
          " FROM analytics_decisions_next; DELETE FROM analytics_decisions_next");
      tx.exec_script(kRebuildSla);
      r.tickets = tx.exec("SELECT count(*) FROM analytics_tickets")[0][0].as<std::int64_t>();
      tx.exec(kReleaseLease, holder);
      return r;
    });
    return result;
  } catch (...) {
    try {
      db_.write([&](Tx& tx) { tx.exec(kReleaseLease, holder); });
    } catch (...) {  // the lease expires on its own
    }
    throw;
  }
}

}  // namespace st::adapters::postgres
