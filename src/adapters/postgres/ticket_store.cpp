#include "adapters/postgres/ticket_store.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/pg_array.hpp"
#include "adapters/postgres/row_reader.hpp"
#include "adapters/postgres/text_param.hpp"
#include "adapters/sql/like_pattern.hpp"
#include "adapters/sql/priority_rank.hpp"
#include "adapters/sql/row_decoders.hpp"

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
    "updated_at, language) SELECT id, title, description, user_name, user_email, 'pending', "
    "$6, $6, language "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[]) "
    "AS r(id, title, description, user_name, user_email, language)";

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
    "priority = r.priority, explanation = r.explanation "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::integer[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], "
    "$13::text[]) "
    "AS r(id, title, description, user_name, user_email, department, confidence_score, "
    "categorized_by, status, created_at, updated_at, priority, explanation) WHERE t.id = r.id";

// Writes the given tickets' current values, one statement for all.
void store_tickets(Tx& tx, const std::vector<const Ticket*>& tickets) {
  if (tickets.empty()) return;
  ArrayLiteral id, title, description, user_name, user_email, department, confidence, by, status,
      created_at, updated_at, priority, explanation;
  for (const Ticket* t : tickets) {
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
  }
  tx.exec(kUpdate, id.str(), title.str(), description.str(), user_name.str(), user_email.str(),
          department.str(), confidence.str(), by.str(), status.str(), created_at.str(),
          updated_at.str(), priority.str(), explanation.str());
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

}  // namespace

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
    ArrayLiteral id, title, description, user_name, user_email, language;
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
      out[i] = std::move(t);
    }
    tx.exec(kInsert, id.str(), title.str(), description.str(), user_name.str(), user_email.str(),
            now, language.str());
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

std::vector<Ticket> PgTicketStore::list(const ports::TicketQuery& q) {
  if (q.limit <= 0) return {};
  // Text no stored ticket can contain (NUL, invalid UTF-8) matches nothing; PostgreSQL
  // would reject it as a parameter.
  if ((q.text && !storable_text(*q.text)) || (q.department && !storable_text(*q.department)) ||
      (q.user_email && !storable_text(*q.user_email)) ||
      (q.language && !storable_text(*q.language)))
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
      out.push_back(ticket_from_row(row));
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
    std::vector<std::optional<Ticket>> out;
    std::vector<domain::Event> events;
    for (const auto& [id, change] : changes) {
      auto it = current.find(id);
      if (it == current.end()) {
        out.emplace_back();
        continue;
      }
      Ticket edited = it->second;
      auto more = change(edited);
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
