#pragma once
// The keyword categorizer's rules as data. The built-in set is models/keyword_rules.json,
// embedded into the binary at build time (CMakeLists.txt) and validated when first used;
// its "version" is recorded in every keyword decision as model_version "keyword-rules-<version>",
// so a routing says which rules decided it.
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace st::services::categorizer {

// One keyword or phrase pointing at a department. Text is plain lower-case English; it goes
// through the same normalizer as ticket text, so "printer" also matches "printers"/"printing".
struct KeywordRule {
  std::string_view text;
  // Rough scale: 1 a weak hint that other departments share, 2 typical, 3 specific,
  // 4-5 an unmistakable phrase ("expense report", "parental leave").
  float weight;
};

struct DepartmentKeywords {
  std::string_view department;
  std::span<const KeywordRule> rules;
};

// A validated rule set read from JSON (the format is described in keyword_rules.json's
// "about"). Owns its text: the spans it hands out live as long as it does, hence neither
// copyable nor movable.
class KeywordRules {
 public:
  static constexpr float kMinWeight = 1.0f;
  static constexpr float kMaxWeight = 5.0f;

  // Throws std::invalid_argument naming `source` and the offending department, group and rule.
  KeywordRules(std::string_view json_text, std::string_view source);
  KeywordRules(const KeywordRules&) = delete;
  KeywordRules& operator=(const KeywordRules&) = delete;

  int version() const { return version_; }
  // What a decision by these rules records: "keyword-rules-<version>".
  std::string model_version() const { return "keyword-rules-" + std::to_string(version_); }
  std::span<const DepartmentKeywords> departments() const { return departments_; }

 private:
  int version_ = 0;
  std::deque<std::string> texts_;  // a deque: growing it never moves the strings viewed below
  std::deque<std::vector<KeywordRule>> rules_;
  std::vector<DepartmentKeywords> departments_;
};

// The rules of the five default departments (models/keyword_rules.json), parsed once.
const KeywordRules& builtin_keyword_rules();

}  // namespace st::services::categorizer
