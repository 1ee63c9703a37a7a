#include "adapters/remote/department_setter_client.hpp"

#include <nlohmann/json.hpp>

#include "domain/codec.hpp"
#include "ports/unavailable.hpp"

namespace st::adapters::remote {

using nlohmann::json;
namespace bhttp = http::bhttp;

std::vector<std::optional<domain::Ticket>> DepartmentSetterClient::set_departments(
    const std::vector<Decision>& batch) {
  json items = json::array();
  for (const auto& a : batch) {
    json item{{"ticket_id", a.id},
              {"department", a.department},
              {"confidence_score", a.confidence},
              {"categorized_by", domain::to_string(a.by)},
              {"trace_id", a.trace_id},
              {"actor", domain::to_json(a.actor)}};
    if (a.priority) item["priority"] = domain::to_string(*a.priority);
    if (a.explanation) item["explanation"] = domain::to_json(*a.explanation);
    if (a.needs_review) item["needs_review"] = true;
    if (a.review) item["review"] = true;
    items.push_back(std::move(item));
  }
  http::Request req{bhttp::verb::post, "/internal/tickets/departments", 11};
  req.set(bhttp::field::content_type, "application/json");
  req.body() = json{{"decisions", std::move(items)}}.dump();
  const auto res = tickets_.send_blocking(std::move(req), http::Idempotency::idempotent);
  auto body = json::parse(res.body(), nullptr, false);
  // Anything but a well-formed answer is the tickets service misbehaving or restarting:
  // the caller retries later rather than acting on a half-understood reply.
  if (res.result() != bhttp::status::ok || body.is_discarded() || !body.contains("tickets") ||
      !body["tickets"].is_array() || body["tickets"].size() != batch.size())
    throw ports::Unavailable("tickets service answered " + std::to_string(res.result_int()) +
                             " to a department batch");
  std::vector<std::optional<domain::Ticket>> out;
  for (const auto& t : body["tickets"]) {
    if (t.is_null()) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(domain::ticket_from_json(t));
    }
  }
  return out;
}

}  // namespace st::adapters::remote
