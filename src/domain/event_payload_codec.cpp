// The wire "data" object of each event type. The keys and value types are the ones producers
// have written since the first release, so messages written by older versions still read, and
// older consumers still read what this version writes. Keys a payload does not know are
// ignored; a required field that is missing, or any field of the wrong type, is a CodecError.
// A change to these shapes that older readers cannot take needs a new schema version
// (kEventSchemaVersion in codec.hpp).
#include "domain/codec.hpp"
#include "domain/json_fields.hpp"

namespace st::domain {
namespace {

using nlohmann::json;
namespace f = json_fields;

// department, confidence_score and categorized_by: the assignment that categorized, routed and
// department_updated all name, required in each.
template <class P>
json assignment_to_json(const P& p) {
  return json{{"department", p.department},
              {"confidence_score", p.confidence_score},
              {"categorized_by", to_string(p.categorized_by)}};
}

template <class P>
P assignment_from_json(const json& j) {
  P p;
  p.department = f::get(j, "department", f::string);
  p.confidence_score = f::get(j, "confidence_score", f::integer);
  p.categorized_by = f::get(j, "categorized_by", f::categorized_by);
  return p;
}

std::string optional_string(const json& j, const char* name) {
  return f::get_optional(j, name, f::string).value_or("");
}

json to_json(const payload::Created&) {
  return json::object();
}

json to_json(const payload::Categorized& p) {
  json j = assignment_to_json(p);
  j["reason"] = p.reason;
  if (!p.model_version.empty()) j["model_version"] = p.model_version;
  j["priority"] = to_string(p.priority);
  if (p.explanation) j["explanation"] = to_json(*p.explanation);
  if (p.second_opinion)
    j["second_opinion"] = {{"department", p.second_opinion->department},
                           {"confidence", p.second_opinion->confidence}};
  return j;
}

json to_json(const payload::Routed& p) {
  json j = assignment_to_json(p);
  j["routing_id"] = p.routing_id;
  j["rerouted"] = p.rerouted;
  if (!p.reason.empty()) j["reason"] = p.reason;
  if (!p.model_version.empty()) j["model_version"] = p.model_version;
  j["priority"] = to_string(p.priority);
  return j;
}

json to_json(const payload::StatusUpdated& p) {
  json j{{"status", to_string(p.status)}};
  if (p.previous_status) j["previous_status"] = to_string(*p.previous_status);
  return j;
}

json to_json(const payload::DepartmentUpdated& p) {
  json j = assignment_to_json(p);
  if (p.previous_department) j["previous_department"] = *p.previous_department;
  return j;
}

json to_json(const payload::PriorityUpdated& p) {
  json j{{"priority", to_string(p.priority)}};
  if (p.previous_priority) j["previous_priority"] = to_string(*p.previous_priority);
  return j;
}

json to_json(const payload::Assigned& p) {
  json j{{"assignee_id", p.assignee_id ? json(*p.assignee_id) : json(nullptr)}};
  if (p.assignee_name) j["assignee_name"] = *p.assignee_name;
  if (p.previous_assignee_id) j["previous_assignee_id"] = *p.previous_assignee_id;
  if (!p.reason.empty()) j["reason"] = p.reason;
  return j;
}

payload::Assigned assigned_from_json(const json& j) {
  if (!j.is_object() || !j.contains("assignee_id") ||
      !(j["assignee_id"].is_null() || j["assignee_id"].is_string()))
    throw CodecError("assignee_id must be a string or null");
  payload::Assigned p;
  if (j["assignee_id"].is_string()) p.assignee_id = j["assignee_id"].get<std::string>();
  p.assignee_name = f::get_optional(j, "assignee_name", f::string);
  p.previous_assignee_id = f::get_optional(j, "previous_assignee_id", f::string);
  p.reason = optional_string(j, "reason");
  return p;
}

json to_json(const payload::Commented& p) {
  return json{{"comment_id", p.comment_id}, {"public", p.is_public}};
}

payload::Commented commented_from_json(const json& j) {
  return {f::get(j, "comment_id", f::int64), f::get(j, "public", f::boolean)};
}

json to_json(const payload::Reviewed& p) {
  json j{{"department", p.department}, {"confirmed", p.confirmed}, {"flagged", p.was_flagged}};
  if (p.previous_department) j["previous_department"] = *p.previous_department;
  if (p.decided_by) j["decided_by"] = to_string(*p.decided_by);
  if (p.confidence_score) j["confidence_score"] = *p.confidence_score;
  return j;
}

payload::Reviewed reviewed_from_json(const json& j) {
  payload::Reviewed p;
  p.department = f::get(j, "department", f::string);
  p.confirmed = f::get(j, "confirmed", f::boolean);
  p.previous_department = f::get_optional(j, "previous_department", f::string);
  p.decided_by = f::get_optional(j, "decided_by", f::categorized_by);
  p.confidence_score = f::get_optional(j, "confidence_score", f::integer);
  p.was_flagged = f::get_optional(j, "flagged", f::boolean).value_or(false);
  return p;
}

Millis time_of(const json& j, const char* name) {
  const auto t = parse_iso8601(f::get(j, name, f::string));
  if (!t) throw CodecError(std::string("field '") + name + "' is not an ISO-8601 UTC time");
  return *t;
}

SlaClock clock_of(const json& j) {
  const auto c = parse_sla_clock(f::get(j, "clock", f::string));
  if (!c) throw CodecError("field 'clock' must be first_response or resolution");
  return *c;
}

json to_json(const payload::SlaMet& p) {
  return json{{"clock", to_string(p.clock)},
              {"due_at", format_iso8601(p.due_at)},
              {"met_at", format_iso8601(p.met_at)},
              {"priority", to_string(p.priority)}};
}

payload::SlaMet sla_met_from_json(const json& j) {
  return {clock_of(j), time_of(j, "due_at"), time_of(j, "met_at"),
          f::get(j, "priority", f::priority)};
}

json to_json(const payload::SlaBreached& p) {
  return json{{"clock", to_string(p.clock)},
              {"due_at", format_iso8601(p.due_at)},
              {"priority", to_string(p.priority)},
              {"escalation", to_string(p.escalation)}};
}

payload::SlaBreached sla_breached_from_json(const json& j) {
  const auto escalation = parse_escalation(f::get(j, "escalation", f::string));
  if (!escalation) throw CodecError("field 'escalation' is not an escalation");
  return {clock_of(j), time_of(j, "due_at"), f::get(j, "priority", f::priority), *escalation};
}

// Categorized and Routed messages written before priorities existed lack it.
Priority optional_priority(const json& j) {
  return f::get_optional(j, "priority", f::priority).value_or(Priority::normal);
}

payload::Categorized categorized_from_json(const json& j) {
  auto p = assignment_from_json<payload::Categorized>(j);
  p.reason = optional_string(j, "reason");
  p.model_version = optional_string(j, "model_version");
  p.priority = optional_priority(j);
  if (const json* e = f::find(j, "explanation"); e && !e->is_null())
    p.explanation = explanation_from_json(*e);
  if (const json* s = f::find(j, "second_opinion"); s && !s->is_null())
    p.second_opinion =
        Candidate{f::get(*s, "department", f::string), f::get(*s, "confidence", f::integer)};
  return p;
}

payload::Routed routed_from_json(const json& j) {
  auto p = assignment_from_json<payload::Routed>(j);
  p.routing_id = f::get(j, "routing_id", f::int64);
  p.rerouted = f::get(j, "rerouted", f::boolean);
  p.reason = optional_string(j, "reason");
  p.model_version = optional_string(j, "model_version");
  p.priority = optional_priority(j);
  return p;
}

payload::StatusUpdated status_updated_from_json(const json& j) {
  return {f::get(j, "status", f::status), f::get_optional(j, "previous_status", f::status)};
}

payload::DepartmentUpdated department_updated_from_json(const json& j) {
  auto p = assignment_from_json<payload::DepartmentUpdated>(j);
  p.previous_department = f::get_optional(j, "previous_department", f::string);
  return p;
}

payload::PriorityUpdated priority_updated_from_json(const json& j) {
  return {f::get(j, "priority", f::priority), f::get_optional(j, "previous_priority", f::priority)};
}

EventPayload read_payload(EventType type, const json& j) {
  switch (type) {
    case EventType::created:
      return payload::Created{};
    case EventType::categorized:
      return categorized_from_json(j);
    case EventType::routed:
      return routed_from_json(j);
    case EventType::status_updated:
      return status_updated_from_json(j);
    case EventType::department_updated:
      return department_updated_from_json(j);
    case EventType::priority_updated:
      return priority_updated_from_json(j);
    case EventType::assigned:
      return assigned_from_json(j);
    case EventType::commented:
      return commented_from_json(j);
    case EventType::reviewed:
      return reviewed_from_json(j);
    case EventType::sla_met:
      return sla_met_from_json(j);
    case EventType::sla_breached:
      return sla_breached_from_json(j);
  }
  throw CodecError("unknown event type");
}

}  // namespace

json to_json(const EventPayload& p) {
  return std::visit([](const auto& alternative) { return to_json(alternative); }, p);
}

EventPayload payload_from_json(EventType type, const json& data) {
  try {
    return read_payload(type, data);
  } catch (const CodecError& e) {
    throw CodecError(std::string(routing_key(type)) + " data: " + e.what());
  }
}

}  // namespace st::domain
