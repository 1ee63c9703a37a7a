// GET /api/analytics/quality (issue 16 §4), end to end on a server of its own: tickets are
// created offline (the learned model or the keywords decide), a review confirms one, a review
// corrects one, an agent reroutes one; the endpoint then counts exactly that, per strategy and
// department, with accuracy and calibration over the three reviewed decisions. Bad filters
// are 400s.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

struct Decision {
  std::int64_t id = 0;
  std::string department;
  int confidence = 0;
  std::string by;
  bool reviewed = false;
  bool corrected = false;
};

// What the test expects of one strategy, computed here from the decisions themselves.
struct Expected {
  std::int64_t decisions = 0, reviewed = 0, corrected = 0;
  double error_sum = 0;  // of |right - confidence| over the reviewed, summed by bin below
  std::map<int, std::pair<std::int64_t, std::int64_t>> bins;  // bin -> (count, right)
  std::map<int, std::int64_t> confidence_sums;                // bin -> sum of scores
};

int bin_of(int confidence) {
  return std::min(confidence / 10, 9);
}

std::map<std::string, Expected> expected_of(const std::vector<Decision>& decisions) {
  std::map<std::string, Expected> out;
  for (const auto& d : decisions) {
    auto& e = out[d.by];
    ++e.decisions;
    if (!d.reviewed) continue;
    ++e.reviewed;
    if (d.corrected) ++e.corrected;
    auto& [count, right] = e.bins[bin_of(d.confidence)];
    ++count;
    if (!d.corrected) ++right;
    e.confidence_sums[bin_of(d.confidence)] += d.confidence;
  }
  return out;
}

std::string other_department(const std::string& department) {
  return department == "Facilities" ? "HR" : "Facilities";
}

json strategy(const json& answer, const std::string& name) {
  for (const auto& s : answer.value("strategies", json::array()))
    if (s.value("strategy", "") == name) return s;
  return nullptr;
}

std::int64_t total(const json& answer, const char* field) {
  std::int64_t n = 0;
  for (const auto& s : answer.value("strategies", json::array())) n += s.value(field, 0);
  return n;
}

class DecisionQuality : public OwnServerTest {};

