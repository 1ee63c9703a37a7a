// CategorizerService: the chain's order and fallbacks, its counters and health, and how a
// batch of ticket.created is worked on: concurrently, each ticket with a deadline.
#include "services/categorizer/categorizer_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "domain/codec.hpp"
#include "domain/event.hpp"
#include "learned_model/model_training.hpp"

namespace st::services::categorizer {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FixedClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return now_ms; }
  domain::Millis now_ms = 1'800'000'000'000;
};

class Departments final : public ports::DepartmentDirectory {
 public:
  std::vector<std::string> active_department_names() override {
    if (fail) throw std::runtime_error("routing unreachable");
    return {"IT Support", "HR", "General"};
  }
  bool fail = false;
};

class RecordingBus final : public ports::EventBus {
 public:
  void publish(const std::vector<ports::OutgoingMessage>& batch) override {
    published.insert(published.end(), batch.begin(), batch.end());
  }
  void subscribe(const ports::QueueSpec&, ports::BatchConsumer) override {}
  void start() override {}
  void stop() override {}
  std::size_t dead_letter_count(const std::string&) override { return 0; }
  std::vector<ports::OutgoingMessage> published;
};

// A strategy whose answer, health and pace the test controls.
class ScriptedStrategy final : public ports::Categorizer {
 public:
  ScriptedStrategy(std::string name, domain::CategorizedBy by) : name_(std::move(name)), by_(by) {}

  std::optional<ports::Categorization> categorize(const ports::CategorizationRequest& r) override {
    {
      std::unique_lock lock(mutex);
      deadlines.push_back(r.deadline);
      ++calls;
      ++in_flight;
      peak = std::max(peak, in_flight);
      cv.notify_all();
      // Hold every call until `gather` calls are in flight together (bounded): a service
      // that worked one ticket at a time would leave the first call waiting alone.
      cv.wait_for(lock, 5s, [this] { return in_flight >= gather; });
      --in_flight;
    }
    if (throws) throw std::runtime_error("strategy broke");
    if (!answers) return std::nullopt;
    return ports::Categorization{department, confidence, by_,        name_ + " decided",
                                 "",         priority,   explanation};
  }
  std::string_view name() const override { return name_; }
  ports::CategorizerHealth health() override { return health_value; }

  std::mutex mutex;
  std::condition_variable cv;
  int calls = 0, in_flight = 0, peak = 0, gather = 1;
  bool answers = true, throws = false;
  std::string department = "HR";
  int confidence = 70;
  std::optional<domain::Priority> priority;        // what the answer says; unset: none
  std::optional<domain::Explanation> explanation;  // the strategy's own; unset: none
  std::vector<std::optional<Clock::time_point>> deadlines;
  ports::CategorizerHealth health_value;

 private:
  std::string name_;
  domain::CategorizedBy by_;
};

ports::Delivery created_delivery(int id, domain::Millis created_at) {
  domain::Ticket t;
  t.id = id;
  t.title = "Ticket " + std::to_string(id);
  t.description = "Something about ticket " + std::to_string(id);
  t.user_name = "Ann Lee";
  t.user_email = "ann@example.com";
  t.created_at = created_at;
  t.updated_at = created_at;
  auto e = domain::make_event(domain::payload::Created{}, t, created_at, "trace");
  return {"categorizer", "ticket.created", e.event_id, domain::serialize(e), "", 1};
}

class CategorizerServiceTest : public ::testing::Test {
 protected:
  CategorizerService make(CategorizerOptions o) {
    o.metrics = &registry;
    return CategorizerService({&claude, &keywords}, departments, bus, clock, o);
  }
  std::string metrics() const { return registry.render(); }

  FixedClock clock;
  Departments departments;
  RecordingBus bus;
  metrics::Registry registry;
  ScriptedStrategy claude{"claude", domain::CategorizedBy::claude};
  ScriptedStrategy keywords{"keywords", domain::CategorizedBy::keywords};
};

TEST_F(CategorizerServiceTest, TheFirstStrategyThatDecidesWins) {
  auto service = make({});
  EXPECT_EQ(service.categorize("t", "d").categorized_by, domain::CategorizedBy::claude);
  EXPECT_EQ(keywords.calls, 0);
  claude.answers = false;
  EXPECT_EQ(service.categorize("t", "d").categorized_by, domain::CategorizedBy::keywords);
  claude.throws = true;  // a throwing strategy is skipped like one that gives up
  EXPECT_EQ(service.categorize("t", "d").categorized_by, domain::CategorizedBy::keywords);
  const auto m = metrics();
  EXPECT_NE(m.find("smartticket_categorizer_decisions_total{by=\"claude\"} 1"), std::string::npos);
  EXPECT_NE(m.find("smartticket_categorizer_decisions_total{by=\"keywords\"} 2"),
            std::string::npos);
  EXPECT_NE(m.find("smartticket_categorizer_fallbacks_total{from=\"claude\"} 2"),
            std::string::npos);
}

