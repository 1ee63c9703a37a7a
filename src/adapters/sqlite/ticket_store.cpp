#include "adapters/sqlite/ticket_store.hpp"

#include <sqlite3.h>

#include <string>
#include <variant>

#include "adapters/sql/agent_queries.hpp"
#include "adapters/sql/like_pattern.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/priority_rank.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sql/sla_queries.hpp"
#include "adapters/sqlite/migrations.hpp"
#include "adapters/sqlite/progress_deadline.hpp"

namespace st::adapters::sqlite {
namespace {

using domain::Ticket;
using sql::contains_pattern;
using sql::ticket_from_row;

constexpr const char* kColumns = ST_TICKET_COLUMNS;

const std::string kSelectById = std::string("SELECT ") + kColumns + " FROM tickets WHERE id = ?";

// The id is the next after the highest, as SQLite would choose, but never below the floor a
// restore set (migration 10).
constexpr const char* kInsert =
    "INSERT INTO tickets (id, title, description, user_name, user_email, status, created_at, "
    "updated_at, language, first_response_due, resolution_due) VALUES (max(coalesce((SELECT "
    "max(id) FROM tickets), 0) + 1, coalesce((SELECT next_id FROM ticket_id_floor), 1)), ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kUpdate =
    "UPDATE tickets SET title = ?, description = ?, user_name = ?, user_email = ?, "
    "department = ?, confidence_score = ?, categorized_by = ?, status = ?, created_at = ?, "
    "updated_at = ?, priority = ?, explanation = ?, assignee_id = ?, assignee_name = ?, "
    "needs_review = ?, first_response_due = ?, first_response_at = ?, "
    "first_response_breached_at = ?, resolution_due = ?, sla_resolved_at = ?, "
    "resolution_breached_at = ?, sla_paused_at = ?, sla_paused_ms = ? WHERE id = ?";

constexpr const char* kSelectByCreateKey =
    "SELECT ticket_id FROM ticket_create_keys WHERE create_key = ?";
constexpr const char* kInsertCreateKey =
    "INSERT INTO ticket_create_keys (create_key, ticket_id) VALUES (?, ?)";

constexpr const char* kInsertComment =
    "INSERT INTO ticket_comments (ticket_id, body, is_public, author_type, author_id, "
    "author_name, author_role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

// ?1 ticket, ?2 the read limit, ?3 the cursor (0 on the first page: ids start at 1), ?4 1 to
// leave internal notes out.
constexpr const char* kSelectComments =
    "SELECT " ST_COMMENT_COLUMNS
    " FROM ticket_comments WHERE ticket_id = ?1 AND id > ?3 AND (?4 = 0 OR is_public = 1) "
    "ORDER BY id LIMIT ?2";

std::optional<Ticket> select_by_id(Connection& c, domain::TicketId id) {
  return c.query(kSelectById).bind_all(id).first_row([](const Query& q) {
    return ticket_from_row(q);
  });
}

std::optional<domain::TicketId> created_under(Connection& c, const std::string& create_key) {
  return c.query(kSelectByCreateKey).bind_all(create_key).first_row([](const Query& q) {
    return q.int64(0);
  });
}

// One writer at a time (BEGIN IMMEDIATE): reading the pointer and moving it cannot interleave
// with another assignment.
class SqliteAssignmentScope final : public ports::AssignmentScope {
 public:
  explicit SqliteAssignmentScope(Connection& c) : c_(c) {}
  std::optional<domain::Assignee> next_assignee(const std::string& department,
                                                const std::optional<std::string>& exclude,
                                                domain::Millis now) override {
    auto rotation =
        c_.query(
              "SELECT mode, last_agent_id FROM department_assignment WHERE "
              "department = ?")
            .bind_all(department)
            .first_row([](const Query& q) { return std::make_pair(q.text(0), q.opt_text(1)); });
    if (!rotation) return std::nullopt;  // never set: manual
    const auto mode = domain::parse_assignment_mode(rotation->first);
    if (!mode) return std::nullopt;
    const auto members =
        c_.query(sql::kDepartmentMembers).bind_all(department).rows([](const Query& q) {
          return domain::AssignmentCandidate{q.text(0), q.text(1), q.flag(2), q.int64(4),
                                             q.opt_int64(3)};
        });
    const auto chosen = domain::choose_assignee(*mode, members, rotation->second, exclude);
    if (!chosen) return std::nullopt;
    c_.query(sql::kMoveRotation).bind_all(department, chosen->id).run();
    c_.query(sql::kAgentAssigned).bind_all(chosen->id, now).run();
    return domain::Assignee{chosen->id, chosen->name};
  }

