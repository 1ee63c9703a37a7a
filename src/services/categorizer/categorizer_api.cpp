#include "services/categorizer/categorizer_api.hpp"

#include <variant>

#include "domain/codec.hpp"
#include "domain/validation.hpp"
#include "http/json_response.hpp"

namespace st::services::categorizer {

using http::ApiError;
using http::RequestContext;
namespace bhttp = http::bhttp;

namespace {

nlohmann::json decision_json(const ports::Categorization& c) {
  return {{"success", true},
          {"department", c.department},
          {"confidence_score", c.confidence},
          {"categorized_by", to_string(c.categorized_by)},
          {"priority", to_string(c.priority.value_or(domain::Priority::normal))},
          {"reason", c.reason}};
}

nlohmann::json explanation_json(const ports::Categorization& c) {
  return c.explanation ? domain::to_json(*c.explanation) : nlohmann::json(nullptr);
}

// The chain's decision as POST /api/categorize answers it, plus its explanation, the second
// opinion, and what every strategy would decide.
nlohmann::json dry_run_json(const CategorizerService::DryRun& run) {
  auto out = decision_json(run.decision.categorization);
  out["explanation"] = explanation_json(run.decision.categorization);
  const auto& second = run.decision.second_opinion;
  out["second_opinion"] = second ? nlohmann::json{{"department", second->department},
                                                  {"confidence", second->confidence}}
                                 : nlohmann::json(nullptr);
  auto strategies = nlohmann::json::array();
  for (const auto& s : run.strategies) {
    nlohmann::json entry{{"strategy", s.strategy}, {"decided", s.answer.has_value()}};
    if (s.answer) {
      entry["department"] = s.answer->department;
      entry["confidence_score"] = s.answer->confidence;
      entry["priority"] = to_string(s.answer->priority.value_or(domain::Priority::normal));
      entry["reason"] = s.answer->reason;
      entry["explanation"] = explanation_json(*s.answer);
    } else {
      entry["outcome"] = s.failed ? "failed" : "no decision";
    }
    strategies.push_back(std::move(entry));
  }
  out["strategies"] = std::move(strategies);
  out["stored"] = false;
  return out;
}

}  // namespace

void register_routes(http::Router& router, CategorizerService& service, http::BlockingPool& waits) {
  router.route_blocking(
      bhttp::verb::post, "/api/categorize", waits, [&service](RequestContext& ctx) {
        const auto body = ctx.json_object_body();
        // The same rules as a new ticket's title and description.
        auto title = domain::required_text(body, "title", domain::kTitleLimits);
        if (auto* e = std::get_if<domain::ValidationError>(&title))
          throw ApiError::bad_request(e->message, e->field);
        auto description = domain::required_text(body, "description", domain::kDescriptionLimits);
        if (auto* e = std::get_if<domain::ValidationError>(&description))
          throw ApiError::bad_request(e->message, e->field);
        const auto explain = ctx.query_param("explain").value_or("false");
        if (explain != "true" && explain != "false")
          throw ApiError::bad_request("explain must be true or false", "explain");
        if (explain == "true")
          return http::ok(dry_run_json(
              service.dry_run(std::get<std::string>(title), std::get<std::string>(description))));
        auto c =
            service.categorize(std::get<std::string>(title), std::get<std::string>(description));
        return http::ok(decision_json(c));
      });
}

}  // namespace st::services::categorizer
