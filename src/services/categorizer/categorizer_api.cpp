#include "services/categorizer/categorizer_api.hpp"

#include <variant>

#include "domain/validation.hpp"
#include "http/json_response.hpp"

namespace st::services::categorizer {

using http::ApiError;
using http::RequestContext;
namespace bhttp = http::bhttp;

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
        auto c =
            service.categorize(std::get<std::string>(title), std::get<std::string>(description));
        return http::ok({{"success", true},
                         {"department", c.department},
                         {"confidence_score", c.confidence},
                         {"categorized_by", to_string(c.categorized_by)},
                         {"priority", to_string(c.priority.value_or(domain::Priority::normal))},
                         {"reason", c.reason}});
      });
}

}  // namespace st::services::categorizer
