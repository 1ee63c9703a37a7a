// Departments are rows an admin manages: the five defaults, lookup, add, update, deactivate.
#include <set>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

const std::set<std::string> kDefaults{"IT Support", "HR", "Facilities", "Finance", "General"};

::testing::AssertionResult IsDepartmentObject(const json& d) {
  if (!d.is_object()) return ::testing::AssertionFailure() << "not an object: " << d.dump();
  if (!d.contains("id") || !d["id"].is_number_integer()) {
    return ::testing::AssertionFailure() << "id is not an integer: " << d.dump();
  }
  if (!d.contains("name") || !d["name"].is_string()) {
    return ::testing::AssertionFailure() << "name is not a string: " << d.dump();
  }
  if (!d.contains("description") || !(d["description"].is_string() || d["description"].is_null())) {
    return ::testing::AssertionFailure() << "description missing: " << d.dump();
  }
  if (!d.contains("is_active") || !d["is_active"].is_boolean()) {
    return ::testing::AssertionFailure() << "is_active is not a boolean: " << d.dump();
  }
  if (!d.contains("created_at") || !is_iso8601_utc(d["created_at"])) {
    return ::testing::AssertionFailure() << "created_at is not ISO-8601 UTC: " << d.dump();
  }
  return ::testing::AssertionSuccess();
}

std::set<std::string> listed_names(HttpClient& http) {
  const Response r = http.get("/api/departments");
  EXPECT_TRUE(IsSuccess(r, 200));
  std::set<std::string> names;
  if (!r.json.contains("departments") || !r.json["departments"].is_array()) return names;
  for (const auto& d : r.json["departments"]) names.insert(d.value("name", ""));
  return names;
}

// A name no other test (or earlier run against an external deployment) uses.
std::string fresh_name(std::string_view prefix) {
  return std::string(prefix) + " " + unique_tag();
}

class Departments : public SharedServerTest {};

TEST_F(Departments, ListHasTheDefaultsWithFullObjects) {
  const Response r = http().get("/api/departments");
  ASSERT_TRUE(IsSuccess(r, 200));
  ASSERT_TRUE(r.json.contains("departments") && r.json["departments"].is_array()) << r.describe();
  ASSERT_TRUE(r.json.contains("count") && r.json["count"].is_number_integer()) << r.describe();
  EXPECT_EQ(r.json["count"].get<std::size_t>(), r.json["departments"].size());
  std::set<std::string> names;
  for (const auto& d : r.json["departments"]) {
    EXPECT_TRUE(IsDepartmentObject(d));
    EXPECT_EQ(d.value("is_active", false), true) << "the list shows active departments only";
    names.insert(d.value("name", ""));
  }
  for (const auto& def : kDefaults) EXPECT_TRUE(names.count(def)) << def << " missing";
}

class FreshDepartments : public OwnServerTest {};

TEST_F(FreshDepartments, FirstStartCreatesExactlyTheFiveDefaults) {
  ASSERT_NO_FATAL_FAILURE(start());
  const Response r = http().get("/api/departments");
  ASSERT_TRUE(IsSuccess(r, 200));
  EXPECT_EQ(r.json.value("count", -1), 5) << r.describe();
  EXPECT_EQ(listed_names(http()), kDefaults);
}

TEST_F(Departments, GetOneByNameCaseInsensitiveAndUrlEncoded) {
  struct Case {
    const char* path;
    const char* canonical;
  };
  for (const Case& c :
       {Case{"/api/departments/IT%20Support", "IT Support"},
        Case{"/api/departments/it%20support", "IT Support"}, Case{"/api/departments/hr", "HR"},
        Case{"/api/departments/HR", "HR"}, Case{"/api/departments/FINANCE", "Finance"},
        Case{"/api/departments/General", "General"}}) {
    SCOPED_TRACE(c.path);
    const Response r = http().get(c.path);
    ASSERT_TRUE(IsSuccess(r, 200));
    ASSERT_TRUE(r.json.contains("department")) << r.describe();
    EXPECT_TRUE(IsDepartmentObject(r.json["department"]));
    EXPECT_EQ(r.json["department"].value("name", ""), c.canonical);
  }
}

TEST_F(Departments, UnknownDepartmentIs404) {
  EXPECT_TRUE(IsError(http().get("/api/departments/No%20Such%20Department"), 404));
  EXPECT_TRUE(IsError(http().get("/api/departments/" + unique_tag()), 404));
}

TEST_F(Departments, AddThenSameNameInAnyCaseIsAConflict) {
  const std::string name = fresh_name("Legal");
  const Response created =
      http().post_json("/api/departments", {{"name", name}, {"description", "Contracts and NDAs"}});
  ASSERT_TRUE(IsSuccess(created, 201));
  ASSERT_TRUE(created.json.contains("department")) << created.describe();
  const json& d = created.json["department"];
  EXPECT_TRUE(IsDepartmentObject(d));
  EXPECT_EQ(d.value("name", ""), name);
  EXPECT_EQ(d.value("description", ""), "Contracts and NDAs");
  EXPECT_EQ(d.value("is_active", false), true);

  const Response got = http().get("/api/departments/" + url_encode(name));
  ASSERT_TRUE(IsSuccess(got, 200));
  EXPECT_EQ(got.json["department"].value("id", -1), d.value("id", -2));
  EXPECT_TRUE(listed_names(http()).count(name));

  std::string upper = name;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string lower = name;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& again : {name, upper, lower}) {
    SCOPED_TRACE(again);
    EXPECT_TRUE(IsError(http().post_json("/api/departments", {{"name", again}}), 409));
  }
  // A default department is a conflict too.
  EXPECT_TRUE(IsError(http().post_json("/api/departments", {{"name", "it support"}}), 409));
}

