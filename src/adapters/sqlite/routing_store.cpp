#include "adapters/sqlite/routing_store.hpp"

#include <sqlite3.h>

#include <string>

#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sqlite/migrations.hpp"

namespace st::adapters::sqlite {
namespace {

using domain::Department;
using ports::RoutingRecord;
using sql::department_from_row;
using sql::routing_from_row;

// `name = ?` compares with the column's NOCASE collation, so lookups ignore case and hit
// the UNIQUE index.
constexpr const char* kDepartmentColumns =
    "id, name, description, is_active, created_at, review_below_confidence";

}  // namespace

SqliteRoutingStore::SqliteRoutingStore(Database& db) : OutboxPort(db, "routing_outbox"), db_(db) {
  migrate_routing(db_);
  outbox_.release_all_claims();
}

std::vector<Department> SqliteRoutingStore::list_departments(bool include_inactive) {
  return db_.read([&](Connection& c) {
    // Two fixed statements rather than "? OR is_active": a table of a handful of rows, but
    // the plain form states the intent.
    auto q = c.query(include_inactive
                         ? "SELECT id, name, description, is_active, created_at FROM departments "
                           "ORDER BY id"
                         : "SELECT id, name, description, is_active, created_at FROM departments "
                           "WHERE is_active ORDER BY id");
    return q.rows(department_from_row<Query>);
  });
}

std::optional<Department> SqliteRoutingStore::find_department(std::string_view name) {
  return db_.read([&](Connection& c) -> std::optional<Department> {
    auto q =
        c.query(std::string("SELECT ") + kDepartmentColumns + " FROM departments WHERE name = ?");
    return q.bind_all(name).first_row(department_from_row<Query>);
  });
}

std::optional<Department> SqliteRoutingStore::add_department(const std::string& name,
                                                             const std::string& description,
                                                             domain::Millis now) {
  return db_.write([&](Connection& c) -> std::optional<Department> {
    // DO NOTHING on the name's (case-insensitive) unique index: an existing name is an
    // answer (nullopt), not an error.
    auto q = c.query(std::string("INSERT INTO departments (name, description, is_active, "
                                 "created_at) VALUES (?, ?, 1, ?) ON CONFLICT(name) DO NOTHING "
                                 "RETURNING ") +
                     kDepartmentColumns);
    return q.bind_all(name, description, now).first_row(department_from_row<Query>);
  });
}

std::optional<Department> SqliteRoutingStore::update_department(
    std::string_view name, const std::optional<std::string>& description,
    const std::optional<bool>& is_active) {
  return db_.write([&](Connection& c) -> std::optional<Department> {
    // coalesce(?, column): an absent field keeps its stored value.
    auto q = c.query(std::string("UPDATE departments SET description = coalesce(?, description), "
                                 "is_active = coalesce(?, is_active) WHERE name = ? RETURNING ") +
                     kDepartmentColumns);
    return q.bind_all(description, is_active, name).first_row(department_from_row<Query>);
  });
}

std::optional<Department> SqliteRoutingStore::set_review_threshold(
    std::string_view name, std::optional<int> review_below_confidence) {
  return db_.write([&](Connection& c) -> std::optional<Department> {
    auto q = c.query(std::string("UPDATE departments SET review_below_confidence = ? "
                                 "WHERE name = ? RETURNING ") +
                     kDepartmentColumns);
    return q.bind_all(review_below_confidence, name).first_row(department_from_row<Query>);
  });
}

void SqliteRoutingStore::ensure_default_departments(domain::Millis now) {
  db_.write([&](Connection& c) {
    // Checked inside the write transaction: two starts at once cannot both see it empty.
    auto count = c.query("SELECT count(*) FROM departments");
    count.step();
    if (count.int64(0) > 0) return;  // an admin's edits (even deletions) are not undone
    for (const auto& d : domain::default_departments()) {
      c.query(
           "INSERT INTO departments (name, description, is_active, created_at) "
           "VALUES (?, ?, 1, ?)")
          .bind_all(d.name, d.description, now)
          .run();
    }
  });
}

std::optional<RoutingRecord> SqliteRoutingStore::record_in(Connection& c, const Write& w,
                                                           std::size_t& appended) {
  const RoutingRecord& r = w.record;
  // A redelivered cause hits the UNIQUE cause_event_id and inserts nothing.
  c.query(
       "INSERT INTO ticket_routing (ticket_id, department, confidence_score, categorized_by, "
       "manual, routed_at, cause_event_id, model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
       "ON CONFLICT(cause_event_id) DO NOTHING")
      .bind_all(r.ticket_id, r.department, r.confidence_score, domain::to_string(r.categorized_by),
                r.manual, r.routed_at, w.cause_event_id,
                r.model_version.empty() ? std::nullopt : std::optional(r.model_version))
      .run();
  if (c.changes() == 0) return std::nullopt;
  RoutingRecord out = r;
  out.id = c.last_insert_rowid();
  if (w.events) appended += outbox_.append(c, w.events(out));
  return out;
}

std::vector<std::optional<RoutingRecord>> SqliteRoutingStore::record_routings(
    const std::vector<Write>& writes) {
  std::size_t appended = 0;
  auto saved = db_.write([&](Connection& c) {
    std::vector<std::optional<RoutingRecord>> out;
    out.reserve(writes.size());
    for (const auto& w : writes) out.push_back(record_in(c, w, appended));
    return out;
  });
  if (appended > 0) outbox_.notify();
  return saved;
}

ports::Page<RoutingRecord> SqliteRoutingStore::history(domain::TicketId ticket_id,
                                                       const ports::PageRequest& page) {
  return db_.read([&](Connection& c) {
    sql::PageBuilder<RoutingRecord> out(page);
    auto q = c.query(
        "SELECT id, ticket_id, department, confidence_score, categorized_by, manual, routed_at, "
        "model_version FROM ticket_routing WHERE ticket_id = ? AND id > ? ORDER BY id LIMIT ?");
    q.bind_all(ticket_id, page.after_id.value_or(0), out.read_limit());
    while (q.step() && out.add(q.int64(0), routing_from_row(q))) {
    }
    return out.finish();
  });
}

ports::RoutingStatistics SqliteRoutingStore::statistics() {
  return db_.read([&](Connection& c) {
    // One pass: per-department counts and sums; the totals are derived from them, so they
    // always agree with the breakdown.
    auto q = c.query(
        "SELECT department, count(*), total(confidence_score) FROM ticket_routing "
        "GROUP BY department ORDER BY count(*) DESC, department");
    ports::RoutingStatistics s;
    double confidence_sum = 0;
    while (q.step()) {
      const auto count = q.int64(1);
      const double sum = q.real(2);
      s.by_department.push_back({q.text(0), count, sum / static_cast<double>(count)});
      s.total += count;
      confidence_sum += sum;
    }
    if (s.total > 0) s.overall_average_confidence = confidence_sum / static_cast<double>(s.total);
    return s;
  });
}

}  // namespace st::adapters::sqlite
