// Categorize without creating, explicit routing, manual reroute, routing history and the
// routing statistics (exact numbers on a fresh server).
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

// Servers may round averages and percentages; half a unit covers rounding to integers.
constexpr double kRoundingTolerance = 0.51;

std::string ticket_path(std::int64_t id) {
  return "/api/tickets/" + std::to_string(id);
}

json history_of(HttpClient& http, std::int64_t id) {
  const Response r = http.get("/api/routing/history/" + std::to_string(id));
  EXPECT_TRUE(IsSuccess(r, 200));
  return r.json;
}

std::vector<std::string> history_departments(const json& h) {
  std::vector<std::string> out;
  if (!h.contains("history") || !h["history"].is_array()) return out;
  for (const auto& e : h["history"]) out.push_back(e.value("department", ""));
  return out;
}

class Routing : public SharedServerTest {
 protected:
  std::int64_t create(std::string_view department) {
    const auto& s = sample_for(department);
    const json t = create_routed(http(), ticket_body(s.title + " " + unique_tag(), s.description));
    return t.is_object() ? t.value("id", std::int64_t{-1}) : -1;
  }
};

TEST_F(Routing, CategorizeAnswersWithoutCreatingATicket) {
  const Census before = census(http());
  for (const auto& s : department_samples()) {
    SCOPED_TRACE(s.department);
    const Response r =
        http().post_json("/api/categorize", {{"title", s.title}, {"description", s.description}});
    ASSERT_TRUE(IsSuccess(r, 200));
    EXPECT_EQ(r.json.value("department", json()).dump(), json(s.department).dump());
    ASSERT_TRUE(r.json.contains("confidence_score") && r.json["confidence_score"].is_number())
        << r.describe();
    EXPECT_GE(num(r.json["confidence_score"]), 0);
    EXPECT_LE(num(r.json["confidence_score"]), 100);
    EXPECT_TRUE(is_offline_categorizer(r.json.value("categorized_by", json()))) << r.describe();
  }
  EXPECT_EQ(census(http()), before) << "/api/categorize must not create tickets";
}

TEST_F(Routing, CategorizeAgreesWithTheCreatePipeline) {
  const auto& s = sample_for("Facilities");
  const Response c =
      http().post_json("/api/categorize", {{"title", s.title}, {"description", s.description}});
  ASSERT_TRUE(IsSuccess(c, 200));
  const json t = create_routed(http(), ticket_body(s.title, s.description));
  ASSERT_TRUE(t.is_object());
  EXPECT_EQ(t["department"], c.json["department"]);
  EXPECT_EQ(t["confidence_score"], c.json["confidence_score"]);
}

TEST_F(Routing, CategorizeRejectsBadInput) {
  const Census before = census(http());
  const auto& s = sample_for("HR");
  EXPECT_TRUE(
      IsError(http().post_json("/api/categorize", {{"description", s.description}}), 400, "title"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/categorize", {{"title", s.title}}), 400, "description"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/categorize", {{"title", 5}, {"description", s.description}}),
              400, "title"));
  EXPECT_TRUE(
      IsError(http().post_json("/api/categorize", {{"title", s.title}, {"description", nullptr}}),
              400, "description"));
  EXPECT_TRUE(IsError(http().request("POST", "/api/categorize",
                                     "{\"title\":", {{"Content-Type", "application/json"}}),
                      400));
  EXPECT_TRUE(IsError(
      http().request("POST", "/api/categorize", "[]", {{"Content-Type", "application/json"}}),
      400));
  EXPECT_TRUE(IsError(
      http().request("POST", "/api/categorize", "title=x", {{"Content-Type", "text/plain"}}), 415));
  EXPECT_EQ(census(http()), before);
}

