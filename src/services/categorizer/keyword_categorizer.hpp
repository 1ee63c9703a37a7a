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
#include "services/categorizer/keyword_rules.hpp"

namespace st::services::categorizer {

namespace detail {
struct KeywordScratch;  // classify()'s per-thread working space (keyword_categorizer.cpp)
}  // namespace detail

class KeywordCategorizer final : public ports::Categorizer {
 public:
  // Title words count this many times a description word: people put the gist in the title.
  static constexpr double kTitleFactor = 2.0;
  // Confidence when no keyword of any allowed department matched (fallback department).
  static constexpr int kNoMatchConfidence = 30;
  // Keywords never claim certainty; 100 is left for a human's manual routing.
  static constexpr int kMaxConfidence = 95;

  // Uses builtin_keyword_rules().
  KeywordCategorizer();
  // A loaded rule set; its decisions record rules.model_version(). `rules` need only live
  // during construction.
  explicit KeywordCategorizer(const KeywordRules& rules);
  // Custom rule tables (tests, experiments). The spans need only live during construction.
  explicit KeywordCategorizer(std::span<const DepartmentKeywords> rules,
                              std::string model_version = "keyword-rules-custom");

  // Never nullopt; delegates to classify().
  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return "keywords"; }
  // Which rules decide: every decision's model_version.
  const std::string& model_version() const { return model_version_; }

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

  using Scratch = detail::KeywordScratch;

  // The steps of classify(), in order.
  void choose_slots(const ports::CategorizationRequest& request, Scratch& s) const;
  void count_rule_hits(Scratch& s) const;
  void score_rule_hits(Scratch& s) const;
  void derive_name_words(Scratch& s) const;
  static void score_name_words(Scratch& s);
  ports::Categorization decide(Scratch& s) const;

  std::int32_t term_id(std::string_view stem) const;
  // The highest weight any department gives the single word, 0 if none.
  double builtin_word_weight(std::string_view stem) const;
  std::int32_t intern(const std::string& stem);

  std::string model_version_;
  std::vector<std::string> departments_;  // names as the rule table spells them
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> vocabulary_;
  std::vector<Pattern> patterns_;
  // Patterns by their first term, longest first, so matching is greedy longest-phrase.
  std::vector<std::vector<std::int32_t>> by_first_term_;
};

}  // namespace st::services::categorizer
