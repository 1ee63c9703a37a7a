#pragma once
// The local estimate of a ticket's priority, from cues in its text: what the keyword and
// learned-model strategies decide with (they name no priority), and what a Claude answer
// without one falls back to. Cues are phrases compared as stemmed words
// (text_normalizer.hpp), so "printers are down" matches the cue "printer down" and
// "charged" matches "charge".
//
//  - urgent: many people stopped (an outage, "everyone", "the whole office"), a security
//    incident (breach, phishing clicked, ransomware), damage in progress (a leak, smoke, data
//    being deleted), money at risk now (payroll not paid);
//  - high: one person blocked (locked out, cannot work) or a deadline today (ASAP, "by end
//    of day", "before my flight");
//  - low: a request, feedback or nice-to-have ("would be nice", "no rush", "suggestion");
//  - normal: anything else (a problem with a workaround, a question).
// The most urgent level with a cue wins; low only when nothing more urgent is said.
#include <string>
#include <string_view>

#include "domain/priority.hpp"

namespace st::services::categorizer {

struct PriorityEstimate {
  domain::Priority priority = domain::Priority::normal;
  std::string cue;  // the phrase that decided, as written in the cue table; empty for normal
};

PriorityEstimate estimate_priority(std::string_view title, std::string_view description);

}  // namespace st::services::categorizer