TEST_F(Routing, RouteTicketRecordsARoutingAndMovesTheTicket) {
  const auto id = create("IT Support");
  ASSERT_GT(id, 0);
  const Response r = http().post_json(
      "/api/route", {{"ticket_id", id}, {"department", "Finance"}, {"confidence_score", 77}});
  ASSERT_TRUE(IsSuccess(r, 201));
  EXPECT_TRUE(r.json.contains("routing_id") && r.json["routing_id"].is_number_integer())
      << r.describe();
  EXPECT_EQ(r.json.value("ticket_id", std::int64_t{-1}), id);
  EXPECT_EQ(r.json.value("department", ""), "Finance");
  EXPECT_EQ(num(r.json.value("confidence_score", json())), 77);
  const json t = wait_for_ticket(
      http(), id, [](const json& t) { return t.value("department", json()) == "Finance"; });
  EXPECT_EQ(t.value("department", json()).dump(), "\"Finance\"") << t.dump();
  EXPECT_EQ(history_departments(history_of(http(), id)),
            (std::vector<std::string>{"IT Support", "Finance"}));
}

TEST_F(Routing, RouteRejectsUnknownTicketDepartmentAndScore) {
  const auto id = create("HR");
  ASSERT_GT(id, 0);
  auto route = [&](const json& body) { return http().post_json("/api/route", body); };
  EXPECT_TRUE(IsError(
      route({{"ticket_id", 2147480002}, {"department", "HR"}, {"confidence_score", 50}}), 404));
  EXPECT_TRUE(IsError(
      route({{"ticket_id", id}, {"department", "No Such Dept"}, {"confidence_score", 50}}), 400));
  for (const json& score : {json(-1), json(101), json(1000), json("high"), json(nullptr)}) {
    SCOPED_TRACE(score.dump());
    EXPECT_TRUE(
        IsError(route({{"ticket_id", id}, {"department", "HR"}, {"confidence_score", score}}), 400,
                "confidence_score"));
  }
  EXPECT_TRUE(IsError(route({{"department", "HR"}, {"confidence_score", 50}}), 400, "ticket_id"));
  EXPECT_TRUE(IsError(route({{"ticket_id", "abc"}, {"department", "HR"}, {"confidence_score", 50}}),
                      400, "ticket_id"));
  EXPECT_TRUE(IsError(route({{"ticket_id", id}, {"confidence_score", 50}}), 400, "department"));
  EXPECT_TRUE(IsError(route({{"ticket_id", id}, {"department", 3}, {"confidence_score", 50}}), 400,
                      "department"));
  EXPECT_EQ(history_of(http(), id).value("count", -1), 1) << "rejected routings are not recorded";
}

TEST_F(Routing, ManualRerouteDefaultsTo100AndMarksTheTicketManual) {
  const auto id = create("HR");
  ASSERT_GT(id, 0);
  const Response r =
      http().put_json("/api/route/" + std::to_string(id), {{"department", "Facilities"}});
  ASSERT_TRUE(IsSuccess(r, 200));
  EXPECT_TRUE(r.json.contains("routing_id") && r.json["routing_id"].is_number_integer())
      << r.describe();
  EXPECT_EQ(r.json.value("ticket_id", std::int64_t{-1}), id);
  EXPECT_EQ(r.json.value("department", ""), "Facilities");
  EXPECT_EQ(num(r.json.value("confidence_score", json())), 100);
  EXPECT_EQ(r.json.value("rerouted", false), true);

  const json t = wait_for_ticket(http(), id, [](const json& t) {
    return t.value("department", json()) == "Facilities" &&
           t.value("categorized_by", json()) == "manual";
  });
  EXPECT_EQ(t.value("department", json()).dump(), "\"Facilities\"") << t.dump();
  EXPECT_EQ(t.value("categorized_by", json()).dump(), "\"manual\"") << t.dump();
  EXPECT_EQ(num(t.value("confidence_score", json())), 100) << t.dump();

  const Response again = http().put_json("/api/route/" + std::to_string(id),
                                         {{"department", "general"}, {"confidence_score", 55}});
  ASSERT_TRUE(IsSuccess(again, 200));
  EXPECT_EQ(num(again.json.value("confidence_score", json())), 55);
  EXPECT_EQ(again.json.value("department", ""), "General")
      << "names are matched case-insensitively";
}

