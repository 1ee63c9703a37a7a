#include "adapters/postgres/ticket_store.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <string>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/pg_array.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/agent_queries.hpp"
#include "adapters/sql/like_pattern.hpp"
#include "adapters/sql/page_builder.hpp"
#include "adapters/sql/priority_rank.hpp"
#include "adapters/sql/row_decoders.hpp"
#include "adapters/sql/sla_queries.hpp"

namespace st::adapters::postgres {
namespace {

using domain::Ticket;

Ticket ticket_from_row(const pqxx::row& r) {
  return sql::ticket_from_row(RowReader(r));
}

// SQLSTATE of a statement stopped by statement_timeout.
constexpr std::string_view kQueryCanceled = "57014";

constexpr const char* kColumns = ST_TICKET_COLUMNS;

const std::string kSelectById = std::string("SELECT ") + kColumns + " FROM tickets WHERE id = $1";

// Locked in id order, so two batches touching the same tickets cannot deadlock.
const std::string kLockByIds = std::string("SELECT ") + kColumns +
                               " FROM tickets WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE";

// Ids are drawn first because the events are built from the ticket with its id, and the
// events go into the same transaction. Drawn in one round trip for a whole batch.
constexpr const char* kNextIds =
    "SELECT nextval(pg_get_serial_sequence('tickets', 'id')) FROM generate_series(1, $1)";

constexpr const char* kInsert =
    "INSERT INTO tickets (id, title, description, user_name, user_email, status, created_at, "
    "updated_at, language, first_response_due, resolution_due) SELECT id, title, description, "
    "user_name, user_email, 'pending', $6, $6, language, first_response_due, resolution_due "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[], "
    "$8::bigint[], $9::bigint[]) "
    "AS r(id, title, description, user_name, user_email, language, first_response_due, "
    "resolution_due)";

// Keys this transaction took (RETURNING lists only those; the others are held already).
constexpr const char* kClaimCreateKeys =
    "INSERT INTO ticket_create_keys (create_key, ticket_id) "
    "SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING create_key";
constexpr const char* kSelectCreateKeys =
    "SELECT create_key, ticket_id FROM ticket_create_keys WHERE create_key = ANY($1::text[])";

constexpr const char* kUpdate =
    "UPDATE tickets AS t SET title = r.title, description = r.description, "
    "user_name = r.user_name, user_email = r.user_email, department = r.department, "
    "confidence_score = r.confidence_score, categorized_by = r.categorized_by, "
    "status = r.status, created_at = r.created_at, updated_at = r.updated_at, "
    "priority = r.priority, explanation = r.explanation, assignee_id = r.assignee_id, "
    "assignee_name = r.assignee_name, needs_review = r.needs_review, "
    "first_response_due = r.first_response_due, first_response_at = r.first_response_at, "
    "first_response_breached_at = r.first_response_breached_at, "
    "resolution_due = r.resolution_due, sla_resolved_at = r.sla_resolved_at, "
    "resolution_breached_at = r.resolution_breached_at, sla_paused_at = r.sla_paused_at, "
    "sla_paused_ms = r.sla_paused_ms "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::integer[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], "
    "$13::text[], $14::text[], $15::text[], $16::boolean[], $17::bigint[], $18::bigint[], "
    "$19::bigint[], $20::bigint[], $21::bigint[], $22::bigint[], $23::bigint[], "
    "$24::bigint[]) "
    "AS r(id, title, description, user_name, user_email, department, confidence_score, "
    "categorized_by, status, created_at, updated_at, priority, explanation, assignee_id, "
    "assignee_name, needs_review, " ST_TICKET_SLA_COLUMNS ") WHERE t.id = r.id";

constexpr const char* kInsertComment =
    "INSERT INTO ticket_comments (ticket_id, body, is_public, author_type, author_id, "
    "author_name, author_role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

// $3: the cursor (0 on the first page: ids start at 1); $4: leave internal notes out.
constexpr const char* kSelectComments =
    "SELECT " ST_COMMENT_COLUMNS
    " FROM ticket_comments WHERE ticket_id = $1 AND id > $3 AND (NOT $4 OR is_public) "
    "ORDER BY id LIMIT $2";

// Writes the given tickets' current values, one statement for all.
void store_tickets(Tx& tx, const std::vector<const Ticket*>& tickets) {
  if (tickets.empty()) return;
  ArrayLiteral id, title, description, user_name, user_email, department, confidence, by, status,
      created_at, updated_at, priority, explanation, assignee_id, assignee_name, needs_review;
  std::array<ArrayLiteral, 8> sla;  // ST_TICKET_SLA_COLUMNS
  for (const Ticket* t : tickets) {
    const auto& c = t->sla;
    sla[0].add(c.first_response_due);
    sla[1].add(c.first_response_at);
    sla[2].add(c.first_response_breached_at);
    sla[3].add(c.resolution_due);
    sla[4].add(c.resolved_at);
    sla[5].add(c.resolution_breached_at);
    sla[6].add(c.paused_at);
    sla[7].add(c.paused_ms);
    id.add(t->id);
    title.add(t->title);
    description.add(t->description);
    user_name.add(t->user_name);
    user_email.add(t->user_email);
    department.add(t->department);
    confidence.add(t->confidence_score);
    by.add(sql::categorized_by_column(t->categorized_by));
    status.add(domain::to_string(t->status));
    created_at.add(t->created_at);
    updated_at.add(t->updated_at);
    priority.add(domain::to_string(t->priority));
    explanation.add(sql::explanation_column(t->explanation));
    assignee_id.add(t->assignee ? std::optional(t->assignee->id) : std::nullopt);
    assignee_name.add(t->assignee ? std::optional(t->assignee->name) : std::nullopt);
    needs_review.add(t->needs_review);
  }
  tx.exec(kUpdate, id.str(), title.str(), description.str(), user_name.str(), user_email.str(),
          department.str(), confidence.str(), by.str(), status.str(), created_at.str(),
          updated_at.str(), priority.str(), explanation.str(), assignee_id.str(),
          assignee_name.str(), needs_review.str(), sla[0].str(), sla[1].str(), sla[2].str(),
          sla[3].str(), sla[4].str(), sla[5].str(), sla[6].str(), sla[7].str());
}

// Takes each create's key for the id drawn for it. For a key stored already (by an earlier
// transaction, or a concurrent one: ON CONFLICT waits for it to end) or repeated earlier in
// this batch, the answer is the ticket id stored under it; nullopt for a create that goes on.
std::vector<std::optional<std::int64_t>> claim_create_keys(
    Tx& tx, const std::vector<ports::TicketCreate>& tickets, const std::vector<std::int64_t>& ids) {
  std::vector<std::optional<std::int64_t>> stored(tickets.size());
  std::map<std::string, std::size_t> first_index;  // each key's first create in the batch
  ArrayLiteral keys, key_ids;
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    const auto& key = tickets[i].create_key;
    if (!key.empty() && first_index.emplace(key, i).second) {
      keys.add(key);
      key_ids.add(ids[i]);
    }
  }
  if (first_index.empty()) return stored;
  std::map<std::string, std::size_t> held = first_index;  // keys another create holds
  for (const auto& row : tx.exec(kClaimCreateKeys, keys.str(), key_ids.str()))
    held.erase(row[0].as<std::string>());
  if (!held.empty()) {
    ArrayLiteral missing;
    for (const auto& [key, i] : held) missing.add(key);
    for (const auto& row : tx.exec(kSelectCreateKeys, missing.str()))
      stored[held.at(row[0].as<std::string>())] = row[1].as<std::int64_t>();
  }
  // A later create with a key seen earlier in the batch answers what the first one does.
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    const auto& key = tickets[i].create_key;
    if (key.empty()) continue;
    const auto first = first_index.at(key);
    if (first != i) stored[i] = stored[first] ? *stored[first] : ids[first];
  }
  return stored;
}

