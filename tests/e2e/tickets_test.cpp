// Ticket lifecycle through the public API: create (sync and async), read, list with filters
// and cursor paging, status updates, and the per-department listing.
#include <set>
#include <string>
#include <vector>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Tickets : public SharedServerTest {
 protected:
  // Creates the sample of `department` with `tag` appended to the title, routed in the answer.
  json create_sample(std::string_view department, const std::string& tag) {
    const auto& s = sample_for(department);
    return create_routed(http(), ticket_body(s.title + " " + tag, s.description));
  }

  Response set_status(std::int64_t id, const json& body) {
    return http().put_json("/api/tickets/" + std::to_string(id) + "/status", body);
  }

  std::vector<std::int64_t> ids_of(const json& tickets) {
    std::vector<std::int64_t> ids;
    for (const auto& t : tickets) ids.push_back(t.value("id", std::int64_t{-1}));
    return ids;
  }
};

TEST_F(Tickets, CreateAnswers201WithTheRoutedTicket) {
  const auto& s = sample_for("IT Support");
  // Surrounding whitespace is trimmed before storing.
  const Response r =
      create_ticket(http(), ticket_body("  " + s.title + "  ", "\n" + s.description + "\t",
                                        "  Ann Lee ", " ann.lee@example.com "));
  ASSERT_TRUE(IsSuccess(r, 201));
  const json& j = r.json;
  ASSERT_TRUE(j.contains("ticket_id") && j["ticket_id"].is_number_integer()) << r.describe();
  ASSERT_TRUE(j.contains("department") && j["department"].is_string()) << r.describe();
  EXPECT_EQ(j["department"], "IT Support");
  ASSERT_TRUE(j.contains("confidence_score") && j["confidence_score"].is_number()) << r.describe();
  EXPECT_GE(num(j["confidence_score"]), 0);
  EXPECT_LE(num(j["confidence_score"]), 100);
  EXPECT_TRUE(is_offline_categorizer(j.value("categorized_by", json())))
      << "no Claude is configured in this mode: " << r.describe();
  EXPECT_EQ(j.value("status", ""), "pending");
  ASSERT_TRUE(j.contains("message") && j["message"].is_string()) << r.describe();
  EXPECT_FALSE(j["message"].get<std::string>().empty());

  ASSERT_TRUE(j.contains("ticket")) << r.describe();
  const json& t = j["ticket"];
  ASSERT_TRUE(IsTicketObject(t));
  EXPECT_EQ(t["id"], j["ticket_id"]);
  EXPECT_EQ(t["title"], s.title);
  EXPECT_EQ(t["description"], s.description);
  EXPECT_EQ(t["user_name"], "Ann Lee");
  EXPECT_EQ(t["user_email"], "ann.lee@example.com");
  EXPECT_EQ(t["department"], j["department"]);
  EXPECT_EQ(t["confidence_score"], j["confidence_score"]);
  EXPECT_EQ(t["categorized_by"], j["categorized_by"]);
  EXPECT_EQ(t["status"], "pending");
}

TEST_F(Tickets, EachDefaultDepartmentGetsItsOwnTicket) {
  for (const auto& s : department_samples()) {
    SCOPED_TRACE(s.department + ": " + s.title);
    const Response r = create_ticket(http(), ticket_body(s.title, s.description));
    ASSERT_TRUE(IsSuccess(r, 201));
    EXPECT_EQ(r.json.value("department", json()).dump(), json(s.department).dump()) << r.describe();
    EXPECT_TRUE(is_offline_categorizer(r.json.value("categorized_by", json()))) << r.describe();
    if (s.department != "General") {
      // Several strong keywords matched: the score must say it is not a guess.
      EXPECT_GT(num(r.json.value("confidence_score", json())), 0) << r.describe();
    }
  }
}

TEST_F(Tickets, RespondAsyncAnswers202AndTheTicketIsRoutedLater) {
  const auto& s = sample_for("Finance");
  const Response r = create_ticket(http(), ticket_body(s.title, s.description), /*async=*/true);
  ASSERT_TRUE(IsSuccess(r, 202));
  ASSERT_TRUE(r.json.contains("ticket_id") && r.json["ticket_id"].is_number_integer())
      << r.describe();
  EXPECT_EQ(r.json.value("status", ""), "pending");
  const auto id = r.json["ticket_id"].get<std::int64_t>();
  const json t = wait_until_routed(http(), id);
  ASSERT_TRUE(IsTicketObject(t));
  EXPECT_EQ(t.value("department", json()).dump(), "\"Finance\"") << t.dump();
  EXPECT_TRUE(is_offline_categorizer(t.value("categorized_by", json()))) << t.dump();
}

