#include "adapters/postgres/routing_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/pg_array.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/row_decoders.hpp"

namespace st::adapters::postgres {
namespace {

using domain::Department;
using ports::RoutingRecord;

// Every lookup is by lower(name), the unique index's expression: case is ignored and the
// index is used.
#define DEPARTMENT_COLUMNS "id, name, description, is_active, created_at, review_below_confidence"

constexpr const char* kListAll = "SELECT " DEPARTMENT_COLUMNS " FROM departments ORDER BY id";
constexpr const char* kListActive =
    "SELECT " DEPARTMENT_COLUMNS " FROM departments WHERE is_active ORDER BY id";
constexpr const char* kFind =
    "SELECT " DEPARTMENT_COLUMNS " FROM departments WHERE lower(name) = lower($1)";
// DO NOTHING on the case-insensitive unique index: an existing name is an answer
// (nullopt), not an error.
constexpr const char* kAdd =
    "INSERT INTO departments (name, description, is_active, created_at) "
    "VALUES ($1, $2, true, $3) ON CONFLICT DO NOTHING RETURNING " DEPARTMENT_COLUMNS;
// coalesce($n, column): an absent field keeps its stored value.
constexpr const char* kUpdate =
    "UPDATE departments SET description = coalesce($1, description), "
    "is_active = coalesce($2, is_active) WHERE lower(name) = lower($3) "
    "RETURNING " DEPARTMENT_COLUMNS;
constexpr const char* kSetReviewThreshold =
    "UPDATE departments SET review_below_confidence = $1 WHERE lower(name) = lower($2) "
    "RETURNING " DEPARTMENT_COLUMNS;
constexpr const char* kInsertDefaults =
    "INSERT INTO departments (name, description, is_active, created_at) "
    "SELECT name, description, true, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY "
    "AS d(name, description, ord) ORDER BY ord";

constexpr const char* kNextIds =
    "SELECT nextval(pg_get_serial_sequence('ticket_routing', 'id')) FROM generate_series(1, $1)";
// A cause already recorded (a redelivery) hits the unique cause_event_id and inserts
// nothing; RETURNING tells which rows went in. Rows go in sorted by cause: two batches
// sharing causes then wait for each other in one order, never in a deadlock.
constexpr const char* kInsertRoutings =
    "INSERT INTO ticket_routing (id, ticket_id, department, confidence_score, categorized_by, "
    "manual, routed_at, cause_event_id, model_version) "
    "SELECT id, ticket_id, department, confidence_score, categorized_by, manual, routed_at, "
    "cause_event_id, model_version FROM unnest($1::bigint[], $2::bigint[], $3::text[], "
    "$4::integer[], $5::text[], $6::boolean[], $7::bigint[], $8::text[], $9::text[]) "
    "AS r(id, ticket_id, department, confidence_score, categorized_by, manual, routed_at, "
    "cause_event_id, model_version) ORDER BY cause_event_id COLLATE \"C\" "
    "ON CONFLICT (cause_event_id) DO NOTHING RETURNING id";

constexpr const char* kHistory =
    "SELECT id, ticket_id, department, confidence_score, categorized_by, manual, routed_at, "
    "model_version FROM ticket_routing WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3";
// Ties in byte order (COLLATE "C"), as the embedded store sorts them.
constexpr const char* kStatistics =
    "SELECT department, count(*), sum(confidence_score)::float8 FROM ticket_routing "
    "GROUP BY department ORDER BY count(*) DESC, department COLLATE \"C\"";

Department department_from_row(const pqxx::row& r) {
  return sql::department_from_row(RowReader(r));
}

RoutingRecord routing_from_row(const pqxx::row& r) {
  return sql::routing_from_row(RowReader(r));
}

std::optional<Department> first_department(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return department_from_row(rows[0]);
}

}  // namespace

PgRoutingStore::PgRoutingStore(Database& db) : OutboxPort(db, "routing_outbox"), db_(db) {
  migrate_routing(db_);
}

std::vector<Department> PgRoutingStore::list_departments(bool include_inactive) {
  return db_.read([&](Tx& tx) {
    std::vector<Department> out;
    for (const auto& row : tx.exec(include_inactive ? kListAll : kListActive))
      out.push_back(department_from_row(row));
    return out;
  });
}

std::optional<Department> PgRoutingStore::find_department(std::string_view name) {
  if (!storable_text(name)) return std::nullopt;
  const std::string n(name);
  return db_.read([&](Tx& tx) { return first_department(tx.exec(kFind, n)); });
}

std::optional<Department> PgRoutingStore::add_department(const std::string& name,
                                                         const std::string& description,
                                                         domain::Millis now) {
  if (!storable_text(name) || !storable_text(description))
    throw std::invalid_argument("department name and description must be UTF-8 text");
  return db_.write([&](Tx& tx) { return first_department(tx.exec(kAdd, name, description, now)); });
}

std::optional<Department> PgRoutingStore::update_department(
    std::string_view name, const std::optional<std::string>& description,
    const std::optional<bool>& is_active) {
  if (!storable_text(name)) return std::nullopt;
  if (description && !storable_text(*description))
    throw std::invalid_argument("department description must be UTF-8 text");
  const std::string n(name);
  return db_.write(
      [&](Tx& tx) { return first_department(tx.exec(kUpdate, description, is_active, n)); });
}

std::optional<Department> PgRoutingStore::set_review_threshold(
    std::string_view name, std::optional<int> review_below_confidence) {
  if (!storable_text(name)) return std::nullopt;
  const std::string n(name);
  return db_.write([&](Tx& tx) {
    return first_department(tx.exec(kSetReviewThreshold, review_below_confidence, n));
  });
}

void PgRoutingStore::ensure_default_departments(domain::Millis now) {
  db_.write([&](Tx& tx) {
    // Two instances starting at once: the second waits here, then sees the table filled.
    tx.exec("LOCK TABLE departments IN SHARE ROW EXCLUSIVE MODE");
    if (tx.exec("SELECT EXISTS (SELECT 1 FROM departments)")[0][0].as<bool>())
      return;  // an admin's edits (even deletions) are not undone
    ArrayLiteral names, descriptions;
    for (const auto& d : domain::default_departments()) {
      names.add(d.name);
      descriptions.add(d.description);
    }
    tx.exec(kInsertDefaults, names.str(), descriptions.str(), now);
  });
}

std::vector<std::optional<RoutingRecord>> PgRoutingStore::record_routings(
    const std::vector<RoutingWrite>& writes) {
  if (writes.empty()) return {};
  for (const auto& w : writes)
    if (!storable_text(w.record.department) ||
        (w.cause_event_id && !storable_text(*w.cause_event_id)))
      throw std::invalid_argument("routing department and cause must be UTF-8 text");

  std::size_t appended = 0;
  auto saved = db_.write([&](Tx& tx) {
    // A cause seen earlier in the same batch is a redelivery too: only its first write
    // goes in.
    std::vector<bool> candidate(writes.size(), true);
    std::set<std::string> causes;
    for (std::size_t i = 0; i < writes.size(); ++i)
      if (writes[i].cause_event_id && !causes.insert(*writes[i].cause_event_id).second)
        candidate[i] = false;
    const auto n = std::count(candidate.begin(), candidate.end(), true);

    std::vector<std::int64_t> ids;
    for (const auto& row : tx.exec(kNextIds, static_cast<std::int64_t>(n)))
      ids.push_back(row[0].as<std::int64_t>());
    std::sort(ids.begin(), ids.end());

    std::vector<std::optional<RoutingRecord>> out(writes.size());
    ArrayLiteral id, ticket, department, confidence, by, manual, routed_at, cause, model;
    std::size_t next = 0;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      if (!candidate[i]) continue;
      RoutingRecord r = writes[i].record;
      r.id = ids[next++];
      id.add(r.id);
      ticket.add(r.ticket_id);
      department.add(r.department);
      confidence.add(r.confidence_score);
      by.add(domain::to_string(r.categorized_by));
      manual.add(r.manual);
      routed_at.add(r.routed_at);
      cause.add(writes[i].cause_event_id);
      model.add(r.model_version.empty() ? std::nullopt
                                        : std::optional<std::string>(r.model_version));
      out[i] = r;
    }
    std::set<std::int64_t> inserted;
    for (const auto& row :
         tx.exec(kInsertRoutings, id.str(), ticket.str(), department.str(), confidence.str(),
                 by.str(), manual.str(), routed_at.str(), cause.str(), model.str()))
      inserted.insert(row[0].as<std::int64_t>());

    std::vector<domain::Event> events;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      if (!out[i]) continue;
      if (!inserted.contains(out[i]->id)) {
        out[i].reset();  // recorded before: a redelivery
        continue;
      }
      if (writes[i].events) {
        auto more = writes[i].events(*out[i]);
        events.insert(events.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
      }
    }
    appended = outbox_.append(tx, events);
    return out;
  });
  if (appended > 0) outbox_.notify();
  return saved;
}