// The ticket a repeated create answers: one created earlier in this batch, or a stored one.
Ticket read_created(Tx& tx, std::int64_t id, const std::vector<Ticket>& batch) {
  for (const auto& t : batch)
    if (t.id == id) return t;
  const auto rows = tx.exec(kSelectById, id);
  if (rows.empty()) throw std::logic_error("a create key names a ticket that does not exist");
  return ticket_from_row(rows[0]);
}

// The department's row is locked (FOR UPDATE) before its members are read: another
// transaction assigning in the same department waits, then reads the pointer this one moved.
// The batch's tickets are written at its end, so the open counts here add this batch's own
// assignments (`added_`).
class PgAssignmentScope final : public ports::AssignmentScope {
 public:
  explicit PgAssignmentScope(Tx& tx) : tx_(tx) {}
  std::optional<domain::Assignee> next_assignee(const std::string& department,
                                                const std::optional<std::string>& exclude,
                                                domain::Millis now) override {
    if (!storable_text(department)) return std::nullopt;
    const auto rotation = tx_.exec(
        "SELECT mode, last_agent_id FROM department_assignment WHERE department = $1 FOR UPDATE",
        department);
    if (rotation.empty()) return std::nullopt;  // never set: manual
    const auto mode = domain::parse_assignment_mode(rotation[0][0].as<std::string>());
    if (!mode) return std::nullopt;
    std::optional<std::string> last;
    if (!rotation[0][1].is_null()) last = rotation[0][1].as<std::string>();
    std::vector<domain::AssignmentCandidate> members;
    for (const auto& r :
         tx_.exec(sql::numbered_placeholders(sql::kDepartmentMembers), department)) {
      domain::AssignmentCandidate m{r[0].as<std::string>(), r[1].as<std::string>(),
                                    r[2].as<std::int64_t>() != 0, r[4].as<long long>(),
                                    std::nullopt};
      if (!r[3].is_null()) m.last_assigned_at = r[3].as<std::int64_t>();
      m.open_tickets += added_[m.id];
      members.push_back(std::move(m));
    }
    const auto chosen = domain::choose_assignee(*mode, members, last, exclude);
    if (!chosen) return std::nullopt;
    tx_.exec(sql::numbered_placeholders(sql::kMoveRotation), department, chosen->id);
    tx_.exec(sql::numbered_placeholders(sql::kAgentAssigned), chosen->id, now);
    ++added_[chosen->id];
    return domain::Assignee{chosen->id, chosen->name};
  }