TEST_F(Routing, ManualRerouteRejectsBadInput) {
  const auto id = create("Finance");
  ASSERT_GT(id, 0);
  const std::string path = "/api/route/" + std::to_string(id);
  EXPECT_TRUE(IsError(http().put_json("/api/route/2147480003", {{"department", "HR"}}), 404));
  EXPECT_TRUE(IsError(http().put_json(path, {{"department", "No Such Dept"}}), 400));
  EXPECT_TRUE(IsError(http().put_json(path, json::object()), 400, "department"));
  EXPECT_TRUE(IsError(http().put_json(path, {{"department", "HR"}, {"confidence_score", 101}}), 400,
                      "confidence_score"));
  EXPECT_TRUE(IsErrorOneOf(http().put_json("/api/route/abc", {{"department", "HR"}}), {400, 404}));
  const json t = http().get(ticket_path(id)).json["ticket"];
  EXPECT_EQ(t.value("department", json()).dump(), "\"Finance\"") << "nothing was rerouted";
  EXPECT_TRUE(is_offline_categorizer(t.value("categorized_by", json()))) << t.dump();
}

TEST_F(Routing, HistoryListsEveryRoutingOldestFirst) {
  const auto id = create("IT Support");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(IsSuccess(
      http().post_json("/api/route",
                       {{"ticket_id", id}, {"department", "Finance"}, {"confidence_score", 70}}),
      201));
  ASSERT_TRUE(
      IsSuccess(http().put_json("/api/route/" + std::to_string(id), {{"department", "HR"}}), 200));
  const json h = history_of(http(), id);
  EXPECT_EQ(h.value("ticket_id", std::int64_t{-1}), id);
  EXPECT_EQ(h.value("count", -1), 3);
  EXPECT_EQ(history_departments(h), (std::vector<std::string>{"IT Support", "Finance", "HR"}));
  if (h.contains("history") && h["history"].size() == 3) {
    EXPECT_EQ(num(h["history"][1].value("confidence_score", json())), 70);
    EXPECT_EQ(num(h["history"][2].value("confidence_score", json())), 100);
  }
  EXPECT_TRUE(IsError(http().get("/api/routing/history/2147480004"), 404));
  EXPECT_TRUE(IsErrorOneOf(http().get("/api/routing/history/abc"), {400, 404}));
}

// Reads `base` page by page (`limit` 2) and checks each page against the whole list, which
// one page of the default size (200) gives.
void expect_paged(HttpClient& http, const std::string& base, const std::string& key,
                  std::size_t at_least) {
  std::vector<json> rows;
  std::string target = base + "?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    const Response r = http.get(target);
    ASSERT_TRUE(IsSuccess(r, 200)) << target;
    EXPECT_LE(r.json[key].size(), 2u);
    EXPECT_EQ(r.json.value("count", -1), static_cast<int>(r.json[key].size()));
    for (const auto& row : r.json[key]) rows.push_back(row);
    if (r.json["next_cursor"].is_null()) break;
    target = base + "?limit=2&cursor=" + url_encode(r.json["next_cursor"].get<std::string>());
  }
  const Response all = http.get(base);
  ASSERT_TRUE(IsSuccess(all, 200));
  EXPECT_TRUE(all.json["next_cursor"].is_null());
  EXPECT_EQ(json(rows), all.json[key]) << base;
  EXPECT_GE(rows.size(), at_least) << base;
  EXPECT_TRUE(IsError(http.get(base + "?limit=0"), 400)) << base;
  EXPECT_TRUE(IsError(http.get(base + "?limit=201"), 400)) << base;
  EXPECT_TRUE(IsError(http.get(base + "?cursor=nonsense"), 400)) << base;
}

