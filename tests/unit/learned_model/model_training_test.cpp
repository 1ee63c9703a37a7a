// The retraining loop on the real pieces: the SQLite example store and the fastText model.
#include <gtest/gtest.h>
#include <optional>

#include <memory>
#include <thread>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/training_example_store.hpp"
#include "domain/codec.hpp"
#include "learned_model/model_categorizer.hpp"
#include "learned_model/model_text.hpp"
#include "learned_model/model_training.hpp"
#include "unit/support/eventually.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::learned_model {
namespace {

using testing_support::eventually;
using testing_support::TempDir;

std::vector<ports::LabeledText> cold_start() {
  std::vector<ports::LabeledText> out;
  for (const char* t : {"laptop does not boot", "password reset", "vpn drops", "printer jam",
                        "email locked", "monitor no signal"})
    out.push_back({t, "", "IT Support", 1});
  for (const char* t : {"invoice unpaid", "expense reimbursement", "purchase order", "budget",
                        "card declined", "supplier payment"})
    out.push_back({t, "", "Finance", 1});
  return out;
}

domain::Actor agent() {
  return {domain::Actor::Type::key, "00000000000000a1", "Alex Agent", domain::Role::agent};
}

// A routing as routing announces it; a manual one is an agent's unless `actor` says otherwise.
ports::Delivery routed(domain::TicketId id, const std::string& title, const std::string& dept,
                       domain::CategorizedBy by, int confidence, bool rerouted,
                       domain::Millis at = 1000, std::optional<domain::Actor> actor = {}) {
  domain::Ticket t;
  t.id = id;
  t.title = title;
  t.description = "";
  auto e = domain::make_event(domain::payload::Routed{dept, confidence, by, id, rerouted}, t,
                              at + id, "");
  e.actor =
      actor ? *actor
            : (rerouted || by == domain::CategorizedBy::manual ? agent() : domain::Actor::system());
  return {"categorizer-training", "ticket.routed", e.event_id, domain::serialize(e), "", 1};
}

class ModelTrainingTest : public ::testing::Test {
 protected:
  ModelTrainingTest() {
    ModelCategorizerOptions o;
    o.normalize = [](std::string_view a, std::string_view b) { return model_text(a, b); };
    o.features = "stems";
    o.min_confidence = 0;
    o.training.epoch = 60;
    o.training.calibrate = false;
    model = std::make_unique<ModelCategorizer>(o);
    TrainingPolicy p;
    p.retrain_after_labels = 3;
    p.retrain_interval = std::chrono::seconds(0);
    p.min_claude_confidence = 80;
    training = std::make_unique<ModelTrainingService>(store, *model, cold_start(), p);
  }
  std::string predict(const std::string& text) {
    auto c = model->categorize({text, "", {"IT Support", "Finance", "Legal"}});
    return c ? c->department : "";
  }

  TempDir dir;
  adapters::sqlite::Database db{dir.file("t.db")};
  adapters::sqlite::SqliteTrainingExampleStore store{db};
  std::unique_ptr<ModelCategorizer> model;
  std::unique_ptr<ModelTrainingService> training;
};

TEST_F(ModelTrainingTest, OnlyAgentsAndConfidentClaudeDecisionsBecomeLabels) {
  using domain::CategorizedBy;
  const auto out = training->on_routed({
      routed(1, "a", "Finance", CategorizedBy::claude, 95, false),    // label (machine)
      routed(2, "b", "Finance", CategorizedBy::claude, 60, false),    // too unsure
      routed(3, "c", "Finance", CategorizedBy::model, 99, false),     // the model's own guess
      routed(4, "d", "Finance", CategorizedBy::keywords, 90, false),  // rules
      routed(5, "e", "Legal", CategorizedBy::manual, 100, true),      // label (human)
      {"categorizer-training", "ticket.routed", "bad", "{not json", "", 1},
  });
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[5], ports::Disposition::dead_letter);
  const auto ex = store.examples(10);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].ticket_id, 5);
  EXPECT_EQ(ex[0].source, ports::LabelSource::human);
  EXPECT_EQ(ex[1].ticket_id, 1);
  EXPECT_EQ(ex[1].source, ports::LabelSource::machine);
  // A redelivered batch records nothing new.
  training->on_routed({routed(5, "e", "Legal", CategorizedBy::manual, 100, true)});
  EXPECT_EQ(store.label_watermark(), 2);
}

TEST_F(ModelTrainingTest, ARoutingWithoutARequiredFieldIsDeadLetteredNotGuessed) {
  using domain::CategorizedBy;
  auto lost_flag =
      nlohmann::json::parse(routed(6, "f", "Legal", CategorizedBy::keywords, 100, true).body);
  lost_flag["data"].erase("rerouted");  // read as false, an agent's label would be lost
  const auto out = training->on_routed({
      {"categorizer-training", "ticket.routed", "no-flag", lost_flag.dump(), "", 1},
      routed(7, "g", "Legal", CategorizedBy::manual, 100, true),
  });
  EXPECT_EQ(out, (std::vector<ports::Disposition>{ports::Disposition::dead_letter,
                                                  ports::Disposition::ack}));
  const auto ex = store.examples(10);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].ticket_id, 7);
}

