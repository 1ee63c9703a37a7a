#include "services/routing/routing_api.hpp"

#include <variant>

#include "domain/codec.hpp"
#include "domain/validation.hpp"
#include "http/json_response.hpp"
#include "services/common/actor_header.hpp"
#include "services/common/page_params.hpp"
#include "services/common/round2.hpp"

namespace st::services::routing {

using http::ApiError;
using http::RequestContext;
using nlohmann::json;
namespace bhttp = http::bhttp;

namespace {

std::string department_name_from(const json& body) {
  auto name = domain::required_text(body, "name", domain::kDepartmentNameLimits);
  if (auto* err = std::get_if<domain::ValidationError>(&name))
    throw ApiError::bad_request(err->message, err->field);
  return std::get<std::string>(name);
}

std::optional<std::string> optional_description(const json& body) {
  auto it = body.find("description");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw ApiError::bad_request("description must be a string", "description");
  std::string d = domain::trim(it->get_ref<const std::string&>());
  if (domain::utf8_length(d) > domain::kDepartmentDescriptionMax)
    throw ApiError::bad_request("description must be at most 1000 characters", "description");
  return d;
}

int confidence_from(const json& body, std::optional<int> fallback) {
  auto it = body.find("confidence_score");
  if (it == body.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw ApiError::bad_request("confidence_score is required", "confidence_score");
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 100)
    throw ApiError::bad_request("confidence_score must be an integer from 0 to 100",
                                "confidence_score");
  return it->get<int>();
}

std::string route_department_from(const json& body) {
  auto it = body.find("department");
  if (it == body.end() || it->is_null())
    throw ApiError::bad_request("department is required", "department");
  if (!it->is_string()) throw ApiError::bad_request("department must be a string", "department");
  std::string d = domain::trim(it->get_ref<const std::string&>());
  if (d.empty()) throw ApiError::bad_request("department must not be empty", "department");
  return d;
}

// {"review_below_confidence": N | null}: absent, nothing to change; null, the setting applies
// again. (Not an optional of an optional: GCC 12 misreads one as maybe uninitialized.)
struct ThresholdChange {
  bool given = false;
  std::optional<int> value;  // unset: inherit the setting
};

ThresholdChange review_threshold_from(const json& body) {
  const auto it = body.find("review_below_confidence");
  if (it == body.end()) return {};
  if (it->is_null()) return {true, std::nullopt};
  if (!it->is_number_integer() || it->get<std::int64_t>() < domain::kMinReviewThreshold ||
      it->get<std::int64_t>() > domain::kMaxReviewThreshold)
    throw ApiError::bad_request("review_below_confidence must be an integer from 0 to 101, or null",
                                "review_below_confidence");
  return {true, it->get<int>()};
}

// The cap on active departments, as the API states it.
template <class F>
auto within_department_limit(F change) {
  try {
    return change();
  } catch (const DepartmentLimitReached& e) {
    throw ApiError(bhttp::status::conflict, "department_limit", e.what());
  }
}

json routing_json(const ports::RoutingRecord& r) {
  json out{{"id", r.id},
           {"ticket_id", r.ticket_id},
           {"department", r.department},
           {"confidence_score", r.confidence_score},
           {"categorized_by", to_string(r.categorized_by)},
           {"rerouted", r.manual},
           {"routed_at", domain::format_iso8601(r.routed_at)}};
  if (!r.model_version.empty()) out["model_version"] = r.model_version;
  return out;
}

// Shared by POST /api/route and PUT /api/route/{id}.
http::Response route_response(RoutingService& service, RouteRequest req, bool reroute) {
  auto out = service.route(req);
  if (out.error == RouteError::unknown_ticket) throw ApiError::not_found("Ticket not found");
  if (out.error == RouteError::unknown_department)
    throw ApiError::bad_request("Unknown department: " + req.department, "department");
  if (out.error == RouteError::inactive_department)
    throw ApiError::bad_request("Department is not active: " + req.department, "department");
  json body{{"success", true},
            {"routing_id", out.record ? json(out.record->id) : json(nullptr)},
            {"ticket_id", req.ticket_id},
            {"department", out.record ? out.record->department : req.department},
            {"confidence_score", req.confidence}};
  if (reroute) body["rerouted"] = true;
  return http::json_response(reroute ? bhttp::status::ok : bhttp::status::created, body);
}

}  // namespace

void register_routes(http::Router& router, RoutingService& service, http::BlockingPool& waits,
                     IdempotentRequests* requests) {
  router.route(bhttp::verb::get, "/api/departments", [&service](RequestContext& ctx) {
    const bool all = ctx.query_param("include_inactive").value_or("false") == "true";
    json list = json::array();
    for (const auto& d : service.departments(all)) list.push_back(domain::to_json(d));
    return http::ok({{"success", true}, {"count", list.size()}, {"departments", std::move(list)}});
  });

  router.route(bhttp::verb::get, "/api/departments/{name}", [&service](RequestContext& ctx) {
    auto d = service.department(ctx.param("name"));
    if (!d) throw ApiError::not_found("Department not found");
    return http::ok({{"success", true}, {"department", domain::to_json(*d)}});
  });

  router.route(bhttp::verb::post, "/api/departments", [&service](RequestContext& ctx) {
    const json body = ctx.json_object_body();
    const std::string name = department_name_from(body);
    const auto description = optional_description(body).value_or("");
    auto d = within_department_limit([&] { return service.add_department(name, description); });
    if (!d) throw ApiError::conflict("A department named '" + name + "' already exists");
    return http::json_response(bhttp::status::created,
                               {{"success", true}, {"department", domain::to_json(*d)}});
  });

  router.route(bhttp::verb::put, "/api/departments/{name}", [&service](RequestContext& ctx) {
    const json body = ctx.json_object_body();
    std::optional<bool> active;
    if (auto it = body.find("is_active"); it != body.end() && !it->is_null()) {
      if (!it->is_boolean())
        throw ApiError::bad_request("is_active must be true or false", "is_active");
      active = it->get<bool>();
    }
    auto description = optional_description(body);
    const auto threshold = review_threshold_from(body);
    if (!active && !description && !threshold.given)
      throw ApiError::bad_request(
          "Nothing to change: send description, is_active and/or review_below_confidence");
    // The pipeline falls back to General when a department vanishes: it must stay active.
    if (active == false &&
        service.department(ctx.param("name")).value_or(domain::Department{}).name ==
            domain::kGeneralDepartment)
      throw ApiError::bad_request("General is the catch-all department and cannot be deactivated",
                                  "is_active");
    std::optional<domain::Department> d;
    if (active || description)
      d = within_department_limit(
          [&] { return service.update_department(ctx.param("name"), description, active); });
    else
      d = service.department(ctx.param("name"));
    if (!d) throw ApiError::not_found("Department not found");
    // Validated above with the rest, so a refused body changes nothing.
    if (threshold.given) d = service.set_review_threshold(d->name, threshold.value);
    if (!d) throw ApiError::not_found("Department not found");
    return http::ok({{"success", true}, {"department", domain::to_json(*d)}});
  });

  router.route_blocking(bhttp::verb::post, "/api/route", waits, [&service](RequestContext& ctx) {
    const json body = ctx.json_object_body();
    auto it = body.find("ticket_id");
    if (it == body.end() || it->is_null())
      throw ApiError::bad_request("ticket_id is required", "ticket_id");
    if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
      throw ApiError::bad_request("ticket_id must be a positive integer", "ticket_id");
    RouteRequest req;
    req.ticket_id = it->get<std::int64_t>();
    req.department = route_department_from(body);
    req.confidence = confidence_from(body, std::nullopt);
    req.categorized_by = domain::CategorizedBy::manual;
    req.trace_id = ctx.trace_id;
    req.actor = actor_of(ctx);
    return route_response(service, std::move(req), false);
  });

  http::SyncHandler reroute = [&service](RequestContext& ctx) {
    const json body = ctx.json_object_body();
    RouteRequest req;
    req.ticket_id = ctx.id_param("ticket_id", "Ticket");
    req.department = route_department_from(body);
    req.confidence = confidence_from(body, 100);
    req.categorized_by = domain::CategorizedBy::manual;
    req.manual = true;
    req.reason = body.contains("reason") && body["reason"].is_string()
                     ? body["reason"].get<std::string>()
                     : "";
    req.trace_id = ctx.trace_id;
    req.actor = actor_of(ctx);
    return route_response(service, std::move(req), true);
  };
  router.route_blocking(
      bhttp::verb::put, "/api/route/{ticket_id}", waits,
      requests ? once_per_gateway_request(*requests, std::move(reroute)) : std::move(reroute));

  // An agent's review of an unsure decision: {"department": "..."} confirms or corrects it.
  http::SyncHandler review = [&service](RequestContext& ctx) {
    const json body = ctx.json_object_body();
    const auto id = ctx.id_param("ticket_id", "Ticket");
    const auto department = route_department_from(body);
    auto out = service.review(id, department, actor_of(ctx), ctx.trace_id);
    if (out.error == RouteError::unknown_ticket) throw ApiError::not_found("Ticket not found");
    if (out.error == RouteError::unknown_department)
      throw ApiError::bad_request("Unknown department: " + department, "department");
    if (out.error == RouteError::inactive_department)
      throw ApiError::bad_request("Department is not active: " + department, "department");
    return http::ok({{"success", true},
                     {"ticket", domain::to_json(*out.ticket)},
                     {"routing_id", out.record ? json(out.record->id) : json(nullptr)}});
  };
  router.route_blocking(
      bhttp::verb::post, "/api/tickets/{ticket_id}/review", waits,
      requests ? once_per_gateway_request(*requests, std::move(review)) : std::move(review));

  router.route(bhttp::verb::get, "/api/routing/statistics", [&service](RequestContext&) {
    auto s = service.statistics();
    json dist = json::object(), pct = json::object(), avg = json::object();
    for (const auto& d : s.by_department) {
      dist[d.department] = d.count;
      pct[d.department] = s.total ? round2(100.0 * double(d.count) / double(s.total)) : 0.0;
      avg[d.department] = round2(d.average_confidence);
    }
    return http::ok({{"success", true},
                     {"total_routings", s.total},
                     {"department_distribution", dist},
                     {"department_percentages", pct},
                     {"average_confidence_by_department", avg},
                     {"overall_average_confidence", round2(s.overall_average_confidence)}});
  });

  router.route(bhttp::verb::get, "/api/routing/history/{ticket_id}",
               [&service](RequestContext& ctx) {
                 const auto id = ctx.id_param("ticket_id", "Ticket");
                 const auto page = service.history(id, history_page_from(ctx));
                 json history = json::array();
                 for (const auto& r : page.items) history.push_back(routing_json(r));
                 return http::ok({{"success", true},
                                  {"ticket_id", id},
                                  {"count", history.size()},
                                  {"history", history},
                                  {"next_cursor", next_cursor_json(page.next_after)}});
               });
}

}  // namespace st::services::routing
