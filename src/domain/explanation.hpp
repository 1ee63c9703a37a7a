#pragma once
// Why a ticket is in its department (issue 16 §2): who decided (Claude, the learned model, the
// keyword rules or an agent), with which model or rules, the departments weighed and the
// evidence. Stored with the ticket and shown to agents and admins only: its evidence may
// quote what other people wrote.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.hpp"
#include "domain/status.hpp"

namespace st::domain {

// A department a decision weighed, with how sure the decider was of it (0-100).
struct Candidate {
  std::string department;
  int confidence = 0;

  bool operator==(const Candidate&) const = default;
};

struct Explanation {
  CategorizedBy decided_by = CategorizedBy::keywords;
  // The model file's version, the Claude model with the prompt version, the keyword rules'
  // version; empty for an agent's decision.
  std::string version;
  std::vector<Candidate> candidates;  // best first (the decided department), at most kMax
  std::vector<std::string> evidence;  // short sentences, strongest first
  std::optional<Actor> actor;         // who, for a manual decision

  bool operator==(const Explanation&) const = default;
};

inline constexpr std::size_t kMaxCandidates = 3;
inline constexpr std::size_t kMaxEvidence = 8;

// An agent's routing of a ticket to `department`: a candidate of certainty `confidence`, and
// the agent's reason (when given) as the evidence.
Explanation manual_explanation(const std::string& department, int confidence, const Actor& actor,
                               const std::string& reason);

// The explanation of a decision that brought none of its own: the decision itself as the one
// candidate and its reason (when not empty) as the evidence.
Explanation plain_explanation(CategorizedBy by, const std::string& version,
                              const std::string& department, int confidence,
                              const std::string& reason);

// Candidates sorted best first, a department named twice kept once (its first, higher entry),
// at most kMaxCandidates; evidence cut to kMaxEvidence.
void normalize(Explanation& e);

}  // namespace st::domain
