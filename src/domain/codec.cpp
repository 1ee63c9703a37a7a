#include "domain/codec.hpp"

#include "domain/json_fields.hpp"

namespace st::domain {
namespace {

using nlohmann::json;

template <class T>
json nullable(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

const json& field(const json& j, const char* name) {
  return json_fields::required(j, name);
}

std::string string_field(const json& j, const char* name) {
  return json_fields::get(j, name, json_fields::string);
}

Millis time_field(const json& j, const char* name) {
  auto t = parse_iso8601(string_field(j, name));
  if (!t) throw CodecError(std::string("field '") + name + "' is not an ISO-8601 UTC time");
  return *t;
}

json nullable_time(const std::optional<Millis>& t) {
  return t ? json(format_iso8601(*t)) : json(nullptr);
}

// The ticket's "sla" object (docs/api.md, "SLA clocks"); its state as of `now`.
json sla_json(const Ticket& t, Millis now) {
  const auto& c = t.sla;
  return json{{"policy", to_string(t.priority)},
              {"first_response_due", nullable_time(c.first_response_due)},
              {"first_response_at", nullable_time(c.first_response_at)},
              {"resolution_due", nullable_time(c.resolution_due)},
              {"resolved_at", nullable_time(c.resolved_at)},
              {"paused", c.paused_at.has_value()},
              {"state", to_string(sla_state(c, t.created_at, now))}};
}

}  // namespace

json to_json(const Ticket& t) {
  json categorized_by = nullptr;
  if (t.categorized_by) categorized_by = std::string(to_string(*t.categorized_by));
  return json{{"id", t.id},
              {"title", t.title},
              {"description", t.description},
              {"user_name", t.user_name},
              {"user_email", t.user_email},
              {"language", nullable(t.language)},
              {"department", nullable(t.department)},
              {"confidence_score", nullable(t.confidence_score)},
              {"status", to_string(t.status)},
              {"categorized_by", std::move(categorized_by)},
              {"created_at", format_iso8601(t.created_at)},
              {"updated_at", format_iso8601(t.updated_at)},
              {"priority", to_string(t.priority)},
              {"needs_review", t.needs_review},
              {"assignee", t.assignee ? json{{"id", t.assignee->id}, {"name", t.assignee->name}}
                                      : json(nullptr)}};
}

json to_json(const Ticket& t, Millis now) {
  json j = to_json(t);
  j["sla"] = sla_json(t, now);
  return j;
}

Ticket ticket_from_json(const json& j) {
  if (!j.is_object()) throw CodecError("ticket must be an object");
  Ticket t;
  const json& id = field(j, "id");
  if (!id.is_number_integer()) throw CodecError("ticket id must be an integer");
  t.id = id.get<TicketId>();
  t.title = string_field(j, "title");
  t.description = string_field(j, "description");
  t.user_name = string_field(j, "user_name");
  t.user_email = string_field(j, "user_email");
  // Lenient: tickets written before languages were detected lack it.
  if (auto it = j.find("language"); it != j.end() && it->is_string())
    t.language = it->get<std::string>();
  if (auto it = j.find("department"); it != j.end() && it->is_string())
    t.department = it->get<std::string>();
  if (auto it = j.find("confidence_score"); it != j.end() && it->is_number_integer())
    t.confidence_score = it->get<int>();
  if (auto it = j.find("categorized_by"); it != j.end() && it->is_string())
    t.categorized_by = parse_categorized_by(it->get_ref<const std::string&>());
  auto status = parse_status(string_field(j, "status"));
  if (!status) throw CodecError("unknown ticket status");
  t.status = *status;
  t.created_at = time_field(j, "created_at");
  t.updated_at = time_field(j, "updated_at");
  // Lenient, like categorized_by: snapshots written before priorities existed lack it.
  if (auto it = j.find("priority"); it != j.end() && it->is_string())
    t.priority = parse_priority(it->get_ref<const std::string&>()).value_or(Priority::normal);
  // Lenient as well: snapshots written before the review queue lack it.
  if (auto it = j.find("needs_review"); it != j.end() && it->is_boolean())
    t.needs_review = it->get<bool>();
  // Lenient too: snapshots written before assignment existed lack it.
  if (auto it = j.find("assignee");
      it != j.end() && it->is_object() && it->contains("id") && (*it)["id"].is_string())
    t.assignee = Assignee{(*it)["id"].get<std::string>(), it->value("name", std::string())};
  return t;
}

json to_json(const Department& d) {
  return json{{"id", d.id},
              {"name", d.name},
              {"description", d.description},
              {"is_active", d.is_active},
              {"created_at", format_iso8601(d.created_at)},
              {"review_below_confidence", nullable(d.review_below_confidence)}};
}

json to_json(const Explanation& e) {
  json candidates = json::array();
  for (const auto& c : e.candidates)
    candidates.push_back({{"department", c.department}, {"confidence", c.confidence}});
  json j{{"decided_by", to_string(e.decided_by)},
         {"version", e.version},
         {"candidates", std::move(candidates)},
         {"evidence", e.evidence}};
  if (e.actor) j["actor"] = to_json(*e.actor);
  return j;
}

Explanation explanation_from_json(const json& j) {
  if (!j.is_object()) throw CodecError("explanation must be an object");
  namespace f = json_fields;
  Explanation e;
  e.decided_by = f::get(j, "decided_by", f::categorized_by);
  e.version = f::get_optional(j, "version", f::string).value_or("");
  const json& candidates = field(j, "candidates");
  if (!candidates.is_array()) throw CodecError("field 'candidates' must be an array");
  for (const auto& c : candidates) {
    if (!c.is_object()) throw CodecError("a candidate must be an object");
    e.candidates.push_back(
        {f::get(c, "department", f::string), f::get(c, "confidence", f::integer)});
  }
  if (const json* evidence = f::find(j, "evidence")) {
    if (!evidence->is_array()) throw CodecError("field 'evidence' must be an array");
    for (const auto& s : *evidence) e.evidence.push_back(f::string(s, "evidence"));
  }
  if (const json* actor = f::find(j, "actor"); actor && !actor->is_null())
    e.actor = actor_from_json(*actor);
  return e;
}

json to_json(const Actor& a) {
  const bool key = a.type == Actor::Type::key;
  return json{{"type", to_string(a.type)},
              {"id", key ? json(a.id) : json(nullptr)},
              {"name", key ? json(a.name) : json(nullptr)},
              {"role", key && a.role ? json(to_string(*a.role)) : json(nullptr)}};
}

json to_json(const Comment& c) {
  return json{{"id", c.id},
              {"ticket_id", c.ticket_id},
              {"body", c.body},
              {"public", c.is_public},
              {"author", to_json(c.author)},
              {"created_at", format_iso8601(c.created_at)}};
}

Actor actor_from_json(const json& j) {
  const auto t = j.is_object() ? j.find("type") : j.end();
  if (!j.is_object() || t == j.end() || !t->is_string()) return Actor::system();
  const auto type = parse_actor_type(t->get_ref<const std::string&>());
  if (!type) return Actor::system();
  Actor a;
  a.type = *type;
  if (a.type != Actor::Type::key) return a;
  if (auto it = j.find("id"); it != j.end() && it->is_string()) a.id = it->get<std::string>();
  if (auto it = j.find("name"); it != j.end() && it->is_string()) a.name = it->get<std::string>();
  if (auto it = j.find("role"); it != j.end() && it->is_string())
    a.role = parse_role(it->get_ref<const std::string&>());
  return a;
}

json to_json(const Event& e) {
  return json{{"schema_version", kEventSchemaVersion},
              {"event_id", e.event_id},
              {"event_type", routing_key(e.type())},
              {"occurred_at", format_iso8601(e.occurred_at)},
              {"occurred_at_ms", e.occurred_at},
              {"trace_id", e.trace_id},
              {"actor", to_json(e.actor)},
              {"ticket", to_json(e.ticket)},
              {"data", to_json(e.payload)}};
}

Event event_from_json(const json& j) {
  if (!j.is_object()) throw CodecError("event must be an object");
  if (json_fields::get_optional(j, "schema_version", json_fields::int64).value_or(1) < 1)
    throw CodecError("schema_version must be 1 or more");
  Event e;
  e.event_id = string_field(j, "event_id");
  if (e.event_id.empty()) throw CodecError("event_id is empty");
  auto type = parse_event_type(string_field(j, "event_type"));
  if (!type) throw CodecError("unknown event_type");
  // occurred_at_ms keeps millisecond precision for time-to-route; occurred_at is the
  // contract's human-readable field and the fallback for producers that omit the former.
  if (auto it = j.find("occurred_at_ms"); it != j.end() && it->is_number_integer())
    e.occurred_at = it->get<Millis>();
  else
    e.occurred_at = time_field(j, "occurred_at");
  if (auto it = j.find("trace_id"); it != j.end() && it->is_string())
    e.trace_id = it->get<std::string>();
  if (auto it = j.find("actor"); it != j.end()) e.actor = actor_from_json(*it);
  e.ticket = ticket_from_json(field(j, "ticket"));
  // An absent or non-object "data" reads as {}: fine for ticket.created, and any other type
  // then fails on its first required field.
  static const json no_data = json::object();
  const json* data = json_fields::find(j, "data");
  e.payload = payload_from_json(*type, data ? *data : no_data);
  return e;
}

Event parse_event(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw CodecError("event body is not valid JSON");
  return event_from_json(j);
}

std::string serialize(const Event& e) {
  return to_json(e).dump();
}

}  // namespace st::domain
