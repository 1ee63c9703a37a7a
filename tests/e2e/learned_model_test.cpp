// The learned categorizer end to end: a fresh install with no network routes with the model
// trained from the shipped cold-start set, and agents' reroutes teach it, after a retraining
// in the background, to route similar tickets their way.
#include <filesystem>
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class LearnedModel : public OwnServerTest {
 protected:
  json categorize(const std::string& title, const std::string& description) {
    const Response r =
        http().post_json("/api/categorize", {{"title", title}, {"description", description}});
    EXPECT_TRUE(IsSuccess(r, 200)) << r.describe();
    return r.json;
  }
  json last_routing(std::int64_t id) {
    const Response r = http().get("/api/routing/history/" + std::to_string(id));
    EXPECT_TRUE(IsSuccess(r, 200)) << r.describe();
    const json h = r.json.value("history", json::array());
    return h.empty() ? json() : h.back();
  }
};

TEST_F(LearnedModel, AFreshInstallRoutesWithTheColdStartModel) {
  start();
  // The first start trained the model and kept it in the data directory for the next.
  EXPECT_TRUE(std::filesystem::exists(server().data_dir() + "/categorizer.model"));
  const struct {
    const char* department;
    const char* title;
    const char* description;
  } kTickets[] = {
      {"IT Support", "Laptop will not start", "The screen stays black since this morning."},
      {"HR", "Parental leave", "I would like to take parental leave from April, what do I do?"},
      {"Facilities", "Heating broken", "It is freezing in our office, the radiators are cold."},
      {"Finance", "Travel expenses", "I paid the hotel myself, how do I get reimbursed?"},
  };
  for (const auto& t : kTickets) {
    SCOPED_TRACE(t.title);
    const json created = create_routed(http(), ticket_body(t.title, t.description));
    ASSERT_TRUE(created.is_object());
    EXPECT_EQ(created.value("department", json()), t.department) << created.dump();
    EXPECT_EQ(created.value("categorized_by", json()), "model") << created.dump();
    // The routing remembers which model decided.
    const json routing = last_routing(created.value("id", std::int64_t{0}));
    EXPECT_TRUE(routing.value("model_version", std::string()).starts_with("fasttext-"))
        << routing.dump();
  }
}

TEST_F(LearnedModel, AgentsReroutesChangeLaterPredictionsAfterRetraining) {
  // Retrain as soon as three labels changed; no schedule, so only the reroutes trigger it.
  start({"--model-retrain-after=3", "--model-retrain-interval-s=0"});
  ASSERT_TRUE(IsSuccess(
      http().post_json("/api/departments", {{"name", "Contracts"},
                                            {"description", "Reviews agreements before signing"}}),
      201));
  const std::string probe_title = "Please review the NDA for our new supplier";
  const std::string probe_text = "They sent their non-disclosure agreement, can someone check it?";
  const json before = categorize(probe_title, probe_text);
  ASSERT_NE(before.value("department", json()), "Contracts") << before.dump();

  // Agents move three such tickets to the new department by hand.
  const char* kContractTickets[][2] = {
      {"NDA review", "A partner wants us to sign their NDA today, can someone review it?"},
      {"Non-disclosure agreement", "Please check this non-disclosure agreement before I sign."},
      {"Supplier agreement",
       "The supplier agreement has a new clause, please review the NDA part."},
  };
  for (const auto& [title, description] : kContractTickets) {
    const json t = create_routed(http(), ticket_body(title, description));
    ASSERT_TRUE(t.is_object());
    ASSERT_TRUE(IsSuccess(http().put_json("/api/route/" + std::to_string(t["id"].get<int>()),
                                          {{"department", "Contracts"}}),
                          200));
  }

  // The retraining runs in the background; poll the categorize endpoint until it shows.
  json after;
  EXPECT_TRUE(eventually(
      [&] {
        after = categorize(probe_title, probe_text);
        return after.value("department", json()) == "Contracts";
      },
      60s, 200ms))
      << after.dump();
  EXPECT_EQ(after.value("categorized_by", json()), "model") << after.dump();

  // New tickets are routed there, and a restart keeps the retrained model.
  restart({"--model-retrain-after=3", "--model-retrain-interval-s=0"});
  const json created = create_routed(http(), ticket_body(probe_title, probe_text));
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created.value("department", json()), "Contracts") << created.dump();
  EXPECT_EQ(created.value("categorized_by", json()), "model") << created.dump();
  // The other departments still work as before.
  EXPECT_EQ(categorize("VPN keeps disconnecting", "Every few minutes at home.")
                .value("department", json()),
            "IT Support");
  // `model train` without --data reads the same examples: the cold-start set (527) plus the three
  // reroutes (the server must be stopped: it holds the data file).
  ASSERT_TRUE(server().stop().clean());
  const CommandResult trained = run_binary("model train --data-dir " + server().data_dir() +
                                           " --output " + server().data_dir() + "/cli.model");
  EXPECT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("530 examples, 6 departments"), std::string::npos)
      << trained.output;
}

TEST_F(LearnedModel, WithoutAColdStartSetTheKeywordsDecide) {
  start({"--model-cold-start-file=/nonexistent/cold_start.csv"});
  const json created = create_routed(
      http(), ticket_body("Printer jammed", "The printer on floor 2 jams on every page."));
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created.value("department", json()), "IT Support") << created.dump();
  EXPECT_EQ(created.value("categorized_by", json()), "keywords") << created.dump();
  EXPECT_NE(server().output().find("no cold-start set"), std::string::npos);
}

TEST_F(LearnedModel, TurnedOffTheKeywordsDecide) {
  start({"--model-enabled=false"});
  const json created = create_routed(
      http(), ticket_body("Printer jammed", "The printer on floor 2 jams on every page."));
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created.value("categorized_by", json()), "keywords") << created.dump();
  EXPECT_FALSE(std::filesystem::exists(server().data_dir() + "/categorizer.model"));
}

}  // namespace
}  // namespace st::e2e
