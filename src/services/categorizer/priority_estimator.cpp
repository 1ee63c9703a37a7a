#include "services/categorizer/priority_estimator.hpp"

#include <array>
#include <vector>

#include "services/categorizer/text_normalizer.hpp"

namespace st::services::categorizer {
namespace {

using domain::Priority;

// Many people stopped, a security incident, damage or money at risk now.
constexpr std::array kUrgentCues = std::to_array<std::string_view>({
    // many people
    "everyone",
    "everybody",
    "whole office",
    "whole team",
    "whole company",
    "whole floor",
    "whole building",
    "whole department",
    "entire office",
    "entire company",
    "entire team",
    "entire floor",
    "entire building",
    "entire department",
    "all users",
    "all staff",
    "all employees",
    "all of us",
    "all customers",
    "nobody can",
    "no one can",
    "nobody is able",
    "company wide",
    "many people",
    "several people",
    "multiple people",
    "many users",
    "several users",
    "multiple users",
    "several colleagues",
    "all our",
    "none of us",
    // outages
    "outage",
    "site down",
    "website down",
    "server down",
    "system down",
    "network down",
    "production down",
    "service down",
    "is down for",
    "went down",
    "checkout fail",
    // security
    "breach",
    "hacked",
    "ransomware",
    "malware",
    "virus",
    "compromised",
    "unauthorized",
    "suspicious login",
    "stolen",
    "leaked",
    "data leak",
    "clicked link",
    "clicked phishing",
    "entered my password",
    "encrypted files",
    "fraud",
    "fake invoice",
    "impersonat",
    // damage in progress
    "flood",
    "leaking",
    "water leak",
    "burst pipe",
    "smoke",
    "on fire",
    "burning smell",
    "sparks",
    "gas leak",
    "smell gas",
    "data loss",
    "losing data",
    "being deleted",
    "deleted everything",
    "disappearing",
    "wiped",
    // money at risk now
    "payroll fail",
    "payroll not",
    "payroll did not",
    "payroll didnt",
    "nobody got paid",
    "no one got paid",
    "nobody has been paid",
    "payments fail",
    "wrong account",
});

// One person blocked, a deadline today, money of one person.
constexpr std::array kHighCues = std::to_array<std::string_view>({
    // blocked
    "locked out",
    "cant log",
    "cannot log",
    "cant login",
    "cant sign",
    "cannot sign",
    "unable to log",
    "unable to sign",
    "cant access",
    "cannot access",
    "unable to access",
    "no access",
    "cant work",
    "cannot work",
    "unable to work",
    "cant do my job",
    "blocked",
    "wont boot",
    "wont turn on",
    "wont start",
    "doesnt turn on",
    "does not turn on",
    "dead",
    "nothing works",
    "account disabled",
    "account locked",
    "password expired",
    "stuck",
    "completely stopped",
    "cant open",
    "cannot open",
    "cant send",
    "cannot send",
    // deadlines
    "asap",
    "as soon as possible",
    "urgent",
    "urgently",
    "immediately",
    "right away",
    "emergency",
    "deadline",
    "due today",
    "need today",
    "needed today",
    "by today",
    "by tomorrow",
    "end of day",
    "by noon",
    "this afternoon",
    "in an hour",
    "in two hours",
    "before my flight",
    "before the meeting",
    "before the client",
    "starts tomorrow",
    "tomorrow morning",
    "first day",
    "tonight",
    // money of one person
    "charged twice",
    "double charged",
    "overcharged",
    "duplicate payment",
    "not paid",
    "didnt get paid",
    "not been paid",
    "missing salary",
    "salary missing",
    "missing paycheck",
    "wrong amount",
});

// A request, feedback, a nice-to-have.
constexpr std::array kLowCues = std::to_array<std::string_view>({
    "would be nice",
    "nice to have",
    "suggestion",
    "suggest",
    "feature request",
    "feedback",
    "idea",
    "could we get",
    "could you add",
    "can we get",
    "can we have",
    "would like",
    "would love",
    "request",
    "wish",
    "whenever",
    "when you have time",
    "when you get a chance",
    "at some point",
    "someday",
    "next quarter",
    "next month",
    "consider",
    "please add",
    "no rush",
    "no hurry",
    "not urgent",
    "low priority",
    "not a priority",
    "not critical",
    "just curious",
    "for the future",
    "improvement",
});

// Said in the ticket, these take back its stated urgency ("urgent", "asap": high cues).
constexpr std::array kCalmCues = std::to_array<std::string_view>({
    "no rush",
    "no hurry",
    "not urgent",
    "low priority",
    "not a priority",
    "not critical",
    "whenever",
    "when you get a chance",
    "when you have time",
});

// How many words may sit between two words of a cue ("printers are down" is "printer down").
constexpr std::size_t kMaxGap = 2;
// A sentence or list break between words: a cue does not span it.
constexpr std::string_view kBreak = "|";

struct Cue {
  std::string_view text;
  std::vector<std::string> stems;
};

template <std::size_t N>
std::vector<Cue> compile(const std::array<std::string_view, N>& phrases) {
  std::vector<Cue> out;
  out.reserve(N);
  for (auto p : phrases) out.push_back({p, normalize(p)});
  return out;
}

std::vector<std::string> words_of(std::string_view title, std::string_view description) {
  std::vector<std::string> out;
  const auto add = [&out](std::string_view token, bool after_break) {
    if (after_break && !out.empty()) out.emplace_back(kBreak);
    out.push_back(stem(token));
  };
  for_each_token(title, add);
  out.emplace_back(kBreak);
  for_each_token(description, add);
  return out;
}

bool matches_at(const std::vector<std::string>& words, std::size_t start, const Cue& cue) {
  std::size_t at = start;
  for (std::size_t k = 1; k < cue.stems.size(); ++k) {
    bool found = false;
    for (std::size_t next = at + 1; next < words.size() && next <= at + 1 + kMaxGap; ++next) {
      if (words[next] == kBreak) break;
      if (words[next] == cue.stems[k]) {
        at = next;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool contains(const std::vector<std::string>& words, const Cue& cue) {
  if (cue.stems.empty()) return false;
  for (std::size_t i = 0; i < words.size(); ++i)
    if (words[i] == cue.stems[0] && matches_at(words, i, cue)) return true;
  return false;
}

// The first cue of `cues` the words contain, or null.
const Cue* find_cue(const std::vector<std::string>& words, const std::vector<Cue>& cues) {
  for (const auto& cue : cues)
    if (contains(words, cue)) return &cue;
  return nullptr;
}

bool is_stated_urgency(std::string_view cue) {
  return cue == "urgent" || cue == "urgently" || cue == "asap" || cue == "as soon as possible" ||
         cue == "emergency" || cue == "immediately" || cue == "right away";
}

}  // namespace

PriorityEstimate estimate_priority(std::string_view title, std::string_view description) {
  static const auto urgent = compile(kUrgentCues);
  static const auto high = compile(kHighCues);
  static const auto low = compile(kLowCues);
  static const auto calm = compile(kCalmCues);
  const auto words = words_of(title, description);
  if (const auto* c = find_cue(words, urgent)) return {Priority::urgent, std::string(c->text)};
  const bool calm_said = find_cue(words, calm) != nullptr;
  // A stated urgency next to "no rush" is taken back; other high cues (locked out) stand.
  for (const auto& cue : high) {
    if (calm_said && is_stated_urgency(cue.text)) continue;
    if (contains(words, cue)) return {Priority::high, std::string(cue.text)};
  }
  if (const auto* c = find_cue(words, low)) return {Priority::low, std::string(c->text)};
  return {};
}

}  // namespace st::services::categorizer