TEST_F(Tickets, GetByIdReturnsWhatCreateReturned) {
  const json created = create_sample("HR", unique_tag());
  ASSERT_TRUE(IsTicketObject(created));
  const Response r =
      http().get("/api/tickets/" + std::to_string(created["id"].get<std::int64_t>()));
  ASSERT_TRUE(IsSuccess(r, 200));
  ASSERT_TRUE(r.json.contains("ticket")) << r.describe();
  EXPECT_TRUE(IsTicketObject(r.json["ticket"]));
  for (const char* k : {"id", "title", "description", "user_name", "user_email", "department",
                        "confidence_score", "categorized_by", "status", "created_at"}) {
    EXPECT_EQ(r.json["ticket"][k], created[k]) << k;
  }
}

TEST_F(Tickets, UnknownIdIs404TicketNotFound) {
  const Response r = http().get("/api/tickets/2147480000");
  ASSERT_TRUE(IsError(r, 404));
  EXPECT_EQ(r.json.value("error", ""), "Ticket not found");
}

TEST_F(Tickets, MalformedIdsAreClientErrorsNeverServerErrors) {
  for (const char* id :
       {"abc", "-1", "0", "1.5", "1e3", "0x10", "1abc", "%20", "%00", "99999999999999999999",
        "-99999999999999999999", "18446744073709551616", "9223372036854775808"}) {
    SCOPED_TRACE(id);
    const std::string base = std::string("/api/tickets/") + id;
    EXPECT_TRUE(IsErrorOneOf(http().get(base), {400, 404}));
    EXPECT_TRUE(IsErrorOneOf(http().get(base + "/events"), {400, 404}));
    EXPECT_TRUE(
        IsErrorOneOf(http().put_json(base + "/status", {{"status", "resolved"}}), {400, 404}));
  }
}

TEST_F(Tickets, ListIsNewestFirst) {
  const std::string tag = unique_tag();
  std::vector<std::int64_t> created;
  for (const char* dept : {"IT Support", "HR", "Facilities"}) {
    const json t = create_sample(dept, tag);
    ASSERT_TRUE(t.is_object());
    created.push_back(t["id"].get<std::int64_t>());
  }
  const Response r = http().get("/api/tickets?q=" + tag);
  ASSERT_TRUE(IsSuccess(r, 200));
  ASSERT_TRUE(r.json.contains("tickets") && r.json["tickets"].is_array()) << r.describe();
  EXPECT_EQ(r.json.value("count", -1), 3);
  EXPECT_TRUE(r.json.contains("next_cursor") && r.json["next_cursor"].is_null()) << r.describe();
  EXPECT_EQ(ids_of(r.json["tickets"]),
            (std::vector<std::int64_t>{created[2], created[1], created[0]}));
  for (const auto& t : r.json["tickets"]) EXPECT_TRUE(IsTicketObject(t));

  // Without filters the newest ticket of the whole system (ours: tests run one at a time) is
  // first, and the default page holds at most 50.
  const Response all = http().get("/api/tickets");
  ASSERT_TRUE(IsSuccess(all, 200));
  ASSERT_FALSE(all.json["tickets"].empty());
  EXPECT_EQ(all.json["tickets"][0].value("id", std::int64_t{-1}), created[2]);
  EXPECT_LE(all.json["tickets"].size(), 50u);
  EXPECT_EQ(all.json.value("count", -1), static_cast<int>(all.json["tickets"].size()));
}