ports::Page<RoutingRecord> PgRoutingStore::history(domain::TicketId ticket_id,
                                                   const ports::PageRequest& page) {
  return db_.read([&](Tx& tx) {
    sql::PageBuilder<RoutingRecord> out(page);
    const std::int64_t after = page.after_id.value_or(0);
    for (const auto& row : tx.exec(kHistory, ticket_id, after, out.read_limit())) {
      auto record = routing_from_row(row);
      const auto id = record.id;
      if (!out.add(id, std::move(record))) break;
    }
    return out.finish();
  });
}

ports::RoutingStatistics PgRoutingStore::statistics() {
  return db_.read([&](Tx& tx) {
    // One statement: the totals are derived from the breakdown, so they always agree.
    ports::RoutingStatistics s;
    double confidence_sum = 0;
    for (const auto& row : tx.exec(kStatistics)) {
      const auto count = row[1].as<std::int64_t>();
      const double sum = row[2].as<double>();
      s.by_department.push_back(
          {row[0].as<std::string>(), count, sum / static_cast<double>(count)});
      s.total += count;
      confidence_sum += sum;
    }
    if (s.total > 0) s.overall_average_confidence = confidence_sum / static_cast<double>(s.total);
    return s;
  });
}

}  // namespace st::adapters::postgres
