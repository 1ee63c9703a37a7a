#pragma once
// Rows both relational adapters read the same way: each decoder reads the columns of its
// *_COLUMNS list, in that order. `Row` reads column i with int64(i), int32(i), text(i),
// bytes(i), flag(i), is_null(i), opt_int64(i), opt_int32(i) and opt_text(i): sqlite::Query
// does, and postgres::RowReader wraps a pqxx::row.
//
// Macros rather than constants so the lists join other string literals at compile time.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/sql/analytics_projection.hpp"
#include "domain/codec.hpp"
#include "domain/comment.hpp"
#include "domain/department.hpp"
#include "domain/ticket.hpp"
#include "ports/analytics_store.hpp"
#include "ports/idempotency_store.hpp"
#include "ports/key_store.hpp"
#include "ports/routing_store.hpp"
#include "ports/ticket_store.hpp"

#define ST_TICKET_COLUMNS                                                             \
  "id, title, description, user_name, user_email, department, confidence_score, "     \
  "categorized_by, status, created_at, updated_at, language, priority, explanation, " \
  "assignee_id, assignee_name, needs_review, " ST_TICKET_SLA_COLUMNS
// The SLA clocks (domain::SlaClocks), in its order; also the order both stores write them in.
#define ST_TICKET_SLA_COLUMNS                                                           \
  "first_response_due, first_response_at, first_response_breached_at, resolution_due, " \
  "sla_resolved_at, resolution_breached_at, sla_paused_at, sla_paused_ms"
#define ST_PROJECTION_COLUMNS                                                                \
  "ticket_id, department, status, confidence_score, categorized_by, created_at, routed_at, " \
  "resolved_at, status_version, status_event_at, department_version, priority"
// How both stores write a projection row over the one there (the live projection's or the
// rebuild's, analytics_tickets_next): every column but the key from the new row.
#define ST_PROJECTION_UPSERT                                                               \
  " ON CONFLICT (ticket_id) DO UPDATE SET department = excluded.department, "              \
  "status = excluded.status, confidence_score = excluded.confidence_score, "               \
  "categorized_by = excluded.categorized_by, created_at = excluded.created_at, "           \
  "routed_at = excluded.routed_at, resolved_at = excluded.resolved_at, "                   \
  "status_version = excluded.status_version, status_event_at = excluded.status_event_at, " \
  "department_version = excluded.department_version, priority = excluded.priority"
#define ST_COMMENT_COLUMNS                                                             \
  "id, ticket_id, body, is_public, author_type, author_id, author_name, author_role, " \
  "created_at"
#define ST_KEY_COLUMNS \
  "id, name, role, email, secret_hash, created_at, revoked_at, departments, availability"