TEST_F(Departments, AddRejectsInvalidInputAndCreatesNothing) {
  const std::set<std::string> before = listed_names(http());
  struct Case {
    std::string what;
    json body;
    std::string field;
  };
  const std::vector<Case> cases{
      {"missing name", {{"description", "x"}}, "name"},
      {"empty name", {{"name", ""}}, "name"},
      {"whitespace name", {{"name", "   \t "}}, "name"},
      {"name of 101 characters", {{"name", std::string(101, 'N')}}, "name"},
      {"name is a number", {{"name", 42}}, "name"},
      {"name is null", {{"name", nullptr}}, "name"},
      {"name is an array", {{"name", json::array({"Legal"})}}, "name"},
      {"name is an object", {{"name", {{"x", 1}}}}, "name"},
      {"name is a boolean", {{"name", true}}, "name"},
      {"description is a number",
       {{"name", fresh_name("Typed")}, {"description", 7}},
       "description"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_TRUE(IsError(http().post_json("/api/departments", c.body), 400, c.field));
  }
  EXPECT_TRUE(IsError(http().request("POST", "/api/departments",
                                     "{\"name\": ", {{"Content-Type", "application/json"}}),
                      400));
  EXPECT_TRUE(IsError(http().request("POST", "/api/departments", "[\"Legal\"]",
                                     {{"Content-Type", "application/json"}}),
                      400));
  EXPECT_TRUE(IsError(
      http().request("POST", "/api/departments", "name=Legal", {{"Content-Type", "text/plain"}}),
      415));
  EXPECT_EQ(listed_names(http()), before) << "a rejected request must not add a department";
}

TEST_F(Departments, UpdateDescriptionAndActiveFlag) {
  const std::string name = fresh_name("Security");
  ASSERT_TRUE(IsSuccess(http().post_json("/api/departments", {{"name", name}}), 201));
  const std::string path = "/api/departments/" + url_encode(name);

  const Response desc = http().put_json(path, {{"description", "Badges, alarms and CCTV"}});
  ASSERT_TRUE(IsSuccess(desc, 200));
  EXPECT_TRUE(IsDepartmentObject(desc.json["department"]));
  EXPECT_EQ(desc.json["department"].value("description", ""), "Badges, alarms and CCTV");
  EXPECT_EQ(desc.json["department"].value("name", ""), name);
  EXPECT_EQ(http().get(path).json["department"].value("description", ""),
            "Badges, alarms and CCTV");

  const Response off = http().put_json(path, {{"is_active", false}});
  ASSERT_TRUE(IsSuccess(off, 200));
  EXPECT_EQ(off.json["department"].value("is_active", true), false);
  EXPECT_FALSE(listed_names(http()).count(name)) << "a deactivated department left the list";

  const Response on = http().put_json(path, {{"is_active", true}});
  ASSERT_TRUE(IsSuccess(on, 200));
  EXPECT_EQ(on.json["department"].value("is_active", false), true);
  EXPECT_TRUE(listed_names(http()).count(name)) << "a reactivated department is listed again";
}

TEST_F(Departments, UpdateUnknownIs404AndBadTypesAre400) {
  EXPECT_TRUE(IsError(
      http().put_json("/api/departments/" + unique_tag(), {{"description", "nobody home"}}), 404));
  const std::string name = fresh_name("Typing");
  ASSERT_TRUE(IsSuccess(http().post_json("/api/departments", {{"name", name}}), 201));
  const std::string path = "/api/departments/" + url_encode(name);
  EXPECT_TRUE(IsError(http().put_json(path, {{"is_active", "no"}}), 400, "is_active"));
  EXPECT_TRUE(IsError(http().put_json(path, {{"description", 12}}), 400, "description"));
  EXPECT_TRUE(
      IsError(http().request("PUT", path, "{oops", {{"Content-Type", "application/json"}}), 400));
  // Nothing of the rejected updates stuck.
  const Response got = http().get(path);
  ASSERT_TRUE(IsSuccess(got, 200));
  EXPECT_EQ(got.json["department"].value("is_active", false), true);
}

TEST_F(Departments, GeneralCannotBeDeactivated) {
  // The pipeline sends tickets whose department vanished to General: it must stay active.
  EXPECT_TRUE(IsError(http().put_json("/api/departments/general", {{"is_active", false}}), 400,
                      "is_active"));
  const Response still = http().get("/api/departments/General");
  ASSERT_EQ(still.status, 200) << still.describe();
  EXPECT_EQ(still.json["department"].value("is_active", false), true);
}

}  // namespace
}  // namespace st::e2e
