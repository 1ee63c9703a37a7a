#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace st::domain {

struct Department {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  bool is_active = true;
  Millis created_at = 0;
  // Decisions below this confidence wait for review (issue 16 §3); unset: the
  // review_below_confidence setting applies.
  std::optional<int> review_below_confidence{};

  bool operator==(const Department&) const = default;
};

// The review threshold's range: 0 reviews nothing, 101 reviews every decision.
inline constexpr int kMinReviewThreshold = 0;
inline constexpr int kMaxReviewThreshold = 101;

// Whether a decision of `confidence` for `department` waits for review: below the
// department's own threshold, or else the helpdesk's.
bool needs_review(int confidence, const Department& department, int default_threshold);

// The catch-all department: where a ticket goes when nothing else fits.
inline constexpr const char* kGeneralDepartment = "General";

struct DefaultDepartment {
  const char* name;
  const char* description;
};

// Created on first start; afterwards departments are rows an admin manages.
const std::vector<DefaultDepartment>& default_departments();

}  // namespace st::domain
