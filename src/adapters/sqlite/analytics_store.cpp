#include "adapters/sqlite/analytics_store.hpp"

#include <map>
#include <string>
#include <variant>

#include "adapters/sql/analytics_projection.hpp"
#include "adapters/sql/daily_counts.hpp"
#include "adapters/sql/decision_projection.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/projection_rebuild.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sql/sla_attainment.hpp"
#include "adapters/sqlite/migrations.hpp"
#include "domain/codec.hpp"

namespace st::adapters::sqlite {
namespace {

using domain::Event;
using domain::Millis;
using ports::NamedCount;
using sql::apply_event;
using sql::event_confidence;
using sql::event_department;
using sql::event_metadata;
using sql::ProjectedTicket;

constexpr const char* kSelectProjection =
    "SELECT " ST_PROJECTION_COLUMNS " FROM analytics_tickets WHERE ticket_id = ?";

constexpr const char* kUpsertProjection =
    "INSERT INTO analytics_tickets (" ST_PROJECTION_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" ST_PROJECTION_UPSERT;

constexpr const char* kInsertEvent =
    "INSERT INTO analytics_events (event_id, event_type, ticket_id, department, status, "
    "confidence_score, metadata, created_at, actor, snapshot) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING";

// The rebuild's statements (sql/projection_rebuild.hpp). Phase 1 reads the log of the next
// kRebuildTicketsPerBatch tickets after ?1.
constexpr const char* kStoredEventColumns =
    "SELECT ticket_id, event_type, event_id, created_at, metadata, snapshot FROM analytics_events ";
constexpr const char* kNextTickets =
    "WHERE ticket_id IN (SELECT DISTINCT ticket_id FROM analytics_events WHERE ticket_id > ?1 "
    "ORDER BY ticket_id LIMIT ?2) ORDER BY ticket_id, id";
constexpr const char* kOneTicket = "WHERE ticket_id = ?1 ORDER BY id";
constexpr const char* kUpsertNext =
    "INSERT OR REPLACE INTO analytics_tickets_next (" ST_PROJECTION_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kKeepUnreplayable =
    "INSERT OR REPLACE INTO analytics_tickets_next (" ST_PROJECTION_COLUMNS
    ") SELECT " ST_PROJECTION_COLUMNS
    " FROM analytics_tickets WHERE ticket_id IN "
    "(SELECT ticket_id FROM analytics_events WHERE snapshot IS NULL)";
constexpr const char* kSwitch =
    "DELETE FROM analytics_tickets; INSERT INTO analytics_tickets (" ST_PROJECTION_COLUMNS
    ") SELECT " ST_PROJECTION_COLUMNS
    " FROM analytics_tickets_next; DELETE FROM analytics_tickets_next;";

// The decisions projection (sql/decision_projection.hpp), live and rebuilt the same way.
constexpr const char* kSelectDecision =
    "SELECT " ST_DECISION_COLUMNS " FROM analytics_decisions WHERE ticket_id = ?";
constexpr const char* kUpsertDecision = "INSERT INTO analytics_decisions (" ST_DECISION_COLUMNS
                                        ") VALUES (?, ?, ?, ?, ?, ?, ?)" ST_DECISION_UPSERT;
constexpr const char* kUpsertNextDecision =
    "INSERT OR REPLACE INTO analytics_decisions_next (" ST_DECISION_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kKeepUnreplayableDecisions =
    "INSERT OR REPLACE INTO analytics_decisions_next (" ST_DECISION_COLUMNS
    ") SELECT " ST_DECISION_COLUMNS
    " FROM analytics_decisions WHERE ticket_id IN "
    "(SELECT ticket_id FROM analytics_events WHERE snapshot IS NULL)";
constexpr const char* kSwitchDecisions =
    "DELETE FROM analytics_decisions; INSERT INTO analytics_decisions (" ST_DECISION_COLUMNS
    ") SELECT " ST_DECISION_COLUMNS
    " FROM analytics_decisions_next; DELETE FROM analytics_decisions_next;";

void store_decision(Connection& c, const char* upsert, const sql::DecisionRow& d) {
  c.query(upsert)
      .bind_all(d.ticket_id, d.decided_by, d.department, d.confidence_score, d.decided_at,
                d.verdict_department, d.verdict_at)
      .run();
}

// analytics_sla (sql/sla_attainment.hpp): a breach is never overwritten by a met.
constexpr const char* kUpsertSla =
    "INSERT INTO analytics_sla (ticket_id, clock, outcome, priority) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (ticket_id, clock) DO UPDATE SET outcome = excluded.outcome, "
    "priority = excluded.priority WHERE analytics_sla.outcome <> 'breached'";
// The same from the log, for a rebuild. Of a clock's events a breach is taken if there is one
// (SQLite takes the bare columns from the row max() chose).
constexpr const char* kRebuildSla =
    "DELETE FROM analytics_sla; "
    "INSERT INTO analytics_sla (ticket_id, clock, outcome, priority) "
    "SELECT ticket_id, clock, CASE WHEN breached THEN 'breached' ELSE 'met' END, priority FROM "
    "(SELECT ticket_id, json_extract(metadata, '$.clock') AS clock, "
    "max(event_type = 'ticket.sla.breached') AS breached, "
    "json_extract(metadata, '$.priority') AS priority FROM analytics_events "
    "WHERE event_type IN ('ticket.sla.met', 'ticket.sla.breached') GROUP BY ticket_id, clock) "
    "WHERE clock IS NOT NULL AND priority IS NOT NULL;";

sql::StoredEvent stored_event_from_row(const Query& q) {
  return {q.int64(0), q.text(1), q.text(2), q.int64(3), q.text(4), q.opt_text(5)};
}

void fold_query(Query& q, sql::ProjectionFold& fold) {
  while (q.step()) fold.add(stored_event_from_row(q));
}

void store_next(Connection& c, const std::vector<ProjectedTicket>& rows) {
  for (const auto& p : rows)
    c.query(kUpsertNext)
        .bind_all(p.ticket_id, p.department, p.status, p.confidence_score, p.categorized_by,
                  p.created_at, p.routed_at, p.resolved_at, p.status_version, p.status_event_at,
                  p.department_version, p.priority)
        .run();
}

void store_next(Connection& c, const sql::ProjectionFold& fold) {
  store_next(c, fold.rows());
  for (const auto& d : fold.decision_rows()) store_decision(c, kUpsertNextDecision, d);
}

std::optional<ProjectedTicket> load_projection(Connection& c, domain::TicketId id) {
  return c.query(kSelectProjection).bind_all(id).first_row(sql::projection_from_row<Query>);
}

void store_projection(Connection& c, const ProjectedTicket& p) {
  c.query(kUpsertProjection)
      .bind_all(p.ticket_id, p.department, p.status, p.confidence_score, p.categorized_by,
                p.created_at, p.routed_at, p.resolved_at, p.status_version, p.status_event_at,
                p.department_version, p.priority)
      .run();
}

// The WHERE clause of an AnalyticsFilter over analytics_tickets, with its values. Fixed
// fragments only; the values are bound.
struct Where {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> params;