TEST_F(CategorizerServiceTest, AStrategysPriorityStandsAndWithoutOneTheLocalEstimateIsUsed) {
  auto service = make({});
  claude.priority = domain::Priority::low;
  EXPECT_EQ(service.categorize("Website is down", "The site is down for everyone").priority,
            domain::Priority::low);
  claude.priority.reset();  // an answer without priority
  EXPECT_EQ(service.categorize("Website is down", "The site is down for everyone").priority,
            domain::Priority::urgent);
  claude.answers = false;  // the fallback names none either
  EXPECT_EQ(service.categorize("Printer toner", "Could we get toner, no rush").priority,
            domain::Priority::low);
  EXPECT_EQ(service.categorize("Printer", "It prints light pages").priority,
            domain::Priority::normal);
}

TEST_F(CategorizerServiceTest, TheCategorizedEventCarriesThePriority) {
  auto service = make({});
  claude.priority = domain::Priority::high;
  const auto out = service.on_created({created_delivery(5, clock.now_ms)});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(bus.published.size(), 1u);
  const auto e = domain::parse_event(bus.published[0].body);
  ASSERT_TRUE(e.payload_as<domain::payload::Categorized>());
  EXPECT_EQ(e.payload_as<domain::payload::Categorized>()->priority, domain::Priority::high);
}

TEST_F(CategorizerServiceTest, AStrategysExplanationTravelsInTheCategorizedEvent) {
  auto service = make({});
  domain::Explanation why;
  why.decided_by = domain::CategorizedBy::claude;
  why.version = "claude-test prompt-3";
  why.candidates = {{"Finance", 10}, {"HR", 70}, {"IT Support", 20}, {"General", 5}};
  why.evidence = {"a payslip question"};
  claude.explanation = why;
  service.on_created({created_delivery(6, clock.now_ms)});
  ASSERT_EQ(bus.published.size(), 1u);
  const auto e = domain::parse_event(bus.published[0].body);
  const auto* c = e.payload_as<domain::payload::Categorized>();
  ASSERT_TRUE(c && c->explanation);
  EXPECT_EQ(c->explanation->version, "claude-test prompt-3");
  EXPECT_EQ(c->explanation->evidence, std::vector<std::string>{"a payslip question"});
  // Best first, at most three.
  EXPECT_EQ(c->explanation->candidates,
            (std::vector<domain::Candidate>{{"HR", 70}, {"IT Support", 20}, {"Finance", 10}}));
}

TEST_F(CategorizerServiceTest, AnUnsureClaudeGetsTheLearnedModelsSecondOpinion) {
  ScriptedStrategy model{"model", domain::CategorizedBy::model};
  model.department = "IT Support";
  model.confidence = 64;
  CategorizerService service({&claude, &model, &keywords}, departments, bus, clock, {});
  claude.confidence = kSecondOpinionBelow - 1;
  const auto disputed = service.decide("t", "d");
  EXPECT_EQ(disputed.categorization.department, "HR");  // Claude's answer stands
  EXPECT_EQ(disputed.second_opinion, (domain::Candidate{"IT Support", 64}));
  const auto& evidence = disputed.categorization.explanation->evidence;
  EXPECT_NE(std::find(evidence.begin(), evidence.end(),
                      "the learned model would choose IT Support (64%): left for review"),
            evidence.end());
  EXPECT_EQ(model.calls, 1);

  service.on_created({created_delivery(8, clock.now_ms)});
  ASSERT_EQ(bus.published.size(), 1u);
  const auto e = domain::parse_event(bus.published[0].body);
  EXPECT_EQ(e.payload_as<domain::payload::Categorized>()->second_opinion,
            (domain::Candidate{"IT Support", 64}));

  claude.confidence = kSecondOpinionBelow;  // sure enough: the model is not asked
  EXPECT_EQ(service.decide("t", "d").second_opinion, std::nullopt);
  EXPECT_EQ(model.calls, 2);  // the one above and on_created's
  claude.answers = false;     // the model deciding itself has no second opinion
  EXPECT_EQ(service.decide("t", "d").second_opinion, std::nullopt);
}