TEST_F(ModelTrainingTest, ReroutesByAnyoneButAgentsAndAdminsAreNotLabels) {
  using domain::CategorizedBy;
  domain::Actor requester{domain::Actor::Type::key, "00000000000000b2", "Rita",
                          domain::Role::requester};
  domain::Actor admin{domain::Actor::Type::key, "00000000000000c3", "Ada", domain::Role::admin};
  training->on_routed({
      routed(1, "a", "Legal", CategorizedBy::manual, 100, true, 1000, domain::Actor::anonymous()),
      routed(2, "b", "Legal", CategorizedBy::manual, 100, true, 1000, requester),
      routed(3, "c", "Legal", CategorizedBy::manual, 100, true, 1000, domain::Actor::system()),
      routed(4, "d", "Legal", CategorizedBy::manual, 100, true, 1000, admin),
  });
  const auto ex = store.examples(10);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].ticket_id, 4);
  EXPECT_EQ(ex[0].source, ports::LabelSource::human);
}

TEST_F(ModelTrainingTest, FirstStartTrainsTheColdStartModel) {
  training->ensure_model();
  EXPECT_TRUE(model->ready());
  EXPECT_EQ(model->label_watermark(), 0);
  EXPECT_EQ(predict("my vpn drops"), "IT Support");
  const auto version = model->version();
  training->ensure_model();  // a model is in use: nothing to do
  EXPECT_EQ(model->version(), version);
}

TEST_F(ModelTrainingTest, AgentsReroutesRetrainTheModelInTheBackground) {
  using domain::CategorizedBy;
  training->ensure_model();
  EXPECT_NE(predict("contract review nda"), "Legal");  // a department the model never saw
  training->start();
  training->on_routed(
      {routed(1, "contract review for the nda", "Legal", CategorizedBy::manual, 100, true),
       routed(2, "nda contract signature", "Legal", CategorizedBy::manual, 100, true)});
  EXPECT_FALSE(training->retrain_due());  // two of three labels
  training->on_routed(
      {routed(3, "review the supplier contract", "Legal", CategorizedBy::manual, 100, true)});
  ASSERT_TRUE(eventually([&] { return model->label_watermark() == 3; }, std::chrono::seconds(60)));
  EXPECT_EQ(predict("please review this nda contract"), "Legal");
  training->stop();
}

TEST_F(ModelTrainingTest, TheScheduleRetrainsWhenAnyLabelChanged) {
  using domain::CategorizedBy;
  TrainingPolicy p;
  p.retrain_after_labels = 0;  // never on count: only the schedule
  p.retrain_interval = std::chrono::seconds(1);
  ModelTrainingService scheduled(store, *model, cold_start(), p);
  scheduled.ensure_model();
  const auto first = model->version();
  scheduled.start();
  scheduled.on_routed({routed(1, "contract nda", "Legal", CategorizedBy::manual, 100, true)});
  EXPECT_FALSE(scheduled.retrain_due());
  ASSERT_TRUE(eventually([&] { return model->label_watermark() == 1; }, std::chrono::seconds(60)));
  EXPECT_NE(model->version(), first);
  // Nothing changed since: the next ticks leave the model alone.
  const auto second = model->version();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(model->version(), second);
  scheduled.stop();
}

// Distributed mode: the instances share the store and split the labels, so most labels
// that make a retraining due were recorded by another instance. The poll sees them.
TEST_F(ModelTrainingTest, LabelsAnotherInstanceRecordedRetrainOnThePoll) {
  TrainingPolicy p;
  p.retrain_after_labels = 2;
  p.retrain_interval = std::chrono::seconds(0);
  p.watermark_poll = std::chrono::milliseconds(50);
  ModelTrainingService polling(store, *model, cold_start(), p);
  polling.ensure_model();
  polling.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past the check at start
  // Written straight into the store, as the other instance's trainer would: no delivery here.
  store.record(
      {{1, "contract review nda", ""}, {2, "nda signature", ""}},
      {{1, "Legal", ports::LabelSource::human, 1}, {2, "Legal", ports::LabelSource::human, 2}});
  ASSERT_TRUE(eventually([&] { return model->label_watermark() == 2; }, std::chrono::seconds(60)));
  const auto status = polling.status();
  EXPECT_EQ(status.label_watermark, 2);
  EXPECT_EQ(status.model_label_watermark, 2);
  polling.stop();
}

TEST_F(ModelTrainingTest, TheTrainingSetIsColdStartPlusWeightedLabels) {
  using domain::CategorizedBy;
  training->on_routed({routed(1, "x", "Legal", CategorizedBy::manual, 100, true),
                       routed(2, "y", "Finance", CategorizedBy::claude, 90, false)});
  const auto set = training->training_set();
  ASSERT_EQ(set.size(), cold_start().size() + 2);
  EXPECT_EQ(set[set.size() - 2].department, "Finance");  // newest label first
  EXPECT_EQ(set[set.size() - 2].weight, 1);
  EXPECT_EQ(set.back().department, "Legal");
  EXPECT_EQ(set.back().weight, TrainingPolicy{}.human_weight);
}

}  // namespace
}  // namespace st::learned_model
