#include "adapters/sqlite/ticket_store.hpp"

#include <sqlite3.h>

#include <string>
#include <variant>

#include "adapters/sql/like_pattern.hpp"
#include "adapters/sql/priority_rank.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sqlite/migrations.hpp"
#include "adapters/sqlite/progress_deadline.hpp"

namespace st::adapters::sqlite {
namespace {

using domain::Ticket;
using sql::contains_pattern;
using sql::ticket_from_row;

constexpr const char* kColumns = ST_TICKET_COLUMNS;

const std::string kSelectById = std::string("SELECT ") + kColumns + " FROM tickets WHERE id = ?";

constexpr const char* kInsert =
    "INSERT INTO tickets (title, description, user_name, user_email, status, created_at, "
    "updated_at, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kUpdate =
    "UPDATE tickets SET title = ?, description = ?, user_name = ?, user_email = ?, "
    "department = ?, confidence_score = ?, categorized_by = ?, status = ?, created_at = ?, "
    "updated_at = ?, priority = ?, explanation = ? WHERE id = ?";

constexpr const char* kSelectByCreateKey =
    "SELECT ticket_id FROM ticket_create_keys WHERE create_key = ?";
constexpr const char* kInsertCreateKey =
    "INSERT INTO ticket_create_keys (create_key, ticket_id) VALUES (?, ?)";

std::optional<Ticket> select_by_id(Connection& c, domain::TicketId id) {
  return c.query(kSelectById).bind_all(id).first_row(ticket_from_row<Query>);
}

std::optional<domain::TicketId> created_under(Connection& c, const std::string& create_key) {
  return c.query(kSelectByCreateKey).bind_all(create_key).first_row([](const Query& q) {
    return q.int64(0);
  });
}

}  // namespace

SqliteTicketStore::SqliteTicketStore(Database& db) : OutboxPort(db, "tickets_outbox"), db_(db) {
  migrate_tickets(db_);
  outbox_.release_all_claims();
}

Ticket SqliteTicketStore::insert_in(Connection& c, const ports::TicketCreate& create,
                                    domain::Millis now, std::size_t& appended) {
  // One writer at a time: the key cannot be taken between this look-up and the insert.
  if (!create.create_key.empty()) {
    if (const auto id = created_under(c, create.create_key)) {
      if (auto stored = select_by_id(c, *id)) return std::move(*stored);
      throw std::logic_error("a create key names a ticket that does not exist");
    }
  }
  Ticket t = sql::pending_ticket(create.ticket, now);
  c.query(kInsert)
      .bind_all(t.title, t.description, t.user_name, t.user_email, domain::to_string(t.status),
                t.created_at, t.updated_at, t.language)
      .run();
  t.id = c.last_insert_rowid();
  if (!create.create_key.empty()) c.query(kInsertCreateKey).bind_all(create.create_key, t.id).run();
  if (create.events) appended += outbox_.append(c, create.events(t));
  return t;
}

std::vector<Ticket> SqliteTicketStore::create_batch(const std::vector<ports::TicketCreate>& tickets,
                                                    domain::Millis now) {
  std::size_t appended = 0;
  auto out = db_.write([&](Connection& c) {
    std::vector<Ticket> created;
    created.reserve(tickets.size());
    for (const auto& create : tickets) created.push_back(insert_in(c, create, now, appended));
    return created;
  });
  if (appended > 0) outbox_.notify();
  return out;
}

std::optional<Ticket> SqliteTicketStore::get(domain::TicketId id) {
  return db_.read([&](Connection& c) { return select_by_id(c, id); });
}

std::vector<Ticket> SqliteTicketStore::list(const ports::TicketQuery& q) {
  if (q.limit <= 0) return {};  // (a negative LIMIT would mean "no limit" to SQLite)

  // Only fixed fragments of ours go into the SQL; every value is a bound parameter. Each
  // combination of filters is a distinct statement text, prepared once per connection, and
  // each has an index: (status), (department), (department, status), all ending in the
  // rowid, so "ORDER BY id DESC" with "id < ?" is a backward range scan with no sort.
  std::string sql = std::string("SELECT ") + kColumns + " FROM tickets WHERE 1";
  std::vector<std::variant<std::int64_t, std::string>> params;
  // Appends a value and returns its placeholder; numbered (?N) because the text pattern is
  // used twice.
  auto param = [&](std::variant<std::int64_t, std::string> v) {
    params.push_back(std::move(v));
    return "?" + std::to_string(params.size());
  };
  const auto rank = sql::priority_rank_sql();
  if (q.before_id && q.by_priority && q.before_priority) {
    const auto r = param(std::int64_t{domain::rank(*q.before_priority)});
    sql += " AND (" + rank + " < " + r + " OR (" + rank + " = " + r + " AND id < " +
           param(*q.before_id) + "))";
  } else if (q.before_id) {
    sql += " AND id < " + param(*q.before_id);
  }
  if (!q.priorities.empty()) {
    sql += " AND priority IN (";
    for (std::size_t i = 0; i < q.priorities.size(); ++i)
      sql += (i ? ", " : "") + param(std::string(domain::to_string(q.priorities[i])));
    sql += ")";
  }
  if (q.status) sql += " AND status = " + param(std::string(domain::to_string(*q.status)));
  if (q.department) sql += " AND department = " + param(*q.department);
  if (q.language) sql += " AND language = " + param(*q.language);
  // COLLATE NOCASE matches the index tickets_by_user_email (migration 2).
  if (q.user_email) sql += " AND user_email = " + param(*q.user_email) + " COLLATE NOCASE";
  if (q.text) {
    // A substring search cannot use a b-tree index: it scans newest first and stops at
    // `limit` matches. LIKE ignores ASCII case only.
    const auto p = param(contains_pattern(*q.text));
    sql += " AND (title LIKE " + p + " ESCAPE '\\' OR description LIKE " + p + " ESCAPE '\\')";
  }
  // By priority, the rank is computed per row: a sort, not an index scan.
  sql += q.by_priority ? " ORDER BY " + rank + " DESC, id DESC" : std::string(" ORDER BY id DESC");
  sql += " LIMIT " + param(std::int64_t{q.limit});

  return db_.read([&](Connection& c) {
    std::optional<ProgressDeadline> deadline;
    if (q.text && q.search_budget.count() > 0) deadline.emplace(c, q.search_budget);
    auto query = c.query(sql);
    int index = 0;
    for (const auto& p : params) std::visit([&](const auto& v) { query.bind(++index, v); }, p);
    std::vector<Ticket> out;
    try {
      while (query.step()) out.push_back(ticket_from_row(query));
    } catch (const SqliteError&) {
      if (deadline && deadline->expired()) throw ports::SearchTimeout();
      throw;
    }
    return out;
  });
}

std::optional<Ticket> SqliteTicketStore::update_in(Connection& c, domain::TicketId id,
                                                   const ports::TicketChange& change,
                                                   std::size_t& appended) {
  auto stored = select_by_id(c, id);
  if (!stored) return std::nullopt;
  Ticket edited = *stored;
  auto events = change(edited);
  edited.id = id;  // the key is not the change's to edit
  // The port: the ticket is written if `change` modified it, the events if there are any;
  // a change that did neither (e.g. a redelivered department) writes nothing.
  if (edited != *stored) {
    c.query(kUpdate)
        .bind_all(edited.title, edited.description, edited.user_name, edited.user_email,
                  edited.department, edited.confidence_score,
                  sql::categorized_by_column(edited.categorized_by),
                  domain::to_string(edited.status), edited.created_at, edited.updated_at,
                  domain::to_string(edited.priority), sql::explanation_column(edited.explanation),
                  id)
        .run();
  }
  appended += outbox_.append(c, events);
  return edited;
}

std::vector<std::optional<Ticket>> SqliteTicketStore::update_batch(
    const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) {
  std::size_t appended = 0;
  auto result = db_.write([&](Connection& c) {
    std::vector<std::optional<Ticket>> out;
    out.reserve(changes.size());
    for (const auto& [id, change] : changes) out.push_back(update_in(c, id, change, appended));
    return out;
  });
  if (appended > 0) outbox_.notify();
  return result;
}

}  // namespace st::adapters::sqlite