TEST_F(CategorizerServiceTest, ADecisionWithoutAnExplanationIsExplainedByItsReason) {
  auto service = make({});
  const auto decided = service.categorize("t", "d");
  ASSERT_TRUE(decided.explanation);
  EXPECT_EQ(decided.explanation->decided_by, domain::CategorizedBy::claude);
  EXPECT_EQ(decided.explanation->candidates, (std::vector<domain::Candidate>{{"HR", 70}}));
  EXPECT_EQ(decided.explanation->evidence, std::vector<std::string>{"claude decided"});
  claude.answers = keywords.answers = false;  // nobody decides: General, said so
  const auto none = service.categorize("t", "d");
  ASSERT_TRUE(none.explanation);
  EXPECT_EQ(none.explanation->candidates, (std::vector<domain::Candidate>{{"General", 0}}));
  EXPECT_EQ(none.explanation->evidence, std::vector<std::string>{"no strategy decided"});
}

TEST_F(CategorizerServiceTest, HealthIsDegradedWhileAStrategyIs) {
  auto service = make({});
  auto h = service.health();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_EQ(h["details"]["claude"]["status"], "healthy");
  claude.health_value = {
      ports::CategorizerHealth::State::degraded, "circuit breaker open", {{"breaker", "open"}}};
  h = service.health();
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["service"], "categorizer");
  EXPECT_EQ(h["details"]["claude"]["status"], "degraded");
  EXPECT_EQ(h["details"]["claude"]["reason"], "circuit breaker open");
  EXPECT_EQ(h["details"]["claude"]["breaker"], "open");
  EXPECT_EQ(h["details"]["keywords"]["status"], "healthy");
}

TEST_F(CategorizerServiceTest, AStrategySwitchedOffIsAModeNotAFault) {
  auto service = make({});
  claude.health_value = {ports::CategorizerHealth::State::off, "no Anthropic API key set", {}};
  const auto h = service.health();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_EQ(h["details"]["claude"]["status"], "off");
  EXPECT_EQ(h["details"]["claude"]["reason"], "no Anthropic API key set");
}

// A training store whose watermark the test sets, or that cannot be read.
class WatermarkStore final : public ports::TrainingExampleStore {
 public:
  std::size_t record(const std::vector<ports::TicketText>&,
                     const std::vector<ports::TicketLabel>&) override {
    return 0;
  }
  std::vector<ports::TrainingExample> examples(std::size_t) override { return {}; }
  std::int64_t label_watermark() override {
    if (fail) throw std::runtime_error("database unreachable");
    return watermark;
  }
  std::int64_t watermark = 0;
  bool fail = false;
};

class TrainedAt final : public ports::LearnedModel {
 public:
  std::string retrain(const std::vector<ports::LabeledText>&, std::int64_t w) override {
    watermark = w;
    return "v";
  }
  bool ready() const override { return true; }
  std::int64_t label_watermark() const override { return watermark; }
  std::string version() const override { return "v"; }
  std::int64_t watermark = 0;
};

TEST_F(CategorizerServiceTest, HealthShowsTheTrainingWatermarksAndAnUnreadableStore) {
  WatermarkStore store;
  TrainedAt model;
  learned_model::ModelTrainingService training(store, model, {}, {});
  auto service = make({.training = &training});
  store.watermark = 7;
  model.watermark = 5;
  auto h = service.health();
  EXPECT_EQ(h["details"]["training"]["label_watermark"], 7) << h;
  EXPECT_EQ(h["details"]["training"]["model_label_watermark"], 5) << h;
  // The store out of reach is reported, and categorizing goes on: not degraded for that.
  store.fail = true;
  h = service.health();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_NE(h["details"]["training"]["error"].get<std::string>().find("database unreachable"),
            std::string::npos)
      << h;
  EXPECT_FALSE(make({}).health()["details"].contains("training"));
}

TEST_F(CategorizerServiceTest, ABatchIsCategorizedConcurrently) {
  claude.gather = 4;
  auto service = make({.parallelism = 4});
  std::vector<ports::Delivery> batch;
  for (int i = 1; i <= 8; ++i) batch.push_back(created_delivery(i, clock.now_ms));
  const auto out = service.on_created(batch);
  EXPECT_EQ(out, std::vector<ports::Disposition>(8, ports::Disposition::ack));
  EXPECT_EQ(claude.calls, 8);
  EXPECT_EQ(claude.peak, 4);
  ASSERT_EQ(bus.published.size(), 8u);
  // Published in the batch's order, whatever order the workers finished in.
  for (int i = 0; i < 8; ++i) {
    const auto e = domain::parse_event(bus.published[static_cast<std::size_t>(i)].body);
    EXPECT_EQ(e.ticket.id, i + 1);
    ASSERT_TRUE(e.payload_as<domain::payload::Categorized>());
    EXPECT_EQ(e.payload_as<domain::payload::Categorized>()->categorized_by,
              domain::CategorizedBy::claude);
  }
}

