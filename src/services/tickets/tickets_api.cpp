#include "services/tickets/tickets_api.hpp"

#include <algorithm>
#include <variant>

#include "domain/codec.hpp"
#include "domain/validation.hpp"
#include "http/json_response.hpp"
#include "services/common/actor_header.hpp"
#include "services/common/page_params.hpp"

namespace st::services::tickets {

using http::ApiError;
using http::RequestContext;
using http::Response;
using nlohmann::json;
namespace bhttp = http::bhttp;

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;
constexpr std::size_t kMaxSearchLength = 200;

domain::Status status_from(const json& body) {
  auto it = body.find("status");
  if (it == body.end() || it->is_null())
    throw ApiError::bad_request("status is required", "status");
  if (!it->is_string()) throw ApiError::bad_request("status must be a string", "status");
  auto s = domain::parse_status(it->get_ref<const std::string&>());
  if (!s)
    throw ApiError::bad_request("status must be one of: " + std::string(domain::kStatusChoices),
                                "status");
  return *s;
}

domain::Priority priority_from(const json& body) {
  auto it = body.find("priority");
  if (it == body.end() || it->is_null())
    throw ApiError::bad_request("priority is required", "priority");
  if (!it->is_string()) throw ApiError::bad_request("priority must be a string", "priority");
  auto p = domain::parse_priority(it->get_ref<const std::string&>());
  if (!p)
    throw ApiError::bad_request("priority must be one of: " + std::string(domain::kPriorityChoices),
                                "priority");
  return *p;
}

// Every value of a repeatable query parameter (ctx.query keeps only the last), each also
// split at commas: priority=high&priority=urgent and priority=high,urgent say the same.
std::vector<std::string> query_values(const RequestContext& ctx, std::string_view name) {
  std::vector<std::string> out;
  const std::string_view target = ctx.request.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = http::percent_decode(pair.substr(0, eq), true);
    if (!key || *key != name || eq == std::string_view::npos) continue;
    const auto value = http::percent_decode(pair.substr(eq + 1), true);
    if (!value) continue;  // parse_target has refused a bad escape already
    std::string_view v = *value;
    while (true) {
      const auto comma = v.find(',');
      out.emplace_back(v.substr(0, comma));
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

// An API key's id (auth/api_key.hpp): 16 lowercase hex digits.
bool is_key_id(std::string_view s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// {"assignee": "<key id>" | null}: who, or nobody.
std::optional<std::string> assignee_from(const json& body) {
  const auto it = body.find("assignee");
  if (it == body.end())
    throw ApiError::bad_request("assignee is required (an agent's key id, or null)", "assignee");
  if (it->is_null()) return std::nullopt;
  if (!it->is_string() || !is_key_id(it->get_ref<const std::string&>()))
    throw ApiError::bad_request("assignee must be an agent's key id or null", "assignee");
  return it->get<std::string>();
}

// The gateway's POST /internal/tickets/agents body.
ports::AgentRecord agent_from(const json& body) {
  ports::AgentRecord a;
  const auto id = body.find("id");
  const auto name = body.find("name");
  const auto departments = body.find("departments");
  const auto availability = body.find("availability");
  const auto active = body.find("active");
  if (id == body.end() || !id->is_string() || !is_key_id(id->get_ref<const std::string&>()) ||
      name == body.end() || !name->is_string() || departments == body.end() ||
      !departments->is_array() || availability == body.end() || !availability->is_string() ||
      !domain::parse_availability(availability->get_ref<const std::string&>()) ||
      active == body.end() || !active->is_boolean())
    throw ApiError::bad_request("id, name, departments, availability and active are required");
  a.id = id->get<std::string>();
  a.name = name->get<std::string>();
  for (const auto& d : *departments)
    if (d.is_string()) a.departments.push_back(d.get<std::string>());
  a.availability = *domain::parse_availability(availability->get_ref<const std::string&>());
  a.active = active->get<bool>();
  return a;
}

// sort=priority pages with a cursor that carries the last row's priority rank above its id.
constexpr int kRankShift = 56;
constexpr std::int64_t kIdMask = (std::int64_t{1} << kRankShift) - 1;

ports::TicketQuery query_from(const RequestContext& ctx) {
  ports::TicketQuery q;
  q.limit = static_cast<int>(ctx.int_query("limit", 1, kMaxLimit).value_or(kDefaultLimit));
  if (auto s = ctx.query_param("status")) {
    q.status = domain::parse_status(*s);
    if (!q.status)
      throw ApiError::bad_request("status must be one of: " + std::string(domain::kStatusChoices),
                                  "status");
  }
  if (auto d = ctx.query_param("department")) {
    if (d->empty()) throw ApiError::bad_request("department must not be empty", "department");
    q.department = std::string(*d);
  }
  if (auto language = ctx.query_param("language")) {
    if (language->size() != 2 || !std::all_of(language->begin(), language->end(),
                                              [](char c) { return c >= 'a' && c <= 'z'; }))
      throw ApiError::bad_request("language must be an ISO 639-1 code such as en or es",
                                  "language");
    q.language = std::string(*language);
  }
  if (auto email = ctx.query_param("user_email")) {
    if (!domain::is_valid_email(*email))
      throw ApiError::bad_request("user_email must be an e-mail address", "user_email");
    q.user_email = std::string(*email);
  }
  if (auto assignee = ctx.query_param("assignee")) {
    if (*assignee == "none")
      q.unassigned = true;
    else if (is_key_id(*assignee))
      q.assignee_id = std::string(*assignee);
    else
      throw ApiError::bad_request("assignee must be me, none or an agent's key id", "assignee");
  }
  if (auto flagged = ctx.query_param("needs_review")) {
    if (*flagged != "true" && *flagged != "false")
      throw ApiError::bad_request("needs_review must be true or false", "needs_review");
    q.needs_review = *flagged == "true";
  }
  if (auto text = ctx.query_param("q")) {
    std::string trimmed = domain::trim(*text);
    if (domain::utf8_length(trimmed) > kMaxSearchLength)
      throw ApiError::bad_request("q must be at most 200 characters", "q");
    if (!trimmed.empty()) q.text = std::move(trimmed);
  }
  for (const auto& text : query_values(ctx, "priority")) {
    const auto p = domain::parse_priority(text);
    if (!p)
      throw ApiError::bad_request(
          "priority must be one of: " + std::string(domain::kPriorityChoices), "priority");
    q.priorities.push_back(*p);
  }
  if (auto sort = ctx.query_param("sort")) {
    if (*sort != "priority" && *sort != "newest")
      throw ApiError::bad_request("sort must be newest or priority", "sort");
    q.by_priority = *sort == "priority";
  }
  q.before_id = cursor_param(ctx);
  if (q.by_priority && q.before_id) {
    const auto rank = *q.before_id >> kRankShift;
    q.before_id = *q.before_id & kIdMask;
    if (rank > domain::rank(domain::Priority::urgent) || *q.before_id <= 0)
      throw ApiError::bad_request("cursor is not valid; use next_cursor from a previous page",
                                  "cursor");
    q.before_priority = domain::kAllPriorities[static_cast<std::size_t>(rank)];
  }
  return q;
}

TicketPage list_within_budget(TicketsService& service, const ports::TicketQuery& q) {
  try {
    return service.list(q);
  } catch (const ports::SearchTimeout&) {
    throw ApiError(bhttp::status::service_unavailable, "search_timeout",
                   "The search took longer than allowed; narrow it: more specific words, or a "
                   "status or department filter");
  }
}

ApiError ticket_not_found() {
  return ApiError::not_found("Ticket not found");
}

// One routing decision as routing sends it: {department, confidence_score, categorized_by}.
ports::DepartmentSetter::Decision decision_from(const json& body, domain::TicketId id,
                                                std::string trace_id) {
  const auto by =
      body.is_object() && body.contains("categorized_by") && body["categorized_by"].is_string()
          ? domain::parse_categorized_by(body["categorized_by"].get<std::string>())
          : std::nullopt;
  if (!body.is_object() || !body.contains("department") || !body["department"].is_string() ||
      body["department"].get_ref<const std::string&>().empty() ||
      !body.contains("confidence_score") || !body["confidence_score"].is_number_integer() || !by)
    throw ApiError::bad_request("department, confidence_score and categorized_by are required");
  const auto confidence = body["confidence_score"].get<long long>();
  if (confidence < 0 || confidence > 100)
    throw ApiError::bad_request("confidence_score must be from 0 to 100", "confidence_score");
  return {id,
          body["department"].get<std::string>(),
          static_cast<int>(confidence),
          *by,
          std::move(trace_id),
          domain::Actor::system()};
}

constexpr std::size_t kMaxDecisionsPerCall = 1000;

// {"urgent": {first_response_seconds, resolution_seconds, escalation}, ...}: every priority.
json policies_json(const domain::SlaPolicies& policies) {
  json out = json::object();
  for (const auto priority : domain::kAllPriorities) {
    const auto& p = policies.of(priority);
    out[std::string(domain::to_string(priority))] = {
        {"first_response_seconds", p.first_response_seconds},
        {"resolution_seconds", p.resolution_seconds},
        {"escalation", domain::to_string(p.escalation)}};
  }
  return out;
}

// The gateway's create key (kCreateKeyHeader): a SHA-256 in hex, or empty when none was sent.
std::string create_key_of(const RequestContext& ctx) {
  const auto key = ctx.header(kCreateKeyHeader);
  if (!key.empty() &&
      (key.size() != 64 || key.find_first_not_of("0123456789abcdef") != std::string::npos))
    throw ApiError::bad_request("The create key must be 64 lowercase hex digits",
                                std::string(kCreateKeyHeader));
  return std::string(key);
}

// A W3C trace id: 32 lowercase hex digits (it ends up in events and logs).
bool is_trace_id(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

void register_routes(http::Router& router, TicketsService& service,
                     std::chrono::milliseconds search_budget, IdempotentRequests* requests) {
  router.route(bhttp::verb::get, "/api/statuses", [](RequestContext&) {
    json statuses = json::array();
    for (auto s : domain::kAllStatuses) statuses.push_back(to_string(s));
    return http::ok({{"success", true}, {"statuses", std::move(statuses)}});
  });

  router.route_async(
      bhttp::verb::post, "/api/tickets",
      [&service](RequestContext& ctx) -> http::asio::awaitable<Response> {
        auto checked = domain::validate_new_ticket(ctx.json_body());
        if (auto* err = std::get_if<domain::ValidationError>(&checked))
          throw ApiError::bad_request(err->message, err->field);
        auto ticket = co_await service.create_async(
            std::get<domain::NewTicket>(checked), ctx.trace_id, actor_of(ctx), create_key_of(ctx));
        co_return http::json_response(bhttp::status::created,
                                      {{"success", true},
                                       {"ticket_id", ticket.id},
                                       {"status", to_string(ticket.status)},
                                       {"ticket", domain::to_json(ticket, service.now())}});
      });

  router.route(bhttp::verb::get, "/api/tickets", [&service, search_budget](RequestContext& ctx) {
    auto query = query_from(ctx);
    query.search_budget = search_budget;
    auto page = list_within_budget(service, query);
    json tickets = json::array();
    const auto now = service.now();
    for (const auto& t : page.tickets) tickets.push_back(domain::to_json(t, now));
    auto next = page.next_before_id;
    if (next && query.by_priority)
      *next |= std::int64_t{domain::rank(page.tickets.back().priority)} << kRankShift;
    return http::ok({{"success", true},
                     {"count", page.tickets.size()},
                     {"tickets", std::move(tickets)},
                     {"next_cursor", next_cursor_json(next)}});
  });

  router.route(bhttp::verb::get, "/api/tickets/{id}", [&service](RequestContext& ctx) {
    const auto v = service.view(ctx.id_param("id", "Ticket"));
    if (!v) throw ticket_not_found();
    // The gateway takes the explanation out for a requester (Gateway::read_ticket). The
    // stored explanation text goes into the answer as it is (ports::TicketView): the ticket's
    // object is closed after it instead of before.
    auto ticket = domain::to_json(v->ticket, service.now())
                      .dump(-1, ' ', false, json::error_handler_t::replace);
    ticket.pop_back();  // its '}'
    std::string body = R"({"success":true,"ticket":)";
    body.reserve(body.size() + ticket.size() + 32 + v->explanation_json.value_or("").size());
    body += ticket;
    body += R"(,"explanation":)";  // after "id" at least: the object is never empty
    body += v->explanation_json.value_or("null");
    body += "}}";
    return http::raw_json_response(bhttp::status::ok, std::move(body));
  });

  http::SyncHandler update_status = [&service](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    const auto status = status_from(ctx.json_object_body());
    auto t = service.update_status(id, status, ctx.trace_id, actor_of(ctx));
    if (!t) throw ticket_not_found();
    return http::ok({{"success", true},
                     {"message", "Ticket status updated to " + std::string(to_string(status))},
                     {"ticket", domain::to_json(*t, service.now())}});
  };
  router.route(bhttp::verb::put, "/api/tickets/{id}/status",
               requests ? once_per_gateway_request(*requests, std::move(update_status))
                        : std::move(update_status));

  http::SyncHandler update_priority = [&service](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    const auto priority = priority_from(ctx.json_object_body());
    auto t = service.update_priority(id, priority, ctx.trace_id, actor_of(ctx));
    if (!t) throw ticket_not_found();
    return http::ok({{"success", true},
                     {"message", "Ticket priority updated to " + std::string(to_string(priority))},
                     {"ticket", domain::to_json(*t, service.now())}});
  };
  router.route(bhttp::verb::put, "/api/tickets/{id}/priority",
               requests ? once_per_gateway_request(*requests, std::move(update_priority))
                        : std::move(update_priority));

  http::SyncHandler update_assignee = [&service](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    const auto assignee = assignee_from(ctx.json_object_body());
    std::optional<domain::Ticket> t;
    try {
      t = service.assign(id, assignee, ctx.trace_id, actor_of(ctx));
    } catch (const TicketsService::UnknownAgent&) {
      throw ApiError::bad_request("assignee is not an agent's key", "assignee");
    }
    if (!t) throw ticket_not_found();
    return http::ok({{"success", true},
                     {"message", t->assignee ? "Ticket assigned to " + t->assignee->name
                                             : std::string("Ticket unassigned")},
                     {"ticket", domain::to_json(*t, service.now())}});
  };
  router.route(bhttp::verb::put, "/api/tickets/{id}/assignee",
               requests ? once_per_gateway_request(*requests, std::move(update_assignee))
                        : std::move(update_assignee));

  // The conversation. Who may write or read which kind (a requester: public replies on their
  // own tickets) is the gateway's to check; it asks public_only=true for a requester.
  router.route(bhttp::verb::post, "/api/tickets/{id}/comments", [&service](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    auto checked = domain::validate_new_comment(ctx.json_body());
    if (auto* err = std::get_if<domain::ValidationError>(&checked))
      throw ApiError::bad_request(err->message, err->field);
    auto comment =
        service.add_comment(id, std::get<domain::NewComment>(checked), ctx.trace_id, actor_of(ctx));
    if (!comment) throw ticket_not_found();
    return http::json_response(bhttp::status::created,
                               {{"success", true}, {"comment", domain::to_json(*comment)}});
  });
  router.route(bhttp::verb::get, "/api/tickets/{id}/comments", [&service](RequestContext& ctx) {
    const auto id = ctx.id_param("id", "Ticket");
    const auto public_only = ctx.query_param("public_only");
    if (public_only && *public_only != "true" && *public_only != "false")
      throw ApiError::bad_request("public_only must be true or false", "public_only");
    const auto paging = history_page_from(ctx);
    if (!service.get(id)) throw ticket_not_found();
    const auto page = service.comments(id, public_only && *public_only == "true", paging);
    json comments = json::array();
    for (const auto& c : page.items) comments.push_back(domain::to_json(c));
    return http::ok({{"success", true},
                     {"ticket_id", id},
                     {"count", comments.size()},
                     {"comments", std::move(comments)},
                     {"next_cursor", next_cursor_json(page.next_after)}});
  });

  // SLA policies (docs/api.md, "SLA clocks"): every priority's, defaults included.
  router.route(bhttp::verb::get, "/api/sla/policies", [&service](RequestContext&) {
    return http::ok({{"success", true}, {"policies", policies_json(service.sla_policies())}});
  });
  // Validated against the stored policies, never a cached copy (a field left out keeps its
  // stored value). This instance uses the new policies at once; other instances (distributed
  // mode) create and route with them within TicketsService::kSlaPoliciesTtl.
  router.route(bhttp::verb::put, "/api/sla/policies", [&service](RequestContext& ctx) {
    auto checked = domain::validate_sla_policies(ctx.json_body(), service.sla_policies());
    if (auto* err = std::get_if<domain::ValidationError>(&checked))
      throw ApiError::bad_request(err->message, err->field);
    const auto all = service.put_sla_policies(std::get<domain::SlaPolicyChanges>(checked));
    return http::ok({{"success", true}, {"policies", policies_json(all)}});
  });

  // Internal: the gateway publishes an agent (its key's departments, availability, whether
  // it is revoked); one who is away or revoked hands their open tickets on. Safe to repeat.
  router.route(bhttp::verb::post, "/internal/tickets/agents", [&service](RequestContext& ctx) {
    const auto agent = agent_from(ctx.json_object_body());
    const auto handed = service.put_agent(agent, ctx.trace_id, actor_of(ctx));
    return http::ok({{"success", true}, {"handed_on", handed}});
  });
  // Internal: a department's assignment mode (the gateway's PUT /api/departments/{name}).
  router.route(
      bhttp::verb::post, "/internal/tickets/assignment-modes", [&service](RequestContext& ctx) {
        const auto body = ctx.json_object_body();
        const auto d = body.find("department");
        const auto m = body.find("assignment");
        const auto mode = m != body.end() && m->is_string()
                              ? domain::parse_assignment_mode(m->get_ref<const std::string&>())
                              : std::nullopt;
        if (d == body.end() || !d->is_string() || d->get_ref<const std::string&>().empty() || !mode)
          throw ApiError::bad_request("department and assignment are required");
        service.set_assignment_mode(d->get<std::string>(), *mode);
        return http::ok({{"success", true}});
      });
  // Internal: every department's mode that was set ({"modes": {name: mode}}; the others are
  // manual), for the gateway's GET /api/departments.
  router.route(bhttp::verb::get, "/internal/tickets/assignment-modes", [&service](RequestContext&) {
    json modes = json::object();
    for (const auto& [department, mode] : service.assignment_modes())
      modes[department] = domain::to_string(mode);
    return http::ok({{"success", true}, {"modes", std::move(modes)}});
  });

  // Internal, batched: {"decisions": [{ticket_id, department, confidence_score,
  // categorized_by, trace_id?}, ...]} in one transaction; answers {"tickets": [ticket or
  // null (no such ticket), ...]} in the same order. Routing consumes events in batches.
  router.route(bhttp::verb::post, "/internal/tickets/departments", [&service](RequestContext& ctx) {
    const auto body = ctx.json_object_body();
    const auto it = body.find("decisions");
    if (it == body.end() || !it->is_array() || it->size() > kMaxDecisionsPerCall)
      throw ApiError::bad_request("decisions must be an array of at most 1000 items", "decisions");
    std::vector<ports::DepartmentSetter::Decision> batch;
    for (const auto& item : *it) {
      if (!item.is_object() || !item.contains("ticket_id") ||
          !item["ticket_id"].is_number_integer() || item["ticket_id"].get<long long>() <= 0)
        throw ApiError::bad_request("every decision needs a positive ticket_id", "ticket_id");
      std::string trace = ctx.trace_id;
      if (item.contains("trace_id") && item["trace_id"].is_string() &&
          is_trace_id(item["trace_id"].get_ref<const std::string&>()))
        trace = item["trace_id"].get<std::string>();
      auto a = decision_from(item, item["ticket_id"].get<domain::TicketId>(), std::move(trace));
      if (auto actor = item.find("actor"); actor != item.end())
        a.actor = domain::actor_from_json(*actor);
      // Optional: a routing instance older than priorities sends none (the ticket keeps its).
      if (auto p = item.find("priority"); p != item.end() && p->is_string())
        a.priority = domain::parse_priority(p->get_ref<const std::string&>());
      // Optional, as priority: older routing instances send none.
      if (auto e = item.find("explanation"); e != item.end() && !e->is_null()) {
        try {
          a.explanation = domain::explanation_from_json(*e);
        } catch (const domain::CodecError& err) {
          throw ApiError::bad_request(std::string("explanation: ") + err.what(), "explanation");
        }
      }
      // Optional, as priority: older routing instances flag nothing and review nothing.
      auto flag = [&item](const char* name) {
        const auto f = item.find(name);
        return f != item.end() && f->is_boolean() && f->get<bool>();
      };
      a.needs_review = flag("needs_review");
      a.review = flag("review");
      batch.push_back(std::move(a));
    }
    json tickets = json::array();
    for (const auto& t : service.set_departments(batch))
      tickets.push_back(t ? domain::to_json(*t) : json(nullptr));
    return http::ok({{"success", true}, {"tickets", std::move(tickets)}});
  });
}

}  // namespace st::services::tickets
