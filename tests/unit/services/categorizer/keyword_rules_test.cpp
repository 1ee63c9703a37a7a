#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "services/categorizer/keyword_categorizer.hpp"
#include "services/categorizer/keyword_rules.hpp"

namespace st::services::categorizer {
namespace {

// A stable fingerprint of what the rules say (names, texts, weights; not notes or layout).
std::string fingerprint(const KeywordRules& rules) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  const auto mix = [&h](const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  for (const DepartmentKeywords& d : rules.departments()) {
    mix(d.department.data(), d.department.size());
    mix("\n", 1);
    for (const KeywordRule& r : d.rules) {
      const std::string line = std::string(r.text) + "=" + std::to_string(r.weight) + "\n";
      mix(line.data(), line.size());
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string error_of(const std::string& json) {
  try {
    KeywordRules rules(json, "test.json");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string file_with_rule(const std::string& rule) {
  return R"({"version": 1, "departments": [{"name": "HR", "groups": [{"topic": "Pay", "rules": [)"
         R"(["salary", 4], )" +
         rule + "]}]}]}";
}

TEST(KeywordRules, TheBuiltinFileHoldsTheFiveDefaultDepartments) {
  const KeywordRules& rules = builtin_keyword_rules();
  std::vector<std::string> names;
  std::size_t count = 0;
  for (const DepartmentKeywords& d : rules.departments()) {
    names.emplace_back(d.department);
    count += d.rules.size();
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"IT Support", "HR", "Facilities", "Finance", "General"}));
  EXPECT_EQ(count, 1002u);
}

// The version is what a keyword decision records, so it must change when the rules do. When
// this fails after an edit of keyword_rules.json: raise its "version" and set both values here.
TEST(KeywordRules, TheBuiltinVersionChangesWithTheRules) {
  const KeywordRules& rules = builtin_keyword_rules();
  EXPECT_EQ(rules.version(), 1);
  EXPECT_EQ(fingerprint(rules), "c0fbb36442bfb4b5")
      << "keyword_rules.json changed: raise its version";
}

TEST(KeywordRules, EachKeywordDecisionRecordsTheRulesVersion) {
  EXPECT_EQ(builtin_keyword_rules().model_version(), "keyword-rules-1");
  const auto decision =
      KeywordCategorizer().classify({"Printer jam", "The printer on floor 2 is jammed", {}});
  EXPECT_EQ(decision.model_version, "keyword-rules-1");

  const KeywordRules custom(R"({"version": 7, "departments": [{"name": "Legal", "groups": [
      {"topic": "Contracts", "rules": [["nda", 5], ["contract review", 4, "a phrase"]]}]}]})",
                            "custom.json");
  const auto legal = KeywordCategorizer(custom).classify({"NDA", "please sign the nda", {}});
  EXPECT_EQ(legal.department, "Legal");
  EXPECT_EQ(legal.model_version, "keyword-rules-7");
}

TEST(KeywordRules, ABadFileIsRefusedWithTheFileAndThePlaceNamed) {
  struct Case {
    std::string json;
    std::vector<std::string> expected;  // parts of the message
  };
  const Case cases[] = {
      {"{not json", {"test.json", "not valid JSON"}},
      {"[]", {"test.json", "JSON object"}},
      {R"({"departments": []})", {"\"version\" must be a positive integer"}},
      {R"({"version": 0, "departments": []})", {"\"version\""}},
      {R"({"version": "1", "departments": []})", {"\"version\""}},
      {R"({"version": 1, "departments": []})", {"\"departments\" is empty"}},
      {R"({"version": 1, "departmnets": []})", {"unknown key \"departmnets\""}},
      {R"({"version": 1, "departments": [{"groups": []}]})",
       {"department 1", "\"name\" is missing"}},
      {R"({"version": 1, "departments": [{"name": "HR", "groups": []}, {"name": "HR", "groups": []}]})",
       {"department \"HR\"", "listed twice"}},
      {R"({"version": 1, "departments": [{"name": "HR", "groups": [{"topic": "Pay", "rule": []}]}]})",
       {"department \"HR\", group 1", "unknown key \"rule\""}},
      {file_with_rule(R"(["payroll", 9])"),
       {"department \"HR\", group \"Pay\", rule 2 [\"payroll\",9]",
        "weight must be a number from 1 to 5"}},
      {file_with_rule(R"(["payroll", "4"])"), {"rule 2", "weight"}},
      {file_with_rule(R"({"text": "payroll", "weight": 4})"), {"rule 2", "[text, weight]"}},
      {file_with_rule(R"(["payroll"])"), {"rule 2", "[text, weight]"}},
      {file_with_rule(R"(["payroll", 4, 5])"), {"rule 2", "[text, weight, note]"}},
      {file_with_rule(R"(["?!", 3])"), {"rule 2", "no word to match"}},
      {file_with_rule(R"(["salary", 3])"), {"rule 2", "\"salary\" is listed twice"}},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.json);
    for (const std::string& part : c.expected)
      EXPECT_NE(message.find(part), std::string::npos) << c.json << "\n-> " << message;
  }
  EXPECT_EQ(error_of(file_with_rule(R"(["payroll", 5, "the pay run"])")), "(accepted)");
}

}  // namespace
}  // namespace st::services::categorizer