TEST_F(Tickets, ListFiltersByStatusDepartmentAndText) {
  const std::string tag = unique_tag();
  const json hr = create_sample("HR", tag);
  const json it = create_sample("IT Support", tag);
  // The tag only in the description: q searches both title and description.
  const auto& f = sample_for("Facilities");
  const json fac = create_routed(http(), ticket_body(f.title, f.description + " Ref " + tag));
  ASSERT_TRUE(hr.is_object() && it.is_object() && fac.is_object());
  const auto hr_id = hr["id"].get<std::int64_t>();
  const auto it_id = it["id"].get<std::int64_t>();
  const auto fac_id = fac["id"].get<std::int64_t>();
  ASSERT_TRUE(IsSuccess(set_status(it_id, {{"status", "resolved"}}), 200));

  auto ids = [&](const std::string& query) {
    const Response r = http().get("/api/tickets?" + query);
    EXPECT_TRUE(IsSuccess(r, 200)) << query;
    return r.json.contains("tickets") ? ids_of(r.json["tickets"]) : std::vector<std::int64_t>{};
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(ids("q=" + tag), (V{fac_id, it_id, hr_id}));
  std::string upper = tag;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(ids("q=" + upper), (V{fac_id, it_id, hr_id})) << "q is case-insensitive";
  EXPECT_EQ(ids("q=" + tag + "&status=resolved"), (V{it_id}));
  EXPECT_EQ(ids("q=" + tag + "&status=pending"), (V{fac_id, hr_id}));
  EXPECT_EQ(ids("q=" + tag + "&department=HR"), (V{hr_id}));
  EXPECT_EQ(ids("q=" + tag + "&department=IT%20Support"), (V{it_id}));
  EXPECT_EQ(ids("q=" + tag + "&department=IT%20Support&status=pending"), V{});
  EXPECT_EQ(ids("q=" + tag + "&department=Facilities&status=pending"), (V{fac_id}));
  EXPECT_EQ(ids("q=" + unique_tag()), V{}) << "an unmatched search is an empty page, not an error";

  // Named: a range-for over a member of a temporary would iterate freed memory.
  const Response resolved = http().get("/api/tickets?status=resolved&limit=200");
  for (const auto& t : resolved.json.value("tickets", json::array())) {
    EXPECT_EQ(t.value("status", ""), "resolved");
  }
  EXPECT_TRUE(IsError(http().get("/api/tickets?status=bogus"), 400));
}

TEST_F(Tickets, LimitMustBeBetween1And200) {
  ASSERT_TRUE(create_sample("General", unique_tag()).is_object());
  const Response one = http().get("/api/tickets?limit=1");
  ASSERT_TRUE(IsSuccess(one, 200));
  EXPECT_EQ(one.json.value("count", -1), 1);
  EXPECT_EQ(one.json["tickets"].size(), 1u);
  const Response max = http().get("/api/tickets?limit=200");
  ASSERT_TRUE(IsSuccess(max, 200));
  EXPECT_LE(max.json["tickets"].size(), 200u);
  for (const char* bad : {"0", "201", "-1", "abc", "", "1.5", "99999999999999999999"}) {
    SCOPED_TRACE(std::string("limit=") + bad);
    EXPECT_TRUE(IsError(http().get(std::string("/api/tickets?limit=") + bad), 400));
  }
}

TEST_F(Tickets, CursorPagingVisitsEveryTicketExactlyOnce) {
  const std::string tag = unique_tag();
  std::vector<std::int64_t> created;
  for (int i = 0; i < 7; ++i) {
    const auto& s = department_samples()[static_cast<std::size_t>(i) % 5];
    const json t = create_routed(http(), ticket_body(s.title + " " + tag, s.description));
    ASSERT_TRUE(t.is_object());
    created.push_back(t["id"].get<std::int64_t>());
  }
  std::vector<std::int64_t> walked;
  std::vector<std::size_t> page_sizes;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string target = "/api/tickets?q=" + tag + "&limit=3";
    if (!cursor.empty()) target += "&cursor=" + url_encode(cursor);
    const Response r = http().get(target);
    ASSERT_TRUE(IsSuccess(r, 200)) << target;
    ASSERT_TRUE(r.json.contains("next_cursor")) << r.describe();
    const auto ids = ids_of(r.json["tickets"]);
    EXPECT_EQ(r.json.value("count", -1), static_cast<int>(ids.size()));
    page_sizes.push_back(ids.size());
    walked.insert(walked.end(), ids.begin(), ids.end());
    if (r.json["next_cursor"].is_null()) break;
    cursor = r.json["next_cursor"].is_string() ? r.json["next_cursor"].get<std::string>()
                                               : r.json["next_cursor"].dump();
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{3, 3, 1}));
  const std::vector<std::int64_t> expected(created.rbegin(), created.rend());
  EXPECT_EQ(walked, expected) << "every ticket once, newest first across pages";
}

TEST_F(Tickets, BadCursorIs400) {
  EXPECT_TRUE(IsError(http().get("/api/tickets?cursor=%21%21not-a-cursor%21%21"), 400));
  EXPECT_TRUE(IsError(http().get("/api/tickets?cursor=%FF%FE%00"), 400));
}

TEST_F(Tickets, StatusUpdatesReturnTheUpdatedTicket) {
  const json t = create_sample("Facilities", unique_tag());
  ASSERT_TRUE(t.is_object());
  const auto id = t["id"].get<std::int64_t>();
  for (const char* status : {"in_progress", "waiting_on_customer", "resolved", "pending"}) {
    SCOPED_TRACE(status);
    const Response r = set_status(id, {{"status", status}});
    ASSERT_TRUE(IsSuccess(r, 200));
    EXPECT_EQ(r.json.value("message", ""), std::string("Ticket status updated to ") + status);
    ASSERT_TRUE(r.json.contains("ticket")) << r.describe();
    EXPECT_TRUE(IsTicketObject(r.json["ticket"]));
    EXPECT_EQ(r.json["ticket"].value("status", ""), status);
    EXPECT_EQ(r.json["ticket"].value("id", std::int64_t{-1}), id);
    EXPECT_EQ(r.json["ticket"]["department"], t["department"]) << "status change keeps routing";
    // ISO-8601 strings of one format order like the instants they denote.
    EXPECT_GE(r.json["ticket"].value("updated_at", ""), t.value("updated_at", ""));
    EXPECT_EQ(http().get("/api/tickets/" + std::to_string(id)).json["ticket"].value("status", ""),
              status);
  }
}