 private:
  Connection& c_;
};

}  // namespace

std::optional<domain::Comment> SqliteTicketStore::add_comment(domain::TicketId id,
                                                              const domain::NewComment& comment,
                                                              const domain::Actor& author,
                                                              domain::Millis now,
                                                              const ports::CommentEvents& events) {
  std::size_t appended = 0;
  auto stored = db_.write([&](Connection& c) -> std::optional<domain::Comment> {
    if (!select_by_id(c, id)) return std::nullopt;
    domain::Comment out{0, id, comment.body, comment.is_public, author, now};
    c.query(kInsertComment)
        .bind_all(id, out.body, std::int64_t{out.is_public}, domain::to_string(author.type),
                  author.id.empty() ? std::nullopt : std::optional(author.id), author.name,
                  sql::author_role_column(author), now)
        .run();
    out.id = c.last_insert_rowid();
    if (events) {
      // The ticket's change (its first-response clock) goes the way of any other.
      SqliteTicketStore::update_in(
          c, id, [&](Ticket& t, ports::AssignmentScope&) { return events(t, out); }, appended);
    }
    return out;
  });
  if (appended > 0) outbox_.notify();
  return stored;
}

ports::Page<domain::Comment> SqliteTicketStore::comments(domain::TicketId id, bool public_only,
                                                         const ports::PageRequest& page) {
  return db_.read([&](Connection& c) {
    sql::PageBuilder<domain::Comment> out(page);
    auto q = c.query(kSelectComments);
    q.bind(1, id);
    q.bind(2, out.read_limit());
    q.bind(3, page.after_id.value_or(0));
    q.bind(4, std::int64_t{public_only});
    while (q.step() && out.add(q.int64(0), sql::comment_from_row(q))) {
    }
    return out.finish();
  });
}

void SqliteTicketStore::put_agent(const ports::AgentRecord& a) {
  db_.write([&](Connection& c) {
    c.query(sql::kUpsertAgent)
        .bind_all(a.id, a.name, std::int64_t{a.availability == domain::Availability::available},
                  std::int64_t{a.active})
        .run();
    c.query(sql::kDropAgentDepartments).bind_all(a.id).run();
    for (const auto& d : a.departments) c.query(sql::kAddAgentDepartment).bind_all(a.id, d).run();
  });
}

std::optional<domain::Assignee> SqliteTicketStore::find_agent(std::string_view id) {
  return db_.read([&](Connection& c) {
    return c.query(sql::kFindAgent).bind_all(id).first_row([](const Query& q) {
      return domain::Assignee{q.text(0), q.text(1)};
    });
  });
}

void SqliteTicketStore::set_assignment_mode(const std::string& department,
                                            domain::AssignmentMode mode) {
  db_.write([&](Connection& c) {
    c.query(sql::kSetMode).bind_all(department, domain::to_string(mode)).run();
  });
}

std::map<std::string, domain::AssignmentMode> SqliteTicketStore::assignment_modes() {
  const auto rows = db_.read([&](Connection& c) {
    return c.query("SELECT department, mode FROM department_assignment").rows([](const Query& q) {
      return std::pair{q.text(0), q.text(1)};
    });
  });
  std::map<std::string, domain::AssignmentMode> out;
  for (const auto& [department, mode] : rows)
    out[department] = domain::parse_assignment_mode(mode).value_or(domain::AssignmentMode::manual);
  return out;
}

std::vector<domain::TicketId> SqliteTicketStore::open_tickets_of(std::string_view agent_id) {
  return db_.read([&](Connection& c) {
    return c.query(sql::kOpenTicketsOf).bind_all(agent_id).rows([](const Query& q) {
      return q.int64(0);
    });
  });
}

std::map<domain::Priority, domain::SlaPolicy> SqliteTicketStore::sla_policies() {
  const auto rows = db_.read([&](Connection& c) {
    return c.query(sql::kSelectSlaPolicies).rows([](const Query& q) {
      return sql::sla_policy_from_row(q);
    });
  });
  return {rows.begin(), rows.end()};
}

void SqliteTicketStore::put_sla_policies(
    const std::map<domain::Priority, domain::SlaPolicy>& policies) {
  db_.write([&](Connection& c) {
    for (const auto& [priority, p] : policies)
      c.query(sql::kUpsertSlaPolicy)
          .bind_all(domain::to_string(priority), p.first_response_seconds, p.resolution_seconds,
                    domain::to_string(p.escalation))
          .run();
  });
}

std::vector<domain::TicketId> SqliteTicketStore::overdue_sla(domain::Millis now, int limit) {
  return db_.read([&](Connection& c) {
    return c.query(sql::kOverdueSla).bind_all(now, std::int64_t{limit}).rows([](const Query& q) {
      return q.int64(0);
    });
  });
}

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
                t.created_at, t.updated_at, t.language, t.sla.first_response_due,
                t.sla.resolution_due)
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

std::optional<ports::TicketView> SqliteTicketStore::view(domain::TicketId id) {
  return db_.read([&](Connection& c) {
    return c.query(kSelectById).bind_all(id).first_row(sql::ticket_view_from_row<Query>);
  });
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
  if (q.assignee_id) sql += " AND assignee_id = " + param(*q.assignee_id);
  if (q.unassigned) sql += " AND assignee_id IS NULL";
  if (q.needs_review) sql += " AND needs_review = 1";
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
      while (query.step()) out.push_back(ticket_from_row(query, sql::ExplanationColumn::skip));
    } catch (const SqliteError&) {
      if (deadline && deadline->expired()) throw ports::SearchTimeout();
      throw;
    }
    return out;
  });
}

std::optional<Ticket> SqliteTicketStore::update_in(Connection& c, domain::TicketId id,
                                                   const ports::AssigningChange& change,
                                                   std::size_t& appended) {
  auto stored = select_by_id(c, id);
  if (!stored) return std::nullopt;
  Ticket edited = *stored;
  SqliteAssignmentScope scope(c);
  auto events = change(edited, scope);
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
                  edited.assignee ? std::optional(edited.assignee->id) : std::nullopt,
                  edited.assignee ? std::optional(edited.assignee->name) : std::nullopt,
                  edited.needs_review, edited.sla.first_response_due, edited.sla.first_response_at,
                  edited.sla.first_response_breached_at, edited.sla.resolution_due,
                  edited.sla.resolved_at, edited.sla.resolution_breached_at, edited.sla.paused_at,
                  edited.sla.paused_ms, id)
        .run();
  }
  appended += outbox_.append(c, events);
  return edited;
}

std::vector<std::optional<Ticket>> SqliteTicketStore::update_batch(
    const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) {
  return update_batch_assigning(ports::without_assignment(changes));
}

std::vector<std::optional<Ticket>> SqliteTicketStore::update_batch_assigning(
    const std::vector<std::pair<domain::TicketId, ports::AssigningChange>>& changes) {
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
