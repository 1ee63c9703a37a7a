#include "domain/status.hpp"

#include "util/enum_names.hpp"

namespace st::domain {

constexpr util::EnumNames<Status, 4> kStatusNames{
    {{Status::pending, "pending"},
     {Status::in_progress, "in_progress"},
     {Status::waiting_on_customer, "waiting_on_customer"},
     {Status::resolved, "resolved"}}};
static_assert(kStatusNames.size() == kAllStatuses.size());

std::string_view to_string(Status s) {
  return util::name_of(kStatusNames, s);
}

std::optional<Status> parse_status(std::string_view text) {
  return util::value_named(kStatusNames, text);
}

constexpr util::EnumNames<CategorizedBy, 4> kCategorizerNames{
    {{CategorizedBy::claude, "claude"},
     {CategorizedBy::model, "model"},
     {CategorizedBy::keywords, "keywords"},
     {CategorizedBy::manual, "manual"}}};
static_assert(kCategorizerNames.size() == kAllCategorizers.size());

std::string_view to_string(CategorizedBy c) {
  return util::name_of(kCategorizerNames, c);
}

std::optional<CategorizedBy> parse_categorized_by(std::string_view text) {
  return util::value_named(kCategorizerNames, text);
}

}  // namespace st::domain
