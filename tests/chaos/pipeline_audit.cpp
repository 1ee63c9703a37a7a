#include "chaos/pipeline_audit.hpp"

#include <set>
#include <thread>

namespace st::chaos {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// A GET that survives the system still recovering: retried (every 200 ms) until a 200 or the
// deadline; a null json when none came.
json get_until_ok(e2e::HttpClient& http, const std::string& target, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    try {
      const auto r = http.get(target);
      if (r.status == 200 && r.json.is_object()) return r.json;
    } catch (const std::exception&) {
      // the connection was refused or reset: the client reconnects on the next call
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return nullptr;
}

void note(AuditResult& r, std::string problem) {
  if (r.problems.size() < 10) r.problems.push_back(std::move(problem));
}

// Every ticket of the run that exists, by id, following next_cursor (bounded in pages).
std::map<std::int64_t, json> tickets_of_run(e2e::HttpClient& http, const std::string& run_tag,
                                            Clock::time_point deadline) {
  std::map<std::int64_t, json> found;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::string target = "/api/tickets?limit=200&q=" + run_tag;
    if (!cursor.empty()) target += "&cursor=" + cursor;
    const json body = get_until_ok(http, target, deadline);
    if (body.is_null()) break;
    for (const auto& t : body["tickets"]) found[t["id"].get<std::int64_t>()] = t;
    const json next = body.value("next_cursor", json());
    if (!next.is_string()) break;
    cursor = next.get<std::string>();
  }
  return found;
}

// The load index in a title "... <tag> #<index>"; -1 for anything else (a probe's ticket).
int index_in_title(const std::string& title) {
  const auto hash = title.rfind(" #");
  if (hash == std::string::npos) return -1;
  try {
    return std::stoi(title.substr(hash + 2));
  } catch (const std::exception&) {
    return -1;
  }
}

bool routed(const json& ticket) {
  return ticket.is_object() && ticket.contains("department") && !ticket["department"].is_null();
}

// Waits (one deadline for all) until every id is routed; the ones that never were.
std::set<std::int64_t> never_routed(e2e::HttpClient& http, std::set<std::int64_t> pending,
                                    Clock::time_point deadline) {
  while (!pending.empty() && Clock::now() < deadline) {
    for (auto it = pending.begin(); it != pending.end();) {
      const json body = get_until_ok(http, "/api/tickets/" + std::to_string(*it), deadline);
      it = routed(body.value("ticket", json())) ? pending.erase(it) : std::next(it);
    }
    if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return pending;
}

// The routing decisions recorded for a ticket (waiting for the first: routing commits its own
// record a moment after the tickets service learns the department).
std::size_t routings_of(e2e::HttpClient& http, std::int64_t id, Clock::time_point deadline) {
  for (;;) {
    const json body = get_until_ok(http, "/api/routing/history/" + std::to_string(id), deadline);
    const std::size_t n = body.is_object() ? body.value("history", json::array()).size() : 0;
    if (n > 0 || Clock::now() >= deadline) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

AnalyticsSnapshot expected_after(const AnalyticsSnapshot& before,
                                 const std::map<std::int64_t, json>& tickets) {
  AnalyticsSnapshot want = before;
  for (const auto& [id, t] : tickets) {
    ++want.total_tickets;
    ++want.total_routed;
    if (routed(t)) ++want.by_department[t["department"].get<std::string>()];
  }
  return want;
}

bool same(const AnalyticsSnapshot& a, const AnalyticsSnapshot& b) {
  auto nonzero = [](const std::map<std::string, std::int64_t>& m) {
    std::map<std::string, std::int64_t> out;
    for (const auto& [k, v] : m)
      if (v != 0) out[k] = v;
    return out;
  };
  return a.total_tickets == b.total_tickets && a.total_routed == b.total_routed &&
         nonzero(a.by_department) == nonzero(b.by_department);
}

std::string describe(const AnalyticsSnapshot& s) {
  return "total " + std::to_string(s.total_tickets) + ", routed " + std::to_string(s.total_routed) +
         ", by department " + json(s.by_department).dump();
}

}  // namespace

std::optional<AnalyticsSnapshot> analytics_snapshot(e2e::HttpClient& http,
                                                    std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const json summary = get_until_ok(http, "/api/dashboard/summary", deadline);
  const json routing = get_until_ok(http, "/api/dashboard/routing", deadline);
  if (summary.is_null() || routing.is_null()) return std::nullopt;
  AnalyticsSnapshot s;
  s.total_tickets = summary["summary"].value("total_tickets", std::int64_t{0});
  s.total_routed = routing["routing_stats"].value("total_routed", std::int64_t{0});
  const json by_department = summary["summary"].value("by_department", json::object());
  for (const auto& [name, n] : by_department.items()) s.by_department[name] = n.get<std::int64_t>();
  return s;
}

AuditResult audit_run(e2e::HttpClient& http, const std::string& run_tag,
                      const std::vector<std::optional<std::int64_t>>& ids,
                      const std::vector<std::int64_t>& probe_ids, const AnalyticsSnapshot& before,
                      std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  AuditResult r;
  std::set<std::int64_t> accepted(probe_ids.begin(), probe_ids.end());
  for (const auto& id : ids)
    if (id) {
      ++r.accepted;
      accepted.insert(*id);
    }

  const auto unrouted = never_routed(http, accepted, deadline);
  for (auto id : unrouted) note(r, "ticket " + std::to_string(id) + " accepted but never routed");

  const auto tickets = tickets_of_run(http, run_tag, deadline);
  std::map<int, int> copies;  // load index -> tickets with it
  for (const auto& [id, t] : tickets) {
    const int index = index_in_title(t.value("title", ""));
    if (index >= 0) ++copies[index];
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int n = copies.count(static_cast<int>(i)) ? copies[static_cast<int>(i)] : 0;
    if (n > 1) {
      ++r.duplicated;
      note(r, "ticket #" + std::to_string(i) + " exists " + std::to_string(n) + " times");
    }
    if (ids[i] && (!tickets.count(*ids[i]) || unrouted.count(*ids[i]))) {
      ++r.lost;
      note(r, "ticket #" + std::to_string(i) + " (id " + std::to_string(*ids[i]) +
                  ") was accepted but is missing or unrouted");
    }
  }

  for (const auto& [id, t] : tickets) {
    const auto n = routings_of(http, id, deadline);
    if (n != 1) {
      ++r.not_routed_once;
      note(r, "ticket " + std::to_string(id) + " has " + std::to_string(n) + " routing records");
    }
  }

  // The projections are eventually consistent: wait (same deadline) for them to settle.
  const AnalyticsSnapshot want = expected_after(before, tickets);
  std::optional<AnalyticsSnapshot> now;
  do {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now());
    now = analytics_snapshot(http, std::max(left, std::chrono::seconds(1)));
    r.analytics_match = now && same(*now, want);
    if (!r.analytics_match) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  } while (!r.analytics_match && Clock::now() < deadline);
  if (!r.analytics_match)
    note(r, "analytics: expected " + describe(want) + "; got " +
                (now ? describe(*now) : std::string("no answer")));
  return r;
}

}  // namespace st::chaos