TEST_F(Tickets, StatusUpdateRejectsInvalidStatus) {
  const json t = create_sample("IT Support", unique_tag());
  ASSERT_TRUE(t.is_object());
  const auto id = t["id"].get<std::int64_t>();
  for (const json& body :
       {json{{"status", "closed"}}, json::object(), json{{"status", 42}}, json{{"status", nullptr}},
        json{{"status", ""}}, json{{"status", json::array({"resolved"})}},
        json{{"state", "resolved"}}}) {
    SCOPED_TRACE(body.dump());
    EXPECT_TRUE(IsError(set_status(id, body), 400, "status"));
  }
  EXPECT_TRUE(IsError(http().request("PUT", "/api/tickets/" + std::to_string(id) + "/status",
                                     "{\"status\":", {{"Content-Type", "application/json"}}),
                      400));
  EXPECT_EQ(http().get("/api/tickets/" + std::to_string(id)).json["ticket"].value("status", ""),
            "pending")
      << "a rejected update changes nothing";
}

TEST_F(Tickets, StatusUpdateOfUnknownTicketIs404) {
  EXPECT_TRUE(
      IsError(http().put_json("/api/tickets/2147480001/status", {{"status", "resolved"}}), 404));
}

TEST_F(Tickets, DepartmentTicketsWithAndWithoutStatusFilter) {
  const std::string tag = unique_tag();
  const json pending = create_sample("HR", tag);
  const json resolved = create_sample("HR", tag);
  ASSERT_TRUE(pending.is_object() && resolved.is_object());
  const auto pending_id = pending["id"].get<std::int64_t>();
  const auto resolved_id = resolved["id"].get<std::int64_t>();
  ASSERT_TRUE(IsSuccess(set_status(resolved_id, {{"status", "resolved"}}), 200));

  auto ids_in = [&](const Response& r) {
    std::set<std::int64_t> ids;
    for (const auto& t : r.json["tickets"]) ids.insert(t.value("id", std::int64_t{-1}));
    return ids;
  };

  const Response all = http().get("/api/departments/HR/tickets");
  ASSERT_TRUE(IsSuccess(all, 200));
  EXPECT_EQ(all.json.value("department", ""), "HR");
  ASSERT_TRUE(all.json.contains("status_filter")) << all.describe();
  EXPECT_TRUE(all.json["status_filter"].is_null()) << all.describe();
  ASSERT_TRUE(all.json.contains("tickets") && all.json["tickets"].is_array()) << all.describe();
  EXPECT_EQ(all.json.value("ticket_count", -1), static_cast<int>(all.json["tickets"].size()));
  for (const auto& t : all.json["tickets"]) EXPECT_EQ(t.value("department", ""), "HR");
  EXPECT_TRUE(ids_in(all).count(pending_id));
  EXPECT_TRUE(ids_in(all).count(resolved_id));

  const Response res = http().get("/api/departments/HR/tickets?status=resolved");
  ASSERT_TRUE(IsSuccess(res, 200));
  EXPECT_EQ(res.json.value("status_filter", ""), "resolved");
  EXPECT_EQ(res.json.value("ticket_count", -1), static_cast<int>(res.json["tickets"].size()));
  for (const auto& t : res.json["tickets"]) {
    EXPECT_EQ(t.value("department", ""), "HR");
    EXPECT_EQ(t.value("status", ""), "resolved");
  }
  EXPECT_TRUE(ids_in(res).count(resolved_id));
  EXPECT_FALSE(ids_in(res).count(pending_id));

  const Response it = http().get("/api/departments/IT%20Support/tickets?status=pending");
  ASSERT_TRUE(IsSuccess(it, 200));
  EXPECT_EQ(it.json.value("department", ""), "IT Support");
}

TEST_F(Tickets, DepartmentTicketsRejectsUnknownDepartmentOrStatus) {
  EXPECT_TRUE(IsError(http().get("/api/departments/" + unique_tag() + "/tickets"), 400));
  EXPECT_TRUE(IsError(http().get("/api/departments/HR/tickets?status=bogus"), 400));
  EXPECT_TRUE(IsError(http().get("/api/departments/HR/tickets?status="), 400));
}

}  // namespace
}  // namespace st::e2e
