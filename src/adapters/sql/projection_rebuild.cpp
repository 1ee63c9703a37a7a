#include "adapters/sql/projection_rebuild.hpp"

#include "domain/codec.hpp"

namespace st::adapters::sql {

using nlohmann::json;

json projection_snapshot(const domain::Ticket& t) {
  json j{{"status", domain::to_string(t.status)},
         {"priority", domain::to_string(t.priority)},
         {"created_at", t.created_at},
         {"updated_at", t.updated_at}};
  if (t.department) j["department"] = *t.department;
  if (t.confidence_score) j["confidence_score"] = *t.confidence_score;
  if (t.categorized_by) j["categorized_by"] = domain::to_string(*t.categorized_by);
  return j;
}

std::optional<domain::Event> replayable_event(const StoredEvent& row) {
  if (!row.snapshot) return std::nullopt;
  const auto type = domain::parse_event_type(row.event_type);
  const auto snapshot = json::parse(*row.snapshot, nullptr, false);
  const auto metadata = json::parse(row.metadata, nullptr, false);
  if (!type || !snapshot.is_object() || !metadata.is_object()) return std::nullopt;
  try {
    domain::Event e;
    e.event_id = row.event_id;
    e.occurred_at = row.occurred_at;
    e.payload = domain::payload_from_json(*type, metadata);
    auto& t = e.ticket;
    t.id = row.ticket_id;
    const auto status = domain::parse_status(snapshot.at("status").get<std::string>());
    const auto priority = domain::parse_priority(snapshot.at("priority").get<std::string>());
    if (!status || !priority) return std::nullopt;
    t.status = *status;
    t.priority = *priority;
    t.created_at = snapshot.at("created_at").get<domain::Millis>();
    t.updated_at = snapshot.at("updated_at").get<domain::Millis>();
    if (auto it = snapshot.find("department"); it != snapshot.end())
      t.department = it->get<std::string>();
    if (auto it = snapshot.find("confidence_score"); it != snapshot.end())
      t.confidence_score = it->get<int>();
    if (auto it = snapshot.find("categorized_by"); it != snapshot.end()) {
      t.categorized_by = domain::parse_categorized_by(it->get<std::string>());
      if (!t.categorized_by) return std::nullopt;
    }
    return e;
  } catch (const std::exception&) {  // a field of the wrong type, a payload we cannot read
    return std::nullopt;
  }
}

void ProjectionFold::add(const StoredEvent& row) {
  ++events_;
  ++counts_[row.ticket_id];
  auto& current = rows_[row.ticket_id];
  if (unreplayable_.contains(row.ticket_id)) return;
  const auto e = replayable_event(row);
  if (!e) {
    unreplayable_.insert(row.ticket_id);
    return;
  }
  current = apply_event(current, *e);
  const auto found = decisions_.find(row.ticket_id);
  std::optional<DecisionRow> decision;
  if (found != decisions_.end()) decision = found->second;
  if (auto after = apply_decision_event(decision, *e)) decisions_[row.ticket_id] = *after;
}

std::vector<ProjectedTicket> ProjectionFold::rows() const {
  std::vector<ProjectedTicket> out;
  for (const auto& [ticket, row] : rows_)
    if (row && !unreplayable_.contains(ticket)) out.push_back(*row);
  return out;
}

std::vector<DecisionRow> ProjectionFold::decision_rows() const {
  std::vector<DecisionRow> out;
  for (const auto& [ticket, row] : decisions_)
    if (!unreplayable_.contains(ticket)) out.push_back(row);
  return out;
}

std::vector<domain::TicketId> grown_tickets(
    const std::map<domain::TicketId, std::int64_t>& folded,
    const std::vector<std::pair<domain::TicketId, std::int64_t>>& now) {
  std::vector<domain::TicketId> out;
  for (const auto& [ticket, count] : now) {
    const auto it = folded.find(ticket);
    if (it == folded.end() || it->second != count) out.push_back(ticket);
  }
  return out;
}

}  // namespace st::adapters::sql
