// Priority end to end: the offline pipeline (no Claude key) estimates it from the ticket's
// cues, an agent changes it (recorded in the trail with who did), and the list filters and
// sorts by it.
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Priority : public SharedServerTest {};

std::vector<std::int64_t> ids_of(const std::vector<json>& tickets) {
  std::vector<std::int64_t> out;
  for (const auto& t : tickets) out.push_back(t.value("id", std::int64_t{0}));
  return out;
}

TEST_F(Priority, AnUrgentSoundingTicketIsRoutedUrgentAndAnAgentChangesItOnTheRecord) {
  const std::string tag = unique_tag();
  const json urgent = create_routed(
      http(), ticket_body("Email down for the whole office " + tag,
                          "Nobody on our floor can send or receive email since this morning."));
  ASSERT_TRUE(IsTicketObject(urgent));
  if (!is_offline_categorizer(urgent["categorized_by"]))
    GTEST_SKIP() << "Claude decides here; its priority is its own";
  EXPECT_EQ(urgent["priority"], "urgent") << urgent.dump();
  const json calm = create_routed(
      http(), ticket_body("Suggestion for the intranet " + tag,
                          "It would be nice to have a dark mode on the intranet pages."));
  EXPECT_EQ(calm["priority"], "low") << calm.dump();
  const json plain = create_routed(
      http(), ticket_body("Printer jams on double-sided " + tag,
                          "The printer by the kitchen jams on double-sided, single works."));
  EXPECT_EQ(plain["priority"], "normal") << plain.dump();

  const auto id = std::to_string(plain.value("id", std::int64_t{0}));
  auto agent = new_client();
  const bool keys = !suite_key(shared_process()).empty();
  if (keys)
    agent->set_default_headers(
        bearer(create_key(http(), {{"name", "Pat " + tag}, {"role", "agent"}}).secret));
  const Response changed =
      agent->put_json("/api/tickets/" + id + "/priority", {{"priority", "high"}});
  ASSERT_TRUE(IsSuccess(changed, 200)) << changed.describe();
  EXPECT_EQ(changed.json["ticket"]["priority"], "high");
  EXPECT_EQ(http().get("/api/tickets/" + id).json["ticket"]["priority"], "high");
  EXPECT_TRUE(IsError(agent->put_json("/api/tickets/" + id + "/priority", {{"priority", "asap"}}),
                      400, "priority"));
  EXPECT_TRUE(
      IsError(agent->put_json("/api/tickets/999999999/priority", {{"priority", "low"}}), 404));

  json trail;
  json entry;
  ASSERT_TRUE(eventually([&] {
    trail = http().get("/api/tickets/" + id + "/events").json;
    if (!trail.contains("events")) return false;
    for (const auto& e : trail["events"])
      if (e["event_type"] == "ticket.priority.updated") entry = e;
    return !entry.is_null();
  })) << trail.dump();
  EXPECT_EQ(entry["metadata"]["priority"], "high") << entry.dump();
  EXPECT_EQ(entry["metadata"]["previous_priority"], "normal") << entry.dump();
  if (keys) {
    EXPECT_EQ(entry["actor"]["type"], "key");
    EXPECT_EQ(entry["actor"]["name"], "Pat " + tag);
    EXPECT_EQ(entry["actor"]["role"], "agent");
  }

  // ?priority= filters (repeatable), sort=priority puts the most urgent first.
  const auto u = urgent.value("id", std::int64_t{0});
  const auto l = calm.value("id", std::int64_t{0});
  const auto p = plain.value("id", std::int64_t{0});
  EXPECT_EQ(ids_of(list_all(http(), "q=" + tag + "&priority=urgent")),
            (std::vector<std::int64_t>{u}));
  EXPECT_EQ(ids_of(list_all(http(), "q=" + tag + "&priority=urgent&priority=low")),
            (std::vector<std::int64_t>{l, u}));
  EXPECT_EQ(ids_of(list_all(http(), "q=" + tag + "&sort=priority", 1)),
            (std::vector<std::int64_t>{u, p, l}));
  EXPECT_TRUE(IsError(http().get("/api/tickets?priority=critical"), 400, "priority"));
  EXPECT_TRUE(IsError(http().get("/api/tickets?sort=loudest"), 400, "sort"));
}

}  // namespace
}  // namespace st::e2e
