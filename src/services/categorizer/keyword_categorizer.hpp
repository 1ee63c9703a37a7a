#pragma once
// The last strategy of the categorizer chain: weighted keyword and phrase rules per department.
// It always answers (the chain must end in a decision), runs in microseconds and needs no
// network, so it is also what the system falls back to when Claude and the model are down.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ports/categorizer.hpp"

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

// The rules of the five default departments (keyword_rules.cpp).
std::span<const DepartmentKeywords> builtin_keyword_rules();

class KeywordCategorizer final : public ports::Categorizer {
 public:
  // Title words count this many times a description word: people put the gist in the title.
  static constexpr double kTitleFactor = 2.0;
  // Confidence when no keyword of any allowed department matched (fallback department).
  static constexpr int kNoMatchConfidence = 30;
  // Keywords never claim certainty; 100 is left for a human's manual routing.
  static constexpr int kMaxConfidence = 95;
  static constexpr std::string_view kModelVersion = "keyword-rules-1";

  // Uses builtin_keyword_rules().
  KeywordCategorizer();
  // Custom rule tables (tests, experiments). The spans need only live during construction.
  explicit KeywordCategorizer(std::span<const DepartmentKeywords> rules);

  // Never nullopt; delegates to classify().
  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return "keywords"; }

  // The answer is always one of request.departments (matched case-insensitively, returned as
  // spelled in the request). Departments without built-in rules get rules derived from the
  // words of their name. An empty list means "every department that has rules, plus General".
  // Const and thread-safe: per-call scratch space is thread-local.
  ports::Categorization classify(const ports::CategorizationRequest& request) const;

 private:
  struct Target {
    std::int32_t department;  // index into departments_
    float weight;
    std::string display;  // the rule text, for the reason
  };
  struct Pattern {
    std::vector<std::int32_t> terms;  // term ids, one per token
    std::vector<Target> targets;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::int32_t term_id(std::string_view stem) const;
  // The highest weight any department gives the single word, 0 if none.
  double builtin_word_weight(std::string_view stem) const;
  std::int32_t intern(const std::string& stem);

  std::vector<std::string> departments_;  // names as the rule table spells them
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> vocabulary_;
  std::vector<Pattern> patterns_;
  // Patterns by their first term, longest first, so matching is greedy longest-phrase.
  std::vector<std::vector<std::int32_t>> by_first_term_;
};

}  // namespace st::services::categorizer