  explicit Where(const ports::AnalyticsFilter& f) : sql(" WHERE 1") {
    if (f.created_since) {
      sql += " AND created_at >= ?";
      params.emplace_back(*f.created_since);
    }
    if (f.department) {
      sql += " AND department = ?";
      params.emplace_back(*f.department);
    }
  }
  void bind(Query& q) const {
    int index = 0;
    for (const auto& p : params) std::visit([&](const auto& v) { q.bind(++index, v); }, p);
  }
};

std::vector<NamedCount> named_counts(Connection& c, const Where& where, const char* column) {
  // `column` is one of our constants.
  const std::string col(column);
  auto q = c.query("SELECT " + col + ", count(*) FROM analytics_tickets" + where.sql + " AND " +
                   col + " IS NOT NULL GROUP BY " + col + " ORDER BY count(*) DESC, " + col);
  where.bind(q);
  return q.rows([](const Query& r) { return NamedCount{r.text(0), r.int64(1)}; });
}

}  // namespace

SqliteAnalyticsStore::SqliteAnalyticsStore(Database& db) : db_(db) {
  migrate_analytics(db_);
}

bool SqliteAnalyticsStore::record_in(Connection& c, const Event& e) {
  const auto before = load_projection(c, e.ticket.id);
  c.query(kInsertEvent)
      .bind_all(e.event_id, domain::routing_key(e.type()), e.ticket.id, event_department(e),
                domain::to_string(e.ticket.status), event_confidence(e),
                event_metadata(e, before).dump(), e.occurred_at, domain::to_json(e.actor).dump(),
                sql::projection_snapshot(e.ticket).dump())
      .run();
  if (c.changes() == 0) return false;  // already recorded: a redelivery
  store_projection(c, apply_event(before, e));
  if (sql::concerns_decisions(e)) {
    const auto decision =
        c.query(kSelectDecision).bind_all(e.ticket.id).first_row(sql::decision_from_row<Query>);
    if (auto after = sql::apply_decision_event(decision, e))
      store_decision(c, kUpsertDecision, *after);
  }
  if (auto sla = sql::sla_outcome(e))
    c.query(kUpsertSla).bind_all(e.ticket.id, sla->clock, sla->outcome, sla->priority).run();
  return true;
}

std::vector<bool> SqliteAnalyticsStore::record_batch(const std::vector<Event>& events) {
  // One commit for the lot: under load the commit, not the inserts, is the cost.
  return db_.write([&](Connection& c) {
    std::vector<bool> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(record_in(c, e));
    return out;
  });
}

ports::Page<ports::AuditEntry> SqliteAnalyticsStore::trail(domain::TicketId id,
                                                           const ports::PageRequest& page) {
  // By occurrence, not arrival: events may have been recorded out of order. A page starts
  // after the (created_at, id) of the row the cursor names.
  static constexpr const char* kFirst =
      "SELECT event_type, department, status, confidence_score, metadata, created_at, actor, id "
      "FROM analytics_events WHERE ticket_id = ?1 ORDER BY created_at, id LIMIT ?2";
  static constexpr const char* kAfter =
      "SELECT event_type, department, status, confidence_score, metadata, created_at, actor, id "
      "FROM analytics_events WHERE ticket_id = ?1 AND (created_at, id) > "
      "(SELECT created_at, id FROM analytics_events WHERE id = ?3) "
      "ORDER BY created_at, id LIMIT ?2";
  return db_.read([&](Connection& c) {
    sql::PageBuilder<ports::AuditEntry> out(page);
    auto q = c.query(page.after_id ? kAfter : kFirst);
    q.bind(1, id);
    q.bind(2, out.read_limit());
    if (page.after_id) q.bind(3, *page.after_id);
    while (q.step() && out.add(q.int64(7), sql::audit_entry_from_row(q))) {
    }
    return out.finish();
  });
}

ports::TicketAggregate SqliteAnalyticsStore::aggregate(const ports::AnalyticsFilter& f) {
  const Where where(f);
  // One snapshot: the counts, breakdowns and median all describe the same moment.
  return db_.read_snapshot([&](Connection& c) {
    ports::TicketAggregate a;
    {
      auto q = c.query(
          "SELECT count(*), avg(confidence_score), count(*) FILTER (WHERE status = 'resolved'), "
          "count(routed_at) FROM analytics_tickets" +
          where.sql);
      where.bind(q);
      q.step();
      a.total = q.int64(0);
      a.average_confidence = q.opt_real(1);
      a.resolved = q.int64(2);
      const auto routed = q.int64(3);
      if (routed > 0) {
        // The median is the middle value (odd count) or the mean of the two middle ones.
        auto m = c.query(
            "SELECT avg(d) FROM (SELECT max(routed_at - created_at, 0) AS d FROM "
            "analytics_tickets" +
            where.sql + " AND routed_at IS NOT NULL ORDER BY d LIMIT ? OFFSET ?)");
        where.bind(m);
        const int next = static_cast<int>(where.params.size());
        m.bind(next + 1, 2 - routed % 2).bind(next + 2, (routed - 1) / 2);
        m.step();
        a.median_time_to_route_ms = m.opt_real(0);
      }
    }
    a.by_department = named_counts(c, where, "department");
    a.by_status = named_counts(c, where, "status");
    a.by_categorizer = named_counts(c, where, "categorized_by");
    a.by_priority = named_counts(c, where, "priority");
    {
      auto q = c.query(
          "SELECT min(confidence_score / 10, 9) AS band, count(*) FROM "
          "analytics_tickets" +
          where.sql + " AND confidence_score IS NOT NULL GROUP BY band");
      where.bind(q);
      while (q.step()) {
        const auto band = q.int64(0);
        if (band >= 0) a.confidence_histogram[static_cast<std::size_t>(band)] = q.int64(1);
      }
    }
    {
      // "CASE WHEN d < 100 THEN 0 WHEN d < 1000 THEN 1 … ELSE 5 END": the bounds are our
      // constants, not input.
      std::string band = "CASE";
      for (std::size_t i = 0; i < ports::kRouteTimeBoundsMs.size(); ++i)
        band += " WHEN d < " + std::to_string(ports::kRouteTimeBoundsMs[i]) + " THEN " +
                std::to_string(i);
      band += " ELSE " + std::to_string(ports::kRouteTimeBoundsMs.size()) + " END";
      auto q = c.query("SELECT " + band +
                       " AS band, count(*) FROM (SELECT max(routed_at - created_at, 0) AS d "
                       "FROM analytics_tickets" +
                       where.sql + " AND routed_at IS NOT NULL) GROUP BY band");
      where.bind(q);
      while (q.step()) a.route_time_histogram.at(static_cast<std::size_t>(q.int64(0))) = q.int64(1);
    }
    return a;
  });
}

std::vector<ports::DecisionTally> SqliteAnalyticsStore::decision_tallies(
    const ports::DecisionFilter& f) {
  std::string where;
  std::vector<std::variant<std::int64_t, std::string>> params;
  if (f.since) {
    where += " AND decided_at >= ?";
    params.emplace_back(*f.since);
  }
  if (f.until) {
    where += " AND decided_at < ?";
    params.emplace_back(*f.until);
  }
  if (f.department) {
    where += " AND department = ?";
    params.emplace_back(*f.department);
  }
  return db_.read([&](Connection& c) {
    auto q = c.query(sql::decision_tally_query(where));
    int index = 0;
    for (const auto& p : params) std::visit([&](const auto& v) { q.bind(++index, v); }, p);
    return q.rows([](const Query& r) {
      return ports::DecisionTally{.decided_by = r.text(0),
                                  .department = r.text(1),
                                  .confidence_score = r.int32(2),
                                  .decisions = r.int64(3),
                                  .reviewed = r.int64(4),
                                  .corrected = r.int64(5)};
    });
  });
}

std::vector<ports::DailyCount> SqliteAnalyticsStore::daily_creation(Millis from, Millis to) {
  // An index range scan on created_at.
  return sql::daily_counts(from, to, [&](Millis begin, Millis end) {
    return db_.read([&](Connection& c) {
      return c.query(ST_DAILY_COUNTS_SQL("?", "?")).bind_all(begin, end).rows([](const Query& q) {
        return std::pair{q.int64(0), q.int64(1)};
      });
    });
  });
}

std::vector<ports::SlaAttainment> SqliteAnalyticsStore::sla_attainment() {
  return db_.read([&](Connection& c) {
    return sql::sla_attainment_from(
        c.query("SELECT t.department, s.priority, s.clock, "
                "count(*) FILTER (WHERE s.outcome = 'met'), "
                "count(*) FILTER (WHERE s.outcome = 'breached') FROM analytics_sla s "
                "LEFT JOIN analytics_tickets t ON t.ticket_id = s.ticket_id "
                "GROUP BY t.department, s.priority, s.clock")
            .rows([](const Query& q) {
              return sql::SlaCountRow{q.opt_text(0), q.text(1), q.text(2), q.int64(3), q.int64(4)};
            }));
  });
}

ports::ProjectionRebuild SqliteAnalyticsStore::rebuild_projection() {
  std::unique_lock running(rebuild_mutex_, std::try_to_lock);  // one process owns the file
  if (!running) throw ports::RebuildRunning();
  db_.write([](Connection& c) {
    c.exec("DELETE FROM analytics_tickets_next; DELETE FROM analytics_decisions_next;");
  });

  // Phase 1: batches of tickets, each read from a snapshot and written in a short write
  // transaction, so recording goes on between them.
  std::map<domain::TicketId, std::int64_t> folded;  // events folded per ticket
  domain::TicketId after = -1;
  for (;;) {
    sql::ProjectionFold batch;
    db_.read([&](Connection& c) {
      auto q = c.query(std::string(kStoredEventColumns) + kNextTickets);
      q.bind_all(after, sql::kRebuildTicketsPerBatch);
      fold_query(q, batch);
    });
    if (batch.counts().empty()) break;
    after = batch.counts().rbegin()->first;
    db_.write([&](Connection& c) { store_next(c, batch); });
    folded.insert(batch.counts().begin(), batch.counts().end());
  }

  // Phase 2: the writer is ours, so no event is recorded until the switch commits.
  return db_.write([&](Connection& c) {
    const auto now = c.query("SELECT ticket_id, count(*) FROM analytics_events GROUP BY ticket_id")
                         .rows([](const Query& q) {
                           return std::pair{q.int64(0), q.int64(1)};
                         });
    ports::ProjectionRebuild result;
    for (const auto ticket : sql::grown_tickets(folded, now)) {
      sql::ProjectionFold again;
      auto q = c.query(std::string(kStoredEventColumns) + kOneTicket);
      q.bind_all(ticket);
      fold_query(q, again);
      store_next(c, again);
    }
    for (const auto& [ticket, count] : now) result.events += count;
    c.query(kKeepUnreplayable).run();
    result.kept = c.changes();
    c.query(kKeepUnreplayableDecisions).run();
    c.exec(kSwitch);
    c.exec(kSwitchDecisions);
    c.exec(kRebuildSla);
    result.tickets = c.query("SELECT count(*) FROM analytics_tickets")
                         .first_row([](const Query& q) { return q.int64(0); })
                         .value_or(0);
    return result;
  });
}

}  // namespace st::adapters::sqlite
