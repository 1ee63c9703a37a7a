#include "services/categorizer/keyword_categorizer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "domain/department.hpp"
#include "services/categorizer/text_normalizer.hpp"

namespace st::services::categorizer {
namespace {

// A repeated keyword adds this share of its weight per extra occurrence, at most
// kMaxExtraHits times: repetition is some evidence, but "printer printer printer" must not
// outvote three different specific words.
constexpr double kRepeatShare = 0.25;
constexpr int kMaxExtraHits = 3;
// Weight of a word taken from an admin-added department's name ("Legal" -> "legal"). Higher
// than a typical built-in keyword: a department named after the word is the specific place.
constexpr double kNameWordWeight = 3.5;
// When the word is also a built-in keyword (an admin split "Payroll" out of HR), the named
// department outbids the built-in rule by this much, so the new department gets those tickets.
constexpr double kNameWordLead = 1.0;
// Extra weight when the whole multi-word name appears ("customer success").
constexpr double kNamePhraseWeight = 2.0;
// Confidence curve (see confidence()): score at which strength reaches 63%.
constexpr double kStrengthScale = 4.0;
constexpr std::size_t kMaxReasonTerms = 5;

// Words of a department name that say nothing about its subject.
constexpr std::array<std::string_view, 16> kNameStopWords{
    "and", "or",         "of",   "the",  "for",   "to",       "in",   "a",
    "an",  "department", "dept", "team", "group", "division", "unit", "office"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Tokens of one field, stemmed, with their term ids (-1: not in any rule) and whether
// sentence punctuation precedes them. The strings keep their capacity between calls, so a
// warmed-up thread tokenizes without allocating.
struct Field {
  std::vector<std::string> stems;
  std::vector<std::int32_t> ids;
  std::vector<std::uint8_t> breaks;
  std::size_t size = 0;

  // True if tokens [i, i + n) form one run, with no sentence punctuation inside.
  bool unbroken(std::size_t i, std::size_t n) const {
    for (std::size_t k = 1; k < n; ++k)
      if (breaks[i + k]) return false;
    return true;
  }

  template <class Lookup>
  void fill(std::string_view text, Lookup&& lookup) {
    size = 0;
    ids.clear();
    breaks.clear();
    for_each_token(text, [&](std::string_view token, bool after_break) {
      char buf[kMaxTokenBytes + 4];
      std::copy(token.begin(), token.end(), buf);
      const std::size_t n = stem_in_place(buf, token.size());
      if (size == stems.size()) stems.emplace_back();
      stems[size].assign(buf, n);
      ids.push_back(lookup(std::string_view(stems[size])));
      breaks.push_back(after_break ? 1 : 0);
      ++size;
    });
  }
};

struct Contribution {
  std::size_t slot;
  std::string_view display;
  double value;
};

// A word of an admin-added department's name.
struct NameWord {
  std::size_t slot;
  std::string word;  // as written (lower-case), for the reason
  std::string stem;
  double weight;
};

}  // namespace

struct detail::KeywordScratch {
  std::vector<std::string_view> slots;  // the departments that may be answered
  Field title;
  Field description;
  std::vector<std::uint16_t> title_hits;  // per pattern
  std::vector<std::uint16_t> description_hits;
  std::vector<std::int32_t> touched;                   // patterns with a hit this call
  std::vector<std::int32_t> slot_of;                   // rule department -> answer slot, -1 if not
  std::vector<bool> slot_has_rules;                    // per answer slot
  std::vector<double> score;                           // per answer slot
  std::vector<double> title_score;                     // per answer slot, for tie-breaks
  std::vector<Contribution> contributions;             // per matched rule
  std::vector<NameWord> name_words;                    // derived rules of admin-added departments
  std::vector<std::vector<std::string>> name_phrases;  // per slot, all stems of the name
};

namespace {

using Scratch = detail::KeywordScratch;

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

double hit_value(unsigned title_hits, unsigned description_hits) {
  const double base = title_hits > 0 ? KeywordCategorizer::kTitleFactor : 1.0;
  const int extra =
      std::min<int>(static_cast<int>(title_hits + description_hits) - 1, kMaxExtraHits);
  return base + kRepeatShare * std::max(extra, 0);
}

// How sure a keyword decision is, from the winner's absolute score (how much evidence) and its
// margin over the runner-up (how unambiguous). One weak description hit lands near 45, one
// specific word near 65, several specific title and description words at 90+; a tie between
// two departments scales the strength term down to 40% of its value.
int confidence(double best, double second) {
  const double strength = 1.0 - std::exp(-best / kStrengthScale);
  const double margin = best > 0 ? (best - second) / best : 0.0;
  const double c = 35.0 + 60.0 * strength * (0.4 + 0.6 * margin);
  return std::clamp(static_cast<int>(std::lround(c)), KeywordCategorizer::kNoMatchConfidence + 1,
                    KeywordCategorizer::kMaxConfidence);
}

bool sequence_at(const Field& f, std::size_t i, const std::vector<std::string>& phrase) {
  if (phrase.empty() || f.size - i < phrase.size() || !f.unbroken(i, phrase.size())) return false;
  for (std::size_t k = 0; k < phrase.size(); ++k)
    if (f.stems[i + k] != phrase[k]) return false;
  return true;
}

// Highest score wins; ties go to the department with more title evidence, then to a
// specific department over the catch-all, then to the caller's order.
std::size_t winner(const Scratch& s) {
  const auto is_general = [&](std::size_t slot) {
    return iequals(s.slots[slot], domain::kGeneralDepartment);
  };
  const auto better = [&](std::size_t a, std::size_t b) {
    constexpr double kEps = 1e-9;
    if (std::abs(s.score[a] - s.score[b]) > kEps) return s.score[a] > s.score[b];
    if (std::abs(s.title_score[a] - s.title_score[b]) > kEps)
      return s.title_score[a] > s.title_score[b];
    if (is_general(a) != is_general(b)) return !is_general(a);
    return a < b;
  };
  std::size_t best = 0;
  for (std::size_t slot = 1; slot < s.slots.size(); ++slot)
    if (better(slot, best)) best = slot;
  return best;
}

// The winner's strongest evidence, strongest first.
std::string reason(Scratch& s, std::size_t best) {
  std::stable_sort(s.contributions.begin(), s.contributions.end(),
                   [](const Contribution& a, const Contribution& b) { return a.value > b.value; });
  std::string out = "matched:";
  std::size_t listed = 0;
  for (const Contribution& c : s.contributions) {
    if (c.slot != best) continue;
    out += listed == 0 ? " " : ", ";
    out += c.display;
    if (++listed == kMaxReasonTerms) break;
  }
  return out;
}

// The departments that scored, best first, each at the decision's confidence scaled by its
// score against the winner's; and the rules that fired, strongest first, with the department
// each pointed at. Call after reason(), which sorts the contributions.
domain::Explanation explanation(const Scratch& s, std::size_t best, int confidence,
                                const std::string& version) {
  domain::Explanation e;
  e.decided_by = domain::CategorizedBy::keywords;
  e.version = version;
  e.candidates.push_back({std::string(s.slots[best]), confidence});
  for (std::size_t slot = 0; slot < s.slots.size(); ++slot) {
    if (slot == best || s.score[slot] <= 0.0) continue;
    const double share = std::min(1.0, s.score[slot] / s.score[best]);
    e.candidates.push_back(
        {std::string(s.slots[slot]), static_cast<int>(std::lround(confidence * share))});
  }
  for (const Contribution& c : s.contributions) {
    if (e.evidence.size() == domain::kMaxEvidence) break;
    e.evidence.push_back("rule \"" + std::string(c.display) + "\" -> " +
                         std::string(s.slots[c.slot]));
  }
  domain::normalize(e);  // stable: a runner-up tied with the winner stays after it
  return e;
}

}  // namespace

KeywordCategorizer::KeywordCategorizer() : KeywordCategorizer(builtin_keyword_rules()) {}

KeywordCategorizer::KeywordCategorizer(const KeywordRules& rules)
    : KeywordCategorizer(rules.departments(), rules.model_version()) {}

KeywordCategorizer::KeywordCategorizer(std::span<const DepartmentKeywords> rules,
                                       std::string model_version)
    : model_version_(std::move(model_version)) {
  // Patterns are keyed by their term sequence so that a word listed by two departments (or
  // twice, as "printer" and "printers") becomes one pattern with several targets.
  std::map<std::vector<std::int32_t>, std::int32_t> pattern_index;
  for (const DepartmentKeywords& dept : rules) {
    auto found = std::find_if(departments_.begin(), departments_.end(),
                              [&](const std::string& d) { return iequals(d, dept.department); });
    const auto d = static_cast<std::int32_t>(found - departments_.begin());
    if (found == departments_.end()) departments_.emplace_back(dept.department);
    for (const KeywordRule& rule : dept.rules) {
      std::vector<std::int32_t> terms;
      for (const std::string& s : normalize(rule.text)) terms.push_back(intern(s));
      if (terms.empty()) continue;
      auto [it, inserted] =
          pattern_index.try_emplace(terms, static_cast<std::int32_t>(patterns_.size()));
      if (inserted) patterns_.push_back(Pattern{terms, {}});
      auto& targets = patterns_[it->second].targets;
      auto same = std::find_if(targets.begin(), targets.end(),
                               [d](const Target& t) { return t.department == d; });
      if (same == targets.end())
        targets.push_back(Target{d, rule.weight, std::string(rule.text)});
      else
        same->weight = std::max(same->weight, rule.weight);
    }
  }
  by_first_term_.resize(vocabulary_.size());
  for (std::size_t p = 0; p < patterns_.size(); ++p)
    by_first_term_[patterns_[p].terms.front()].push_back(static_cast<std::int32_t>(p));
  for (auto& list : by_first_term_)
    std::stable_sort(list.begin(), list.end(), [this](std::int32_t a, std::int32_t b) {
      return patterns_[a].terms.size() > patterns_[b].terms.size();
    });
}

std::int32_t KeywordCategorizer::intern(const std::string& stem) {
  auto [it, inserted] =
      vocabulary_.try_emplace(stem, static_cast<std::int32_t>(vocabulary_.size()));
  return it->second;
}

std::int32_t KeywordCategorizer::term_id(std::string_view stem) const {
  auto it = vocabulary_.find(stem);
  return it == vocabulary_.end() ? -1 : it->second;
}

double KeywordCategorizer::builtin_word_weight(std::string_view stem) const {
  const std::int32_t id = term_id(stem);
  if (id < 0) return 0.0;
  double best = 0.0;
  for (const std::int32_t p : by_first_term_[id]) {
    if (patterns_[p].terms.size() != 1) continue;
    for (const Target& t : patterns_[p].targets) best = std::max(best, double(t.weight));
  }
  return best;
}

std::optional<ports::Categorization> KeywordCategorizer::categorize(
    const ports::CategorizationRequest& request) {
  return classify(request);
}

ports::Categorization KeywordCategorizer::classify(
    const ports::CategorizationRequest& request) const {
  Scratch& s = scratch();
  choose_slots(request, s);
  const auto lookup = [this](std::string_view stem) { return term_id(stem); };
  s.title.fill(request.title, lookup);
  s.description.fill(request.description, lookup);
  count_rule_hits(s);
  score_rule_hits(s);
  derive_name_words(s);
  score_name_words(s);
  return decide(s);
}

// The answer slots: the caller's departments, or (empty list) every department we know; and
// which slot each rule department answers in.
void KeywordCategorizer::choose_slots(const ports::CategorizationRequest& request,
                                      Scratch& s) const {
  std::vector<std::string_view>& slots = s.slots;
  if (request.departments.empty())
    slots.assign(departments_.begin(), departments_.end());
  else
    slots.assign(request.departments.begin(), request.departments.end());

  s.slot_of.assign(departments_.size(), -1);
  s.slot_has_rules.assign(slots.size(), false);
  for (std::size_t slot = 0; slot < slots.size(); ++slot) {
    for (std::size_t d = 0; d < departments_.size(); ++d) {
      if (!iequals(departments_[d], slots[slot])) continue;
      if (s.slot_of[d] < 0) s.slot_of[d] = static_cast<std::int32_t>(slot);
      s.slot_has_rules[slot] = true;  // a duplicate of a listed department never wins alone
    }
  }
}

// Greedy longest match: a phrase ("accounts payable") consumes its words, so they do not
// also count as the single keywords they contain ("account" would point at IT). Only
// patterns of an allowed department count.
void KeywordCategorizer::count_rule_hits(Scratch& s) const {
  if (s.title_hits.size() < patterns_.size()) {
    s.title_hits.resize(patterns_.size(), 0);
    s.description_hits.resize(patterns_.size(), 0);
  }
  // Counters are reset here rather than after use, so even a call that ended in an exception
  // cannot leave stale hits behind.
  for (const std::int32_t p : s.touched) s.title_hits[p] = s.description_hits[p] = 0;
  s.touched.clear();
  const auto scan = [&](const Field& f, std::vector<std::uint16_t>& hits) {
    for (std::size_t i = 0; i < f.size; ++i) {
      const std::int32_t first = f.ids[i];
      if (first < 0) continue;
      for (const std::int32_t p : by_first_term_[first]) {
        const Pattern& pat = patterns_[p];
        if (pat.terms.size() > f.size - i) continue;
        if (!std::equal(pat.terms.begin() + 1, pat.terms.end(), f.ids.begin() + i + 1) ||
            !f.unbroken(i, pat.terms.size()))
          continue;
        const bool allowed =
            std::any_of(pat.targets.begin(), pat.targets.end(),
                        [&](const Target& t) { return s.slot_of[t.department] >= 0; });
        if (!allowed) continue;
        if (s.title_hits[p] == 0 && s.description_hits[p] == 0) s.touched.push_back(p);
        if (hits[p] < 0xFFFF) ++hits[p];
        i += pat.terms.size() - 1;
        break;
      }
    }
  };
  scan(s.title, s.title_hits);
  scan(s.description, s.description_hits);
}

// Each matched pattern adds its weight, scaled by where and how often it matched, to every
// allowed department it points at.
void KeywordCategorizer::score_rule_hits(Scratch& s) const {
  s.score.assign(s.slots.size(), 0.0);
  s.title_score.assign(s.slots.size(), 0.0);
  s.contributions.clear();
  for (const std::int32_t p : s.touched) {
    const unsigned th = s.title_hits[p], dh = s.description_hits[p];
    const double value = hit_value(th, dh);
    for (const Target& t : patterns_[p].targets) {
      const std::int32_t slot = s.slot_of[t.department];
      if (slot < 0) continue;
      const double v = t.weight * value;
      s.score[slot] += v;
      if (th > 0) s.title_score[slot] += t.weight * kTitleFactor;
      s.contributions.push_back(Contribution{static_cast<std::size_t>(slot), t.display, v});
    }
  }
}

// Admin-added departments have no rule table: the words of their name are their keywords,
// and the whole name (two words or more) is their phrase.
void KeywordCategorizer::derive_name_words(Scratch& s) const {
  s.name_words.clear();
  s.name_phrases.resize(std::max(s.name_phrases.size(), s.slots.size()));
  for (std::size_t slot = 0; slot < s.slots.size(); ++slot) {
    s.name_phrases[slot].clear();
    if (s.slot_has_rules[slot]) continue;
    const std::size_t first_word = s.name_words.size();
    std::size_t all_words = 0;
    for_each_token(s.slots[slot], [&](std::string_view token) {
      ++all_words;
      std::string stemmed = stem(token);
      s.name_phrases[slot].push_back(stemmed);
      const bool stop =
          std::find(kNameStopWords.begin(), kNameStopWords.end(), token) != kNameStopWords.end();
      if (!stop && token.size() >= 2)
        s.name_words.push_back(NameWord{slot, std::string(token), std::move(stemmed), 0.0});
    });
    // A name made only of generic words ("Office") still needs something to match on.
    if (s.name_words.size() == first_word)
      for (const std::string& st : s.name_phrases[slot])
        if (st.size() >= 2) s.name_words.push_back(NameWord{slot, st, st, 0.0});
    for (std::size_t i = first_word; i < s.name_words.size(); ++i)
      s.name_words[i].weight =
          std::max(kNameWordWeight, builtin_word_weight(s.name_words[i].stem) + kNameWordLead);
    if (all_words < 2) s.name_phrases[slot].clear();
  }
}

void KeywordCategorizer::score_name_words(Scratch& s) {
  for (const NameWord& w : s.name_words) {
    unsigned th = 0, dh = 0;
    for (std::size_t i = 0; i < s.title.size; ++i) th += s.title.stems[i] == w.stem;
    for (std::size_t i = 0; i < s.description.size; ++i) dh += s.description.stems[i] == w.stem;
    if (th + dh == 0) continue;
    const double v = w.weight * hit_value(th, dh);
    s.score[w.slot] += v;
    if (th > 0) s.title_score[w.slot] += w.weight * kTitleFactor;
    s.contributions.push_back(Contribution{w.slot, w.word, v});
  }
  for (std::size_t slot = 0; slot < s.slots.size(); ++slot) {
    const auto& phrase = s.name_phrases[slot];
    if (phrase.empty()) continue;
    unsigned th = 0, dh = 0;
    for (std::size_t i = 0; i < s.title.size; ++i) th += sequence_at(s.title, i, phrase);
    for (std::size_t i = 0; i < s.description.size; ++i)
      dh += sequence_at(s.description, i, phrase);
    if (th + dh == 0) continue;
    s.score[slot] += kNamePhraseWeight * hit_value(th, dh);
    if (th > 0) s.title_score[slot] += kNamePhraseWeight * kTitleFactor;
  }
}

ports::Categorization KeywordCategorizer::decide(Scratch& s) const {
  const std::vector<std::string_view>& slots = s.slots;
  ports::Categorization out;
  out.categorized_by = domain::CategorizedBy::keywords;
  out.model_version = model_version_;
  const std::size_t best = winner(s);
  if (slots.empty() || s.score[best] <= 0.0) {
    // Nothing pointed anywhere: the catch-all queue if the caller offers it, else the first
    // department offered (an admin may have deactivated General).
    auto general = std::find_if(slots.begin(), slots.end(), [](std::string_view d) {
      return iequals(d, domain::kGeneralDepartment);
    });
    out.department = general != slots.end() ? std::string(*general)
                     : slots.empty()        ? std::string(domain::kGeneralDepartment)
                                            : std::string(slots.front());
    out.confidence = kNoMatchConfidence;
    out.reason = "no keywords matched; defaulted to " + out.department;
    out.explanation = domain::plain_explanation(domain::CategorizedBy::keywords, model_version_,
                                                out.department, out.confidence, out.reason);
    return out;
  }
  double second = 0.0;
  for (std::size_t slot = 0; slot < slots.size(); ++slot)
    if (slot != best) second = std::max(second, s.score[slot]);
  out.department = std::string(slots[best]);
  out.confidence = confidence(s.score[best], second);
  out.reason = reason(s, best);
  out.explanation = explanation(s, best, out.confidence, model_version_);
  return out;
}

}  // namespace st::services::categorizer