TEST_F(CategorizerServiceTest, WithoutParallelismTicketsGoOneAtATime) {
  auto service = make({});
  std::vector<ports::Delivery> batch;
  for (int i = 1; i <= 3; ++i) batch.push_back(created_delivery(i, clock.now_ms));
  service.on_created(batch);
  EXPECT_EQ(claude.peak, 1);
  EXPECT_EQ(bus.published.size(), 3u);
}

TEST_F(CategorizerServiceTest, TheDecisionBudgetLeavesRoomForRouting) {
  EXPECT_EQ(CategorizerService::decision_budget(5000ms), 4000ms);
  EXPECT_EQ(CategorizerService::decision_budget(2000ms), 1500ms);
  EXPECT_EQ(CategorizerService::decision_budget(0ms), 0ms);
}

TEST_F(CategorizerServiceTest, EachTicketIsDecidedByItsCreationDeadline) {
  auto service = make({.create_timeout = 5000ms});
  const auto before = Clock::now();
  // Created 2 s ago: 2 s are left of its budget. (Events carry whole seconds, so the test
  // uses them; a real deadline errs early by the lost fraction, never late.)
  service.on_created({created_delivery(1, clock.now_ms - 2000)});
  const auto after = Clock::now();
  ASSERT_EQ(claude.deadlines.size(), 1u);
  ASSERT_TRUE(claude.deadlines[0]);
  EXPECT_GE(*claude.deadlines[0], before + 2000ms);
  EXPECT_LE(*claude.deadlines[0], after + 2000ms);
}

TEST_F(CategorizerServiceTest, ATicketPastItsDecisionTimeWhoseCreatorWaitsGetsNoTime) {
  auto service = make({.create_timeout = 5000ms});
  service.on_created({created_delivery(1, clock.now_ms - 4500)});
  ASSERT_TRUE(claude.deadlines.at(0));
  EXPECT_LE(*claude.deadlines[0], Clock::now());
}

TEST_F(CategorizerServiceTest, ABatchSharesItsMostUrgentDeadline) {
  auto service = make({.create_timeout = 5000ms});
  const auto before = Clock::now();
  // An old ticket nobody waits for, batched with one whose creator waits 3 s more.
  service.on_created(
      {created_delivery(1, clock.now_ms - 60'000), created_delivery(2, clock.now_ms - 1000)});
  ASSERT_EQ(claude.deadlines.size(), 2u);
  ASSERT_TRUE(claude.deadlines[0] && claude.deadlines[1]);
  EXPECT_EQ(*claude.deadlines[0], *claude.deadlines[1]);
  EXPECT_LT(*claude.deadlines[0], before + 3500ms);
}

TEST_F(CategorizerServiceTest, ATicketNobodyWaitsForAnyMoreGetsAFreshBudget) {
  auto service = make({.create_timeout = 5000ms});
  const auto before = Clock::now();
  service.on_created({created_delivery(1, clock.now_ms - 60'000)});
  ASSERT_TRUE(claude.deadlines.at(0));
  EXPECT_GE(*claude.deadlines[0], before + 4000ms);
}

TEST_F(CategorizerServiceTest, NoBudgetMeansNoDeadline) {
  auto service = make({});
  service.on_created({created_delivery(1, clock.now_ms)});
  service.categorize("t", "d");
  ASSERT_EQ(claude.deadlines.size(), 2u);
  EXPECT_FALSE(claude.deadlines[0]);
  EXPECT_FALSE(claude.deadlines[1]);
}

TEST_F(CategorizerServiceTest, AFailureToReadDepartmentsFailsTheWholeBatch) {
  auto service = make({.parallelism = 4});
  departments.fail = true;
  std::vector<ports::Delivery> batch;
  for (int i = 1; i <= 4; ++i) batch.push_back(created_delivery(i, clock.now_ms));
  EXPECT_THROW(service.on_created(batch), std::runtime_error);  // the bus retries it
  EXPECT_TRUE(bus.published.empty());
}

TEST_F(CategorizerServiceTest, MalformedEventsAreDeadLetteredAndTheRestCategorized) {
  auto service = make({.parallelism = 2});
  auto junk = created_delivery(9, clock.now_ms);
  junk.body = "not json";
  const auto out = service.on_created({created_delivery(1, clock.now_ms), junk});
  EXPECT_EQ(out, (std::vector<ports::Disposition>{ports::Disposition::ack,
                                                  ports::Disposition::dead_letter}));
  EXPECT_EQ(bus.published.size(), 1u);
}

}  // namespace
}  // namespace st::services::categorizer