 private:
  Tx& tx_;
  std::map<std::string, long long> added_;
};

}  // namespace

std::optional<domain::Comment> PgTicketStore::add_comment(domain::TicketId id,
                                                          const domain::NewComment& comment,
                                                          const domain::Actor& author,
                                                          domain::Millis now,
                                                          const ports::CommentEvents& events) {
  std::size_t appended = 0;
  auto stored = db_.write([&](Tx& tx) -> std::optional<domain::Comment> {
    // FOR UPDATE: the events carry this snapshot, and the comment may change the ticket.
    const auto rows = tx.exec(kSelectById + " FOR UPDATE", id);
    if (rows.empty()) return std::nullopt;
    const Ticket ticket = ticket_from_row(rows[0]);
    domain::Comment out{0, id, comment.body, comment.is_public, author, now};
    const auto author_id = author.id.empty() ? std::nullopt : std::optional(author.id);
    const auto inserted =
        tx.exec(kInsertComment, id, out.body, out.is_public, std::string(to_string(author.type)),
                author_id, author.name, sql::author_role_column(author), now);
    out.id = inserted[0][0].as<std::int64_t>();
    if (events) {
      Ticket edited = ticket;
      const auto emitted = events(edited, out);
      edited.id = id;
      if (edited != ticket) store_tickets(tx, {&edited});
      appended = outbox_.append(tx, emitted);
    }
    return out;
  });
  if (appended > 0) outbox_.notify();
  return stored;
}