// Through the gateway: routing history and the audit trail come in pages, oldest first,
// `limit` rows at most, `next_cursor` leading to the next page until it is null.
TEST_F(Routing, HistoryAndTrailArePagedOldestFirst) {
  const auto rerouted = create("IT Support");
  ASSERT_GT(rerouted, 0);
  for (const char* department : {"Finance", "HR"})
    ASSERT_TRUE(IsSuccess(
        http().put_json("/api/route/" + std::to_string(rerouted), {{"department", department}}),
        200));
  expect_paged(http(), "/api/routing/history/" + std::to_string(rerouted), "history", 3);

  // created, categorized, routed and two status changes; analytics records them shortly after.
  const auto moved = create("HR");
  ASSERT_GT(moved, 0);
  for (const char* status : {"in_progress", "resolved"})
    ASSERT_TRUE(
        IsSuccess(http().put_json(ticket_path(moved) + "/status", {{"status", status}}), 200));
  const std::string trail = ticket_path(moved) + "/events";
  ASSERT_TRUE(eventually([&] { return http().get(trail).json["events"].size() >= 5; }));
  expect_paged(http(), trail, "events", 5);
}

class RoutingStatistics : public OwnServerTest {};

TEST_F(RoutingStatistics, NumbersMatchWhatWasRouted) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::map<std::string, std::vector<double>> scores;
  for (const char* dept : {"IT Support", "IT Support", "IT Support", "HR", "HR", "General"}) {
    const auto& s = sample_for(dept);
    const json t = create_routed(http(), ticket_body(s.title, s.description));
    ASSERT_TRUE(t.is_object());
    ASSERT_EQ(t.value("department", json()).dump(), json(dept).dump());
    scores[dept].push_back(num(t["confidence_score"]));
  }
  const Response r = http().get("/api/routing/statistics");
  ASSERT_TRUE(IsSuccess(r, 200));
  const json& j = r.json;
  for (const char* k :
       {"department_distribution", "department_percentages", "average_confidence_by_department"}) {
    ASSERT_TRUE(j.contains(k) && j[k].is_object()) << k << ": " << r.describe();
  }
  EXPECT_EQ(j.value("total_routings", -1), 6) << r.describe();
  double all_sum = 0;
  for (const auto& [dept, list] : scores) {
    SCOPED_TRACE(dept);
    const double sum = std::accumulate(list.begin(), list.end(), 0.0);
    all_sum += sum;
    EXPECT_EQ(num(j["department_distribution"].value(dept, json())), list.size());
    EXPECT_NEAR(num(j["department_percentages"].value(dept, json())), 100.0 * list.size() / 6,
                kRoundingTolerance);
    EXPECT_NEAR(num(j["average_confidence_by_department"].value(dept, json())), sum / list.size(),
                kRoundingTolerance);
  }
  // Departments nothing was routed to count zero (or are left out).
  for (const char* dept : {"Facilities", "Finance"}) {
    if (j["department_distribution"].contains(dept)) {
      EXPECT_EQ(num(j["department_distribution"][dept]), 0) << dept;
    }
  }
  EXPECT_NEAR(num(j.value("overall_average_confidence", json())), all_sum / 6, kRoundingTolerance);

  // A manual reroute is one more routing.
  const json first = http().get("/api/tickets?limit=1").json["tickets"][0];
  ASSERT_TRUE(
      IsSuccess(http().put_json("/api/route/" + std::to_string(first["id"].get<std::int64_t>()),
                                {{"department", "Finance"}}),
                200));
  int total = -1;
  EXPECT_TRUE(eventually([&] {
    total = http().get("/api/routing/statistics").json.value("total_routings", -1);
    return total == 7;
  })) << "total_routings after a reroute: "
      << total;
}

}  // namespace
}  // namespace st::e2e