TEST_F(DecisionQuality, CountsWhatReviewsAndReroutesSayAboutEachStrategy) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::vector<Decision> decisions;
  for (const auto& sample : department_samples()) {
    const json t = create_routed(http(), ticket_body(sample.title, sample.description));
    ASSERT_TRUE(t.is_object());
    decisions.push_back({t["id"].get<std::int64_t>(), t["department"].get<std::string>(),
                         t["confidence_score"].get<int>(), t["categorized_by"].get<std::string>()});
    ASSERT_NE(decisions.back().by, "manual") << t.dump();
  }
  ASSERT_GE(decisions.size(), 3u);

  // A review confirms the first, a review corrects the second, an agent reroutes the third.
  auto& confirmed = decisions[0];
  const auto path = [](const Decision& d) { return "/api/tickets/" + std::to_string(d.id); };
  ASSERT_EQ(
      http().post_json(path(confirmed) + "/review", {{"department", confirmed.department}}).status,
      200);
  confirmed.reviewed = true;
  auto& corrected = decisions[1];
  ASSERT_EQ(http()
                .post_json(path(corrected) + "/review",
                           {{"department", other_department(corrected.department)}})
                .status,
            200);
  corrected.reviewed = corrected.corrected = true;
  auto& rerouted = decisions[2];
  ASSERT_EQ(http()
                .put_json("/api/route/" + std::to_string(rerouted.id),
                          {{"department", other_department(rerouted.department)}})
                .status,
            200);
  rerouted.reviewed = rerouted.corrected = true;

  json answer;
  ASSERT_TRUE(eventually([&] {
    answer = http().get("/api/analytics/quality").json;
    return total(answer, "decisions") == static_cast<std::int64_t>(decisions.size()) &&
           total(answer, "reviewed") == 3 && total(answer, "corrected") == 2;
  })) << answer.dump();
  EXPECT_EQ(answer["bins"], 10);
  EXPECT_TRUE(answer["since"].is_null());
  EXPECT_TRUE(answer["department"].is_null());
  ASSERT_EQ(answer["strategies"].size(), 3u) << answer.dump();

  const auto expected = expected_of(decisions);
  for (const std::string name : {"claude", "model", "keywords"}) {
    SCOPED_TRACE(name);
    const json s = strategy(answer, name);
    ASSERT_TRUE(s.is_object()) << answer.dump();
    const auto it = expected.find(name);
    const Expected e = it == expected.end() ? Expected{} : it->second;
    EXPECT_EQ(s["decisions"], e.decisions);
    EXPECT_EQ(s["reviewed"], e.reviewed);
    EXPECT_EQ(s["corrected"], e.corrected);
    ASSERT_EQ(s["reliability"].size(), 10u);
    if (e.reviewed == 0) {
      EXPECT_TRUE(s["accuracy"].is_null()) << s.dump();
      EXPECT_TRUE(s["ece"].is_null()) << s.dump();
      continue;
    }
    const double accuracy = double(e.reviewed - e.corrected) / double(e.reviewed);
    EXPECT_NEAR(s["accuracy"].get<double>(), accuracy, 1e-4) << s.dump();
    double ece = 0;
    for (const auto& [bin, counted] : e.bins) {
      const auto& row = s["reliability"][static_cast<std::size_t>(bin)];
      const auto [count, right] = counted;
      EXPECT_EQ(row["count"], count) << row.dump();
      const double mean = double(e.confidence_sums.at(bin)) / 100.0 / double(count);
      EXPECT_NEAR(row["mean_confidence"].get<double>(), mean, 1e-4) << row.dump();
      EXPECT_NEAR(row["accuracy"].get<double>(), double(right) / double(count), 1e-4);
      ece += std::abs(double(right) - mean * double(count));
    }
    EXPECT_NEAR(s["ece"].get<double>(), ece / double(e.reviewed), 1e-4) << s.dump();
    for (const auto& row : s["reliability"]) {
      if (!e.bins.contains(row["from"].get<int>() / 10)) {
        EXPECT_EQ(row["count"], 0) << row.dump();
      }
    }
  }

  // Per department: where the corrected decision had sent its ticket.
  const json s = strategy(answer, corrected.by);
  json row;
  for (const auto& d : s["departments"])
    if (d["department"] == corrected.department) row = d;
  ASSERT_TRUE(row.is_object()) << s.dump();
  std::int64_t there = 0, corrected_there = 0;
  for (const auto& d : decisions)
    if (d.by == corrected.by && d.department == corrected.department) {
      ++there;
      corrected_there += d.corrected;
    }
  EXPECT_EQ(row["decisions"], there) << row.dump();
  EXPECT_EQ(row["corrected"], corrected_there) << row.dump();

  // The same, filtered to that department.
  const json one =
      http().get("/api/analytics/quality?department=" + url_encode(corrected.department)).json;
  EXPECT_EQ(one["department"], corrected.department);
  EXPECT_EQ(total(one, "decisions"), [&] {
    std::int64_t n = 0;
    for (const auto& d : decisions) n += d.department == corrected.department;
    return n;
  }()) << one.dump();
  // Before any of them was made: nothing.
  const json before = http().get("/api/analytics/quality?until=2001-01-01T00:00:00Z").json;
  EXPECT_EQ(total(before, "decisions"), 0) << before.dump();
  EXPECT_EQ(before["until"], "2001-01-01T00:00:00Z");
}

TEST_F(DecisionQuality, BadFiltersAre400) {
  ASSERT_NO_FATAL_FAILURE(start());
  for (const std::string query :
       {"since=yesterday", "until=2026-13-01T00:00:00Z",
        "since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", "department="}) {
    const Response r = http().get("/api/analytics/quality?" + query);
    EXPECT_TRUE(IsError(r, 400)) << query << ": " << r.describe();
  }
}

}  // namespace
}  // namespace st::e2e
