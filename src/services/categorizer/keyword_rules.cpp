#include "services/categorizer/keyword_rules.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "services/categorizer/keyword_rules_file.hpp"
#include "services/categorizer/text_normalizer.hpp"

namespace st::services::categorizer {
namespace {

using nlohmann::json;

// Where in the file a check failed: "department \"HR\", group \"Pay\", rule 3 [...]".
struct Place {
  std::string_view source;
  std::string path;

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::invalid_argument(std::string(source) + ": " + (path.empty() ? "" : path + ": ") +
                                problem);
  }
  Place at(const std::string& step) const {
    return Place{source, path.empty() ? step : path + ", " + step};
  }
};

// An object's members, each of which must be one of `known` (a typo is an error, not a
// silently ignored rule).
void only_known_keys(const json& object, std::initializer_list<std::string_view> known,
                     const Place& place) {
  for (const auto& [key, value] : object.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      place.fail("unknown key \"" + key + "\"");
}

const json& member(const json& object, const char* key, json::value_t type, const Place& place) {
  const auto it = object.find(key);
  if (it == object.end()) place.fail(std::string("\"") + key + "\" is missing");
  if (it->type() != type)
    place.fail(std::string("\"") + key + "\" must be a " + json(type).type_name());
  return *it;
}

std::string optional_text(const json& object, const char* key, const Place& place) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (!it->is_string()) place.fail(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

}  // namespace

KeywordRules::KeywordRules(std::string_view json_text, std::string_view source) {
  const Place file{source, ""};
  const json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) file.fail("not valid JSON");
  if (!root.is_object()) file.fail("must be a JSON object");
  only_known_keys(root, {"version", "about", "departments"}, file);
  const auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() || version->get<long long>() < 1 ||
      version->get<long long>() > 1'000'000)
    file.fail("\"version\" must be a positive integer");
  version_ = version->get<int>();
  const json& departments = member(root, "departments", json::value_t::array, file);
  if (departments.empty()) file.fail("\"departments\" is empty");

  for (std::size_t d = 0; d < departments.size(); ++d) {
    const json& dept = departments[d];
    Place at_dept = file.at("department " + std::to_string(d + 1));
    if (!dept.is_object()) at_dept.fail("must be an object");
    only_known_keys(dept, {"name", "note", "groups"}, at_dept);
    texts_.push_back(member(dept, "name", json::value_t::string, at_dept).get<std::string>());
    const std::string& name = texts_.back();
    if (name.empty()) at_dept.fail("\"name\" is empty");
    at_dept = file.at("department \"" + name + "\"");
    for (const DepartmentKeywords& earlier : departments_)
      if (earlier.department == name) at_dept.fail("listed twice");
    optional_text(dept, "note", at_dept);

    auto& rules = rules_.emplace_back();
    const json& groups = member(dept, "groups", json::value_t::array, at_dept);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const json& group = groups[g];
      Place at_group = at_dept.at("group " + std::to_string(g + 1));
      if (!group.is_object()) at_group.fail("must be an object");
      only_known_keys(group, {"topic", "note", "rules"}, at_group);
      at_group = at_dept.at(
          "group \"" + member(group, "topic", json::value_t::string, at_group).get<std::string>() +
          "\"");
      optional_text(group, "note", at_group);
      const json& list = member(group, "rules", json::value_t::array, at_group);
      for (std::size_t r = 0; r < list.size(); ++r) {
        const json& rule = list[r];
        const Place at_rule = at_group.at("rule " + std::to_string(r + 1) + " " + rule.dump());
        if (!rule.is_array() || rule.size() < 2 || rule.size() > 3 || !rule[0].is_string() ||
            (rule.size() == 3 && !rule[2].is_string()))
          at_rule.fail("a rule is [text, weight] or [text, weight, note]");
        const std::string text = rule[0].get<std::string>();
        if (normalize(text).empty()) at_rule.fail("the text has no word to match");
        if (!rule[1].is_number() || rule[1].get<double>() < kMinWeight ||
            rule[1].get<double>() > kMaxWeight)
          at_rule.fail("the weight must be a number from 1 to 5");
        for (const KeywordRule& earlier : rules)
          if (earlier.text == text) at_rule.fail("\"" + text + "\" is listed twice");
        texts_.push_back(text);
        rules.push_back(KeywordRule{texts_.back(), rule[1].get<float>()});
      }
    }
    departments_.push_back(DepartmentKeywords{name, rules});
  }
}

const KeywordRules& builtin_keyword_rules() {
  static const KeywordRules kRules(keyword_rules_files().front().data, "models/keyword_rules.json");
  return kRules;
}

}  // namespace st::services::categorizer