namespace st::adapters::sql {

// A stored value this build cannot read (written by something else): refused, not guessed.
class CorruptRow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The row a new ticket is stored as at `now` (pending), before the database gives its id.
inline domain::Ticket pending_ticket(const domain::NewTicket& n, domain::Millis now) {
  domain::Ticket t;
  t.title = n.title;
  t.description = n.description;
  t.user_name = n.user_name;
  t.user_email = n.user_email;
  t.language = n.language;
  t.sla.first_response_due = n.first_response_due;
  t.sla.resolution_due = n.resolution_due;
  t.status = domain::Status::pending;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

// The tickets.categorized_by value of a ticket (NULL while uncategorized).
inline std::optional<std::string> categorized_by_column(
    const std::optional<domain::CategorizedBy>& c) {
  if (!c) return std::nullopt;
  return std::string(domain::to_string(*c));
}

// The tickets.explanation value of a ticket: its JSON text, NULL when it has none.
inline std::optional<std::string> explanation_column(const std::optional<domain::Explanation>& e) {
  if (!e) return std::nullopt;
  return domain::to_json(*e).dump();
}

// Lenient, unlike status: an explanation is commentary, and one this build cannot read (a
// newer shape) leaves the ticket without one rather than unreadable.
inline std::optional<domain::Explanation> explanation_from_column(
    const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  try {
    return domain::explanation_from_json(j);
  } catch (const domain::CodecError&) {
    return std::nullopt;
  }
}

// api_keys.departments: a JSON array of names.
inline std::string departments_column(const std::vector<std::string>& departments) {
  return nlohmann::json(departments).dump();
}
inline std::vector<std::string> departments_from_column(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) throw CorruptRow("api_keys: departments is not a JSON array");
  std::vector<std::string> out;
  for (const auto& d : j)
    if (d.is_string()) out.push_back(d.get<std::string>());
  return out;
}

// The ST_TICKET_SLA_COLUMNS from column `first` on.
template <class Row>
domain::SlaClocks sla_from_row(const Row& r, int first) {
  domain::SlaClocks c;
  c.first_response_due = r.opt_int64(first);
  c.first_response_at = r.opt_int64(first + 1);
  c.first_response_breached_at = r.opt_int64(first + 2);
  c.resolution_due = r.opt_int64(first + 3);
  c.resolved_at = r.opt_int64(first + 4);
  c.resolution_breached_at = r.opt_int64(first + 5);
  c.paused_at = r.opt_int64(first + 6);
  c.paused_ms = r.int64(first + 7);
  return c;
}

// What ticket_from_row does with the explanation column: parse it into the ticket (what a
// change that writes the ticket back needs), or leave it out (lists, which never show it,
// and views, which pass its text through: parsing the JSON and building it again cost a
// ticket read more than everything else together).
enum class ExplanationColumn { parse, skip };

template <class Row>
domain::Ticket ticket_from_row(const Row& r,
                               ExplanationColumn explanation = ExplanationColumn::parse) {
  domain::Ticket t;
  t.id = r.int64(0);
  t.title = r.text(1);
  t.description = r.text(2);
  t.user_name = r.text(3);
  t.user_email = r.text(4);
  t.language = r.opt_text(11);
  t.department = r.opt_text(5);
  t.confidence_score = r.opt_int32(6);
  if (auto by = r.opt_text(7)) t.categorized_by = domain::parse_categorized_by(*by);
  const auto status_text = r.text(8);
  const auto status = domain::parse_status(status_text);
  if (!status)
    throw CorruptRow("tickets: row " + std::to_string(t.id) + " has unknown status '" +
                     status_text + "'");
  t.status = *status;
  t.created_at = r.int64(9);
  t.updated_at = r.int64(10);
  const auto priority_text = r.text(12);
  const auto priority = domain::parse_priority(priority_text);
  if (!priority)
    throw CorruptRow("tickets: row " + std::to_string(t.id) + " has unknown priority '" +
                     priority_text + "'");
  t.priority = *priority;
  if (explanation == ExplanationColumn::parse)
    t.explanation = explanation_from_column(r.opt_text(13));
  if (auto assignee = r.opt_text(14))
    t.assignee = domain::Assignee{*assignee, r.opt_text(15).value_or("")};
  t.needs_review = r.flag(16);
  t.sla = sla_from_row(r, 17);
  return t;
}

// A ticket as shown (ports::TicketView): the explanation column's text as stored. The text is
// checked to be JSON (without building it) so that a damaged value can never break the
// answer it is spliced into: it reads as no explanation, as explanation_from_column does.
template <class Row>
ports::TicketView ticket_view_from_row(const Row& r) {
  ports::TicketView v{ticket_from_row(r, ExplanationColumn::skip), r.opt_text(13)};
  if (v.explanation_json && !nlohmann::json::accept(*v.explanation_json))
    v.explanation_json.reset();
  return v;
}

// The author columns of a comment (author_type, author_id, author_name, author_role).
inline std::optional<std::string> author_role_column(const domain::Actor& a) {
  if (!a.role) return std::nullopt;
  return std::string(domain::to_string(*a.role));
}

template <class Row>
domain::Comment comment_from_row(const Row& r) {
  domain::Comment c;
  c.id = r.int64(0);
  c.ticket_id = r.int64(1);
  c.body = r.text(2);
  c.is_public = r.flag(3);
  const auto type = domain::parse_actor_type(r.text(4));
  if (!type)
    throw CorruptRow("ticket_comments: row " + std::to_string(c.id) + " has an unknown author");
  c.author.type = *type;
  c.author.id = r.opt_text(5).value_or("");
  c.author.name = r.text(6);
  if (auto role = r.opt_text(7)) c.author.role = domain::parse_role(*role);
  c.created_at = r.int64(8);
  return c;
}

// id, name, description, is_active, created_at, review_below_confidence
template <class Row>
domain::Department department_from_row(const Row& r) {
  return domain::Department{r.int64(0), r.text(1),  r.text(2),
                            r.flag(3),  r.int64(4), r.opt_int32(5)};
}

// id, ticket_id, department, confidence_score, categorized_by, manual, routed_at,
// model_version
template <class Row>
ports::RoutingRecord routing_from_row(const Row& row) {
  const auto id = row.int64(0);
  const auto by = domain::parse_categorized_by(row.text(4));
  if (!by) throw CorruptRow("ticket_routing: unknown categorized_by in row " + std::to_string(id));
  return {.id = id,
          .ticket_id = row.int64(1),
          .department = row.text(2),
          .confidence_score = row.int32(3),
          .categorized_by = *by,
          .manual = row.flag(5),
          .routed_at = row.int64(6),
          .model_version = row.opt_text(7).value_or("")};
}

template <class Row>
ports::ApiKeyRecord key_from_row(const Row& row) {
  ports::ApiKeyRecord k;
  k.id = row.text(0);
  k.name = row.text(1);
  const auto role = domain::parse_role(row.text(2));
  // A role this build does not know must not quietly become the least privileged one: the
  // row was written by something else, so refuse to guess.
  if (!role) throw CorruptRow("api_keys: unknown role in key " + k.id);
  k.role = *role;
  k.email = row.text(3);
  k.secret_hash = row.text(4);
  k.created_at = row.int64(5);
  k.revoked_at = row.opt_int64(6);
  k.departments = departments_from_column(row.text(7));
  const auto availability = domain::parse_availability(row.text(8));
  if (!availability) throw CorruptRow("api_keys: unknown availability in key " + k.id);
  k.availability = *availability;
  return k;
}

template <class Row>
ProjectedTicket projection_from_row(const Row& r) {
  return {.ticket_id = r.int64(0),
          .department = r.opt_text(1),
          .status = r.opt_text(2),
          .confidence_score = r.opt_int32(3),
          .categorized_by = r.opt_text(4),
          .created_at = r.int64(5),
          .routed_at = r.opt_int64(6),
          .resolved_at = r.opt_int64(7),
          .status_version = r.opt_int64(8),
          .status_event_at = r.opt_int64(9),
          .department_version = r.opt_int64(10),
          .priority = r.text(11)};
}

// event_type, department, status, confidence_score, metadata (JSON text), created_at, actor
// (JSON text), id. nullopt for an event type this version does not know: not part of the trail.
template <class Row>
std::optional<ports::AuditEntry> audit_entry_from_row(const Row& row) {
  ports::AuditEntry a;
  const auto type = domain::parse_event_type(row.text(0));
  if (!type) return std::nullopt;
  a.event_type = *type;
  a.department = row.opt_text(1);
  if (auto s = row.opt_text(2)) a.status = domain::parse_status(*s);
  a.confidence_score = row.opt_int32(3);
  a.metadata = nlohmann::json::parse(row.text(4), nullptr, /*allow_exceptions=*/false);
  if (a.metadata.is_discarded()) a.metadata = nlohmann::json::object();
  a.created_at = row.int64(5);
  if (auto actor = row.opt_text(6))
    a.actor = domain::actor_from_json(nlohmann::json::parse(*actor, nullptr, false));
  a.id = row.int64(7);
  return a;
}

// The claim on a key already held, from its row (fingerprint, completed_at IS NULL, status,
// content_type, location, body): a different request under the key is the client's mistake
// whatever the first request's state, so it is reported before in_flight (which invites a
// retry); a finished one is replayed.
template <class Row>
ports::IdempotencyClaim existing_claim(const Row& r, const std::string& fingerprint) {
  using Outcome = ports::IdempotencyClaim::Outcome;
  if (r.text(0) != fingerprint) return {Outcome::mismatch, {}};
  if (r.flag(1)) return {Outcome::in_flight, {}};
  return {Outcome::replay, ports::StoredAnswer{r.int32(2), r.text(3), r.text(4), r.bytes(5)}};
}

}  // namespace st::adapters::sql
