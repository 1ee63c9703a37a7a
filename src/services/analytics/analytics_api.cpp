#include "services/analytics/analytics_api.hpp"

#include "domain/codec.hpp"
#include "domain/time.hpp"
#include "http/json_response.hpp"
#include "services/common/page_params.hpp"
#include "services/common/round2.hpp"

namespace st::services::analytics {

using http::ApiError;
using http::RequestContext;
using nlohmann::json;
namespace bhttp = http::bhttp;

namespace {

// An average over no rows is null.
json round2(std::optional<double> v) {
  if (!v) return nullptr;
  return services::round2(*v);
}

json counts(const std::vector<ports::NamedCount>& v) {
  json out = json::object();
  for (const auto& c : v) out[c.name] = c.count;
  return out;
}

json percentages(const std::vector<ports::NamedCount>& v) {
  std::int64_t total = 0;
  for (const auto& c : v) total += c.count;
  json out = json::object();
  for (const auto& c : v)
    out[c.name] = total ? round2(100.0 * double(c.count) / double(total)) : json(0.0);
  return out;
}

// [{from: 0, to: 9, count}, …, {from: 90, to: 100, count}]
json confidence_distribution(const ports::TicketAggregate& a) {
  json out = json::array();
  for (std::size_t band = 0; band < a.confidence_histogram.size(); ++band) {
    const auto from = static_cast<int>(band) * 10;
    out.push_back({{"from", from},
                   {"to", band + 1 == a.confidence_histogram.size() ? 100 : from + 9},
                   {"count", a.confidence_histogram[band]}});
  }
  return out;
}

// [{from_ms: 0, to_ms: 100, count}, …, {from_ms: 3600000, to_ms: null, count}]
json route_time_distribution(const ports::TicketAggregate& a) {
  json out = json::array();
  std::int64_t from = 0;
  for (std::size_t band = 0; band < a.route_time_histogram.size(); ++band) {
    const bool last = band == ports::kRouteTimeBoundsMs.size();
    const json to = last ? json(nullptr) : json(ports::kRouteTimeBoundsMs[band]);
    out.push_back({{"from_ms", from}, {"to_ms", to}, {"count", a.route_time_histogram[band]}});
    if (!last) from = ports::kRouteTimeBoundsMs[band];
  }
  return out;
}

std::int64_t routed_total(const ports::TicketAggregate& a) {
  std::int64_t n = 0;
  for (const auto& c : a.by_department) n += c.count;
  return n;
}

Period period_of(const RequestContext& ctx) {
  auto p = parse_period(ctx.query_param("period").value_or("all"));
  if (!p) throw ApiError::bad_request("period must be one of: day, week, month, all", "period");
  return *p;
}

// {low, normal, high, urgent}: every level, 0 when no ticket has it.
json priority_counts(const ports::TicketAggregate& a) {
  json by = json::object();
  for (auto p : domain::kAllPriorities) by[std::string(to_string(p))] = 0;
  for (const auto& c : a.by_priority) by[c.name] = c.count;
  return by;
}

// {met, breached, attainment}: attainment is the percentage met of the concluded clocks, null
// before any concluded.
json sla_tally(const ports::SlaTally& t) {
  const auto concluded = t.met + t.breached;
  return {{"met", t.met},
          {"breached", t.breached},
          {"attainment",
           concluded ? round2(100.0 * double(t.met) / double(concluded)) : json(nullptr)}};
}

json sla_attainment(const std::vector<ports::SlaAttainment>& rows) {
  json out = json::array();
  ports::SlaTally first_response, resolution;
  for (const auto& r : rows) {
    out.push_back({{"department", r.department ? json(*r.department) : json(nullptr)},
                   {"priority", to_string(r.priority)},
                   {"first_response", sla_tally(r.first_response)},
                   {"resolution", sla_tally(r.resolution)}});
    first_response.met += r.first_response.met;
    first_response.breached += r.first_response.breached;
    resolution.met += r.resolution.met;
    resolution.breached += r.resolution.breached;
  }
  return {{"rows", out},
          {"overall",
           {{"first_response", sla_tally(first_response)}, {"resolution", sla_tally(resolution)}}}};
}

json time_or_null(const std::optional<domain::Millis>& t) {
  return t ? json(domain::format_iso8601(*t)) : json(nullptr);
}

json to_json(const AnalyticsService::RebuildStatus& s) {
  json j{{"state", s.state},
         {"started_at", time_or_null(s.started_at)},
         {"finished_at", time_or_null(s.finished_at)}};
  if (s.result)
    j["result"] = {
        {"events", s.result->events}, {"tickets", s.result->tickets}, {"kept", s.result->kept}};
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}

// Calibration figures carry four decimals: an ECE of 0.0312, not 0.03.
json round4(std::optional<double> v) {
  if (!v) return nullptr;
  return std::round(*v * 10'000.0) / 10'000.0;
}

json quality_json(const QualityFigures& f) {
  json table = json::array();
  for (const auto& row : f.calibration.table())
    table.push_back({{"from", row.from},
                     {"to", row.to},
                     {"count", row.count},
                     {"mean_confidence", round4(row.mean_confidence)},
                     {"accuracy", round4(row.accuracy)}});
  return {{"decisions", f.decisions},           {"reviewed", f.reviewed},
          {"corrected", f.corrected},           {"accuracy", round4(f.accuracy())},
          {"ece", round4(f.calibration.ece())}, {"reliability", std::move(table)}};
}

std::optional<domain::Millis> time_param(const RequestContext& ctx, const char* name) {
  const auto text = ctx.query_param(name);
  if (!text) return std::nullopt;
  auto t = domain::parse_iso8601(*text);
  if (!t)
    throw ApiError::bad_request(
        std::string(name) + " must be an ISO-8601 UTC time such as 2026-12-01T00:00:00Z", name);
  return t;
}

ports::DecisionFilter decision_filter_of(const RequestContext& ctx) {
  ports::DecisionFilter f;
  f.since = time_param(ctx, "since");
  f.until = time_param(ctx, "until");
  if (f.since && f.until && *f.since >= *f.until)
    throw ApiError::bad_request("since must be before until", "since");
  if (auto d = ctx.query_param("department")) {
    if (d->empty()) throw ApiError::bad_request("department must not be empty", "department");
    f.department = std::string(*d);
  }
  return f;
}

}  // namespace

void register_routes(http::Router& router, AnalyticsService& service) {
  router.route(bhttp::verb::post, "/api/admin/analytics/rebuild", [&](RequestContext&) {
    try {
      auto res =
          http::json_response(bhttp::status::accepted,
                              {{"success", true}, {"rebuild", to_json(service.start_rebuild())}});
      res.set(bhttp::field::location, "/api/admin/analytics/rebuild");
      return res;
    } catch (const ports::RebuildRunning& e) {
      throw ApiError(bhttp::status::conflict, "rebuild_running", e.what());
    }
  });
  router.route(bhttp::verb::get, "/api/admin/analytics/rebuild", [&](RequestContext&) {
    return http::ok({{"success", true}, {"rebuild", to_json(service.rebuild_status())}});
  });

  router.route(bhttp::verb::get, "/api/dashboard/summary", [&](RequestContext&) {
    auto all = service.aggregate(Period::all, std::nullopt);
    auto recent = service.aggregate(Period::day, std::nullopt);
    json by_status = json::object();
    for (auto s : domain::kAllStatuses) by_status[std::string(to_string(s))] = 0;
    for (const auto& c : all.by_status) by_status[c.name] = c.count;
    return http::ok({{"success", true},
                     {"summary",
                      {{"total_tickets", all.total},
                       {"by_department", counts(all.by_department)},
                       {"by_status", by_status},
                       {"by_priority", priority_counts(all)},
                       {"average_confidence", round2(all.average_confidence)},
                       {"recent_tickets_24h", recent.total}}}});
  });

  router.route(bhttp::verb::get, "/api/dashboard/routing", [&](RequestContext&) {
    auto all = service.aggregate(Period::all, std::nullopt);
    return http::ok({{"success", true},
                     {"routing_stats",
                      {{"department_distribution", counts(all.by_department)},
                       {"department_percentages", percentages(all.by_department)},
                       {"average_confidence", round2(all.average_confidence)},
                       {"total_routed", routed_total(all)}}}});
  });

  router.route(bhttp::verb::get, "/api/dashboard/sla", [&](RequestContext&) {
    return http::ok({{"success", true}, {"sla", sla_attainment(service.sla_attainment())}});
  });

  router.route(bhttp::verb::get, "/api/analytics/tickets", [&](RequestContext& ctx) {
    const Period period = period_of(ctx);
    std::optional<std::string> department;
    if (auto d = ctx.query_param("department"); d && !d->empty()) department = std::string(*d);
    auto a = service.aggregate(period, department);
    json body{{"success", true},
              {"period", ctx.query_param("period").value_or("all")},
              {"total_tickets", a.total},
              {"by_department", counts(a.by_department)},
              {"by_priority", priority_counts(a)}};
    if (department) body["department"] = *department;
    return http::ok(body);
  });

  router.route(bhttp::verb::get, "/api/analytics/performance", [&](RequestContext&) {
    auto a = service.aggregate(Period::all, std::nullopt);
    json by = json::object();
    for (auto c : domain::kAllCategorizers) by[std::string(to_string(c))] = 0;
    for (const auto& c : a.by_categorizer) by[c.name] = c.count;
    return http::ok({{"success", true},
                     {"total_tickets", a.total},
                     {"resolved_tickets", a.resolved},
                     {"resolution_rate",
                      a.total ? round2(100.0 * double(a.resolved) / double(a.total)) : json(0.0)},
                     {"average_categorization_confidence", round2(a.average_confidence)},
                     {"categorized_by", by},
                     {"confidence_distribution", confidence_distribution(a)},
                     {"median_time_to_route_ms",
                      a.median_time_to_route_ms ? json(std::llround(*a.median_time_to_route_ms))
                                                : json(nullptr)},
                     {"time_to_route_distribution", route_time_distribution(a)}});
  });

  router.route(bhttp::verb::get, "/api/analytics/quality", [&](RequestContext& ctx) {
    const auto filter = decision_filter_of(ctx);
    json strategies = json::array();
    for (const auto& s : service.decision_quality(filter)) {
      json entry = quality_json(s.overall);
      entry["strategy"] = s.strategy;
      json departments = json::array();
      for (const auto& d : s.departments) {
        json row = quality_json(d.figures);
        row["department"] = d.department;
        departments.push_back(std::move(row));
      }
      entry["departments"] = std::move(departments);
      strategies.push_back(std::move(entry));
    }
    return http::ok({{"success", true},
                     {"since", time_or_null(filter.since)},
                     {"until", time_or_null(filter.until)},
                     {"department", filter.department ? json(*filter.department) : json(nullptr)},
                     {"bins", domain::kCalibrationBins},
                     {"strategies", std::move(strategies)}});
  });

  router.route(bhttp::verb::get, "/api/analytics/trends", [&](RequestContext& ctx) {
    const auto days = ctx.int_query("days", 1, 365).value_or(30);
    json daily = json::array();
    for (const auto& d : service.daily_creation(static_cast<int>(days)))
      daily.push_back({{"date", d.date}, {"count", d.count}});
    return http::ok({{"success", true}, {"days", days}, {"daily_ticket_creation", daily}});
  });

  router.route(bhttp::verb::get, "/api/analytics/department/{name}", [&](RequestContext& ctx) {
    const std::string& name = ctx.param("name");
    auto a = service.aggregate(Period::all, name);
    json by_status = json::object();
    for (auto s : domain::kAllStatuses) by_status[std::string(to_string(s))] = 0;
    for (const auto& c : a.by_status) by_status[c.name] = c.count;
    return http::ok({{"success", true},
                     {"department", name},
                     {"total_tickets", a.total},
                     {"average_confidence", round2(a.average_confidence)},
                     {"by_status", by_status}});
  });

  router.route(bhttp::verb::get, "/api/tickets/{id}/events", [&](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    const auto page = service.trail(id, history_page_from(ctx));
    json events = json::array();
    for (const auto& e : page.items)
      events.push_back(
          {{"event_type", domain::routing_key(e.event_type)},
           {"department", e.department ? json(*e.department) : json(nullptr)},
           {"status", e.status ? json(to_string(*e.status)) : json(nullptr)},
           {"confidence_score", e.confidence_score ? json(*e.confidence_score) : json(nullptr)},
           {"metadata", e.metadata},
           {"actor", domain::to_json(e.actor)},
           {"created_at", domain::format_iso8601(e.created_at)}});
    return http::ok({{"success", true},
                     {"ticket_id", id},
                     {"count", events.size()},
                     {"events", events},
                     {"next_cursor", next_cursor_json(page.next_after)}});
  });
}

}  // namespace st::services::analytics