ports::Page<domain::Comment> PgTicketStore::comments(domain::TicketId id, bool public_only,
                                                     const ports::PageRequest& page) {
  return db_.read([&](Tx& tx) {
    sql::PageBuilder<domain::Comment> out(page);
    const std::int64_t after = page.after_id.value_or(0);
    for (const auto& row : tx.exec(kSelectComments, id, out.read_limit(), after, public_only)) {
      auto comment = sql::comment_from_row(RowReader(row));
      const auto comment_id = comment.id;
      if (!out.add(comment_id, std::move(comment))) break;
    }
    return out.finish();
  });
}

void PgTicketStore::put_agent(const ports::AgentRecord& a) {
  db_.write([&](Tx& tx) {
    tx.exec(sql::numbered_placeholders(sql::kUpsertAgent), a.id, a.name,
            std::int64_t{a.availability == domain::Availability::available},
            std::int64_t{a.active});
    tx.exec(sql::numbered_placeholders(sql::kDropAgentDepartments), a.id);
    for (const auto& d : a.departments)
      tx.exec(sql::numbered_placeholders(sql::kAddAgentDepartment), a.id, d);
  });
}

std::optional<domain::Assignee> PgTicketStore::find_agent(std::string_view id) {
  if (!storable_text(id)) return std::nullopt;
  const std::string i(id);
  return db_.read([&](Tx& tx) -> std::optional<domain::Assignee> {
    const auto rows = tx.exec(sql::numbered_placeholders(sql::kFindAgent), i);
    if (rows.empty()) return std::nullopt;
    return domain::Assignee{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
  });
}

void PgTicketStore::set_assignment_mode(const std::string& department,
                                        domain::AssignmentMode mode) {
  db_.write([&](Tx& tx) {
    tx.exec(sql::numbered_placeholders(sql::kSetMode), department,
            std::string(domain::to_string(mode)));
  });
}

std::map<std::string, domain::AssignmentMode> PgTicketStore::assignment_modes() {
  return db_.read([&](Tx& tx) {
    std::map<std::string, domain::AssignmentMode> out;
    for (const auto& row : tx.exec("SELECT department, mode FROM department_assignment"))
      out[row[0].as<std::string>()] = domain::parse_assignment_mode(row[1].as<std::string>())
                                          .value_or(domain::AssignmentMode::manual);
    return out;
  });
}

std::vector<domain::TicketId> PgTicketStore::open_tickets_of(std::string_view agent_id) {
  if (!storable_text(agent_id)) return {};
  const std::string i(agent_id);
  return db_.read([&](Tx& tx) {
    std::vector<domain::TicketId> out;
    for (const auto& r : tx.exec(sql::numbered_placeholders(sql::kOpenTicketsOf), i))
      out.push_back(r[0].as<std::int64_t>());
    return out;
  });
}

std::map<domain::Priority, domain::SlaPolicy> PgTicketStore::sla_policies() {
  return db_.read([&](Tx& tx) {
    std::map<domain::Priority, domain::SlaPolicy> out;
    for (const auto& row : tx.exec(sql::kSelectSlaPolicies))
      out.insert(sql::sla_policy_from_row(RowReader(row)));
    return out;
  });
}

void PgTicketStore::put_sla_policies(
    const std::map<domain::Priority, domain::SlaPolicy>& policies) {
  db_.write([&](Tx& tx) {
    for (const auto& [priority, p] : policies)
      tx.exec(sql::numbered_placeholders(sql::kUpsertSlaPolicy),
              std::string(domain::to_string(priority)), p.first_response_seconds,
              p.resolution_seconds, std::string(domain::to_string(p.escalation)));
  });
}

std::vector<domain::TicketId> PgTicketStore::overdue_sla(domain::Millis now, int limit) {
  return db_.read([&](Tx& tx) {
    std::vector<domain::TicketId> out;
    for (const auto& r :
         tx.exec(sql::numbered_placeholders(sql::kOverdueSla), now, std::int64_t{limit}))
      out.push_back(r[0].as<std::int64_t>());
    return out;
  });
}

PgTicketStore::PgTicketStore(Database& db) : OutboxPort(db, "tickets_outbox"), db_(db) {
  migrate_tickets(db_);
}

std::vector<Ticket> PgTicketStore::create_batch(const std::vector<ports::TicketCreate>& tickets,
                                                domain::Millis now) {
  if (tickets.empty()) return {};
  std::size_t appended = 0;
  auto created = db_.write([&](Tx& tx) {
    std::vector<std::int64_t> ids;
    for (const auto& row : tx.exec(kNextIds, static_cast<std::int64_t>(tickets.size())))
      ids.push_back(row[0].as<std::int64_t>());
    // Ascending, so a batch's tickets are numbered in the order given.
    std::sort(ids.begin(), ids.end());
    const auto stored = claim_create_keys(tx, tickets, ids);

    std::vector<Ticket> out(tickets.size());
    std::vector<domain::Event> events;
    ArrayLiteral id, title, description, user_name, user_email, language, first_response_due,
        resolution_due;
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      if (stored[i]) continue;  // a repeat: filled in below
      Ticket t = sql::pending_ticket(tickets[i].ticket, now);
      t.id = ids[i];
      if (tickets[i].events) {
        auto more = tickets[i].events(t);
        events.insert(events.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
      }
      id.add(t.id);
      title.add(t.title);
      description.add(t.description);
      user_name.add(t.user_name);
      user_email.add(t.user_email);
      language.add(t.language);
      first_response_due.add(t.sla.first_response_due);
      resolution_due.add(t.sla.resolution_due);
      out[i] = std::move(t);
    }
    tx.exec(kInsert, id.str(), title.str(), description.str(), user_name.str(), user_email.str(),
            now, language.str(), first_response_due.str(), resolution_due.str());
    appended = outbox_.append(tx, events);
    for (std::size_t i = 0; i < tickets.size(); ++i)
      if (stored[i]) out[i] = read_created(tx, *stored[i], out);
    return out;
  });
  if (appended > 0) outbox_.notify();
  return created;
}

std::optional<Ticket> PgTicketStore::get(domain::TicketId id) {
  return db_.read([&](Tx& tx) -> std::optional<Ticket> {
    const auto rows = tx.exec(kSelectById, id);
    if (rows.empty()) return std::nullopt;
    return ticket_from_row(rows[0]);
  });
}

std::optional<ports::TicketView> PgTicketStore::view(domain::TicketId id) {
  return db_.read([&](Tx& tx) -> std::optional<ports::TicketView> {
    const auto rows = tx.exec(kSelectById, id);
    if (rows.empty()) return std::nullopt;
    return sql::ticket_view_from_row(RowReader(rows[0]));
  });
}

std::vector<Ticket> PgTicketStore::list(const ports::TicketQuery& q) {
  if (q.limit <= 0) return {};
  // Text no stored ticket can contain (NUL, invalid UTF-8) matches nothing; PostgreSQL
  // would reject it as a parameter.
  if ((q.text && !storable_text(*q.text)) || (q.department && !storable_text(*q.department)) ||
      (q.user_email && !storable_text(*q.user_email)) ||
      (q.language && !storable_text(*q.language)) ||
      (q.assignee_id && !storable_text(*q.assignee_id)))
    return {};

  // Only fixed fragments of ours go into the SQL; every value is a bound parameter. Each
  // combination of filters is a distinct statement text, prepared once per connection, and
  // each has an index ending in id, so "ORDER BY id DESC LIMIT n" with "id < cursor" is a
  // backward range scan. The substring search uses the trigram indexes.
  std::string sql = std::string("SELECT ") + kColumns + " FROM tickets WHERE true";
  std::vector<std::string> params;
  auto param = [&](std::string v, const char* cast = "") {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size()) + cast;
  };
  const auto rank = sql::priority_rank_sql();
  if (q.before_id && q.by_priority && q.before_priority) {
    const auto r = param(std::to_string(domain::rank(*q.before_priority)), "::integer");
    sql += " AND (" + rank + " < " + r + " OR (" + rank + " = " + r + " AND id < " +
           param(std::to_string(*q.before_id), "::bigint") + "))";
  } else if (q.before_id) {
    sql += " AND id < " + param(std::to_string(*q.before_id), "::bigint");
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
  if (q.needs_review) sql += " AND needs_review";
  // lower() on both sides matches the index tickets_by_user_email (migration 2).
  if (q.user_email) sql += " AND lower(user_email) = lower(" + param(*q.user_email) + ")";
  if (q.text && !q.text->empty()) {
    const auto p = param(sql::contains_pattern(*q.text));
    sql += " AND (title ILIKE " + p + " OR description ILIKE " + p + ")";
  }
  // By priority, the rank is computed per row: a sort, not an index scan.
  sql += q.by_priority ? " ORDER BY " + rank + " DESC, id DESC" : std::string(" ORDER BY id DESC");
  sql += " LIMIT " + param(std::to_string(q.limit), "::bigint");

  auto run = [&](Tx& tx) {
    std::vector<Ticket> out;
    for (const auto& row : tx.exec(sql, pqxx::prepare::make_dynamic_params(params)))
      out.push_back(sql::ticket_from_row(RowReader(row), sql::ExplanationColumn::skip));
    return out;
  };
  if (!q.text || q.search_budget.count() <= 0) return db_.read(run);
  // SET LOCAL needs a transaction block, and ends with it: the pooled connection goes back
  // without the timeout.
  try {
    return db_.write([&](Tx& tx) {
      tx.exec_script("SET LOCAL statement_timeout = " + std::to_string(q.search_budget.count()));
      return run(tx);
    });
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == kQueryCanceled) throw ports::SearchTimeout();
    throw;
  }
}

