#pragma once
// What a chaos run promises, checked through the public API after the load: every accepted
// ticket exists and is routed exactly once, no ticket exists twice, and the analytics
// projections moved by exactly the tickets the run created.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace st::chaos {

struct AnalyticsSnapshot {
  std::int64_t total_tickets = 0;
  std::int64_t total_routed = 0;
  std::map<std::string, std::int64_t> by_department;
};

// GET /api/dashboard/summary and /api/dashboard/routing (retried while the system recovers,
// up to `timeout`); nullopt when no answer came.
std::optional<AnalyticsSnapshot> analytics_snapshot(e2e::HttpClient& http,
                                                    std::chrono::seconds timeout);

struct AuditResult {
  int accepted = 0;         // load tickets answered 201/202
  int lost = 0;             // accepted, but missing or never routed
  int duplicated = 0;       // load tickets that exist more than once
  int not_routed_once = 0;  // tickets with no routing record, or more than one
  bool analytics_match = false;
  std::vector<std::string> problems;  // the first few, for the operator
};

// `ids`: the load's tickets by index (nullopt: never accepted); `probe_ids`: tickets created
// by the recovery probe (also the run's, also counted by analytics).
AuditResult audit_run(e2e::HttpClient& http, const std::string& run_tag,
                      const std::vector<std::optional<std::int64_t>>& ids,
                      const std::vector<std::int64_t>& probe_ids, const AnalyticsSnapshot& before,
                      std::chrono::seconds timeout);

}  // namespace st::chaos