std::vector<std::optional<Ticket>> PgTicketStore::update_batch(
    const std::vector<std::pair<domain::TicketId, ports::TicketChange>>& changes) {
  return update_batch_assigning(ports::without_assignment(changes));
}

std::vector<std::optional<Ticket>> PgTicketStore::update_batch_assigning(
    const std::vector<std::pair<domain::TicketId, ports::AssigningChange>>& changes) {
  if (changes.empty()) return {};
  std::size_t appended = 0;
  auto result = db_.write([&](Tx& tx) {
    std::vector<std::int64_t> ids;
    for (const auto& [id, change] : changes) ids.push_back(id);
    // Read and lock every ticket of the batch at once; the changes then run on these
    // copies in order (a later change sees an earlier one to the same ticket) and the
    // final values are written in one statement.
    std::map<domain::TicketId, Ticket> current;
    for (const auto& row : tx.exec(kLockByIds, array_of(ids))) {
      auto t = ticket_from_row(row);
      current.emplace(t.id, std::move(t));
    }
    std::map<domain::TicketId, bool> modified;
    PgAssignmentScope scope(tx);
    std::vector<std::optional<Ticket>> out;
    std::vector<domain::Event> events;
    for (const auto& [id, change] : changes) {
      auto it = current.find(id);
      if (it == current.end()) {
        out.emplace_back();
        continue;
      }
      Ticket edited = it->second;
      auto more = change(edited, scope);
      edited.id = id;  // the key is not the change's to edit
      // The port: the ticket is written if `change` modified it, the events if there are
      // any; a change that did neither (a redelivered department) writes nothing.
      if (edited != it->second) {
        it->second = edited;
        modified[id] = true;
      }
      events.insert(events.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
      out.push_back(std::move(edited));
    }
    std::vector<const Ticket*> to_store;
    for (const auto& [id, yes] : modified) to_store.push_back(&current.at(id));
    store_tickets(tx, to_store);
    appended = outbox_.append(tx, events);
    return out;
  });
  if (appended > 0) outbox_.notify();
  return result;
}

}  // namespace st::adapters::postgres
