// The webhooks service on a real SQLite store with a scripted transport: validation of what
// admins subscribe, the consumer (one delivery per subscribed webhook, redeliveries absorbed,
// malformed events dead-lettered, a batch nobody subscribes to acked unparsed) and what one
// delivery attempt comes to (signed, retried with backoff, kept as failed).
#include "services/webhooks/webhooks_service.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "adapters/sqlite/webhook_store.hpp"
#include "domain/codec.hpp"
#include "http/api_error.hpp"
#include "services/webhooks/delivery_worker.hpp"
#include "services/webhooks/signature.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::webhooks {
namespace {

using namespace std::chrono_literals;

class ManualClock final : public ports::Clock {
 public:
  domain::Millis now() const override { return now_; }
  domain::Millis now_ = 1'700'000'000'000;
};

// Resolves from a table; answers posts from a script (a status, or a transport error).
class ScriptedTransport final : public ports::WebhookTransport {
 public:
  std::vector<std::string> resolve(const std::string& host) override {
    if (auto it = names.find(host); it != names.end()) return it->second;
    if (host.find_first_not_of("0123456789.:abcdef") == std::string::npos) return {host};
    return {};
  }
  ports::WebhookReply post(const ports::WebhookPost& post, std::chrono::milliseconds,
                           const ports::AddressCheck& allowed) override {
    for (const auto& a : resolve(post_host)) {
      if (auto refusal = allowed(a)) return {std::nullopt, "refused: " + *refusal, false};
    }
    sent.push_back(post);
    if (replies.empty()) return {200, "", false};
    auto r = replies.front();
    replies.pop_front();
    return r;
  }

  std::map<std::string, std::vector<std::string>> names;
  std::string post_host = "93.184.216.34";  // what the host resolves to at delivery time
  std::deque<ports::WebhookReply> replies;
  std::vector<ports::WebhookPost> sent;
};

// The SQLite store, counting the calls the consumer makes: how often it reads the
// subscriptions and records events.
class CountingWebhookStore final : public ports::WebhookStore {
 public:
  explicit CountingWebhookStore(ports::WebhookStore& inner) : inner_(inner) {}

  ports::Webhook create(const ports::Webhook& w, domain::Millis now) override {
    return inner_.create(w, now);
  }
  std::vector<ports::Webhook> list() override {
    ++lists;
    return inner_.list();
  }
  std::optional<ports::Webhook> find(std::int64_t id) override { return inner_.find(id); }
  bool update(const ports::Webhook& w, domain::Millis now) override {
    return inner_.update(w, now);
  }
  bool remove(std::int64_t id) override { return inner_.remove(id); }
  std::vector<bool> record_events(const std::vector<ports::WebhookEvent>& events,
                                  domain::Millis now) override {
    ++records;
    return inner_.record_events(events, now);
  }
  std::vector<ports::DueDelivery> claim_due(domain::Millis now, domain::Millis lease_until,
                                            std::size_t limit) override {
    return inner_.claim_due(now, lease_until, limit);
  }
  void record_attempt(const ports::AttemptResult& r) override { inner_.record_attempt(r); }
  std::optional<domain::Millis> next_due() override { return inner_.next_due(); }
  ports::Page<ports::WebhookDelivery> deliveries(std::int64_t id,
                                                 const ports::PageRequest& page) override {
    return inner_.deliveries(id, page);
  }
  ports::ReplayOutcome replay(std::int64_t id, std::int64_t delivery_id,
                              domain::Millis now) override {
    return inner_.replay(id, delivery_id, now);
  }
  std::size_t failed_count() override { return inner_.failed_count(); }

  int lists = 0;
  int records = 0;

 private:
  ports::WebhookStore& inner_;
};

ports::Delivery delivery_of(const domain::Event& e) {
  ports::Delivery d;
  d.queue = "webhooks";
  d.routing_key = std::string(domain::routing_key(e.type()));
  d.event_id = e.event_id;
  d.body = domain::serialize(e);
  return d;
}

domain::Event routed_event() {
  domain::Ticket t;
  t.id = 7;
  t.title = "Printer jam";
  t.department = "IT";
  return domain::make_event(
      domain::payload::Routed{"IT", 90, domain::CategorizedBy::keywords, 1, false}, t, 1000, "");
}

class WebhooksServiceTest : public ::testing::Test {
 protected:
  WebhooksServiceTest() { transport.names["hooks.example.com"] = {"93.184.216.34"}; }

  WebhookInput input(std::string url = "https://hooks.example.com/in") {
    return {.url = std::move(url),
            .events = std::vector<std::string>{"ticket.routed"},
            .secret = std::string("whsec_0123456789abcdef")};
  }
  static int status_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const http::ApiError& e) {
      return static_cast<int>(e.status());
    }
    return 0;
  }

  testing_support::TempDir dir;
  adapters::sqlite::Database db{dir.file("st.db")};
  adapters::sqlite::SqliteWebhookStore store{db};
  CountingWebhookStore counting{store};
  ScriptedTransport transport;
  ManualClock clock;
  WebhookSettings settings{.allow_private = false,
                           .timeout = 1000ms,
                           .max_attempts = 3,
                           .retry_base = 1000ms,
                           .retry_max = 60'000ms};
  WebhooksService service{counting, transport, clock, settings};
  DeliveryWorker worker{service, {}};
};

TEST(WebhookBackoff, DoublesFromTheBaseUpToTheCap) {
  const WebhookSettings s{.retry_base = 1000ms, .retry_max = 5000ms};
  EXPECT_EQ(backoff_after(1, s), 1000ms);
  EXPECT_EQ(backoff_after(2, s), 2000ms);
  EXPECT_EQ(backoff_after(3, s), 4000ms);
  EXPECT_EQ(backoff_after(4, s), 5000ms);
  EXPECT_EQ(backoff_after(60, s), 5000ms);  // no overflow on a long series
}

TEST_F(WebhooksServiceTest, CreateRequiresEveryFieldAndChecksThem) {
  auto in = input();
  in.secret.reset();
  EXPECT_EQ(status_of([&] { service.create(in); }), 400);
  in = input();
  in.secret = "short";
  EXPECT_EQ(status_of([&] { service.create(in); }), 400);
  in = input();
  in.events = std::vector<std::string>{"ticket.exploded"};
  EXPECT_EQ(status_of([&] { service.create(in); }), 400);
  in.events = std::vector<std::string>{};
  EXPECT_EQ(status_of([&] { service.create(in); }), 400);
  EXPECT_EQ(status_of([&] { service.create(input("ftp://hooks.example.com/")); }), 400);
  EXPECT_EQ(status_of([&] { service.create(input("https://unknown.example.com/")); }), 400);
  EXPECT_TRUE(store.list().empty());
  const auto w = service.create(input());
  EXPECT_GT(w.id, 0);
}

TEST_F(WebhooksServiceTest, RefusesLinkLocalMetadataAndByDefaultPrivateTargets) {
  for (const char* url :
       {"http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://127.0.0.1:8080/",
        "http://10.0.0.8/", "http://localhost/", "http://metadata.google.internal/"})
    EXPECT_EQ(status_of([&] { service.create(input(url)); }), 400) << url;
  transport.names["rebind.example.com"] = {"93.184.216.34", "10.0.0.1"};
  EXPECT_EQ(status_of([&] { service.create(input("https://rebind.example.com/")); }), 400);
  EXPECT_TRUE(store.list().empty());
}

TEST_F(WebhooksServiceTest, PrivateTargetsWhenAllowedButNeverLinkLocal) {
  WebhooksService open{store, transport, clock,
                       WebhookSettings{.allow_private = true, .max_attempts = 3}};
  EXPECT_GT(open.create(input("http://127.0.0.1:8080/")).id, 0);
  EXPECT_GT(open.create(input("http://10.0.0.8/")).id, 0);
  EXPECT_EQ(status_of([&] { open.create(input("http://169.254.169.254/")); }), 400);
  EXPECT_EQ(status_of([&] { open.create(input("http://[fe80::1]:80/")); }), 400);
}

TEST_F(WebhooksServiceTest, UpdateKeepsWhatItDoesNotName) {
  const auto w = service.create(input());
  WebhookInput change{
      .url = std::nullopt, .events = std::vector<std::string>{"*"}, .secret = std::nullopt};
  const auto updated = service.update(w.id, change);
  EXPECT_EQ(updated.url, w.url);
  EXPECT_EQ(updated.events, std::vector<std::string>{"*"});
  EXPECT_EQ(store.find(w.id)->secret, "whsec_0123456789abcdef");
  EXPECT_EQ(status_of([&] { service.update(w.id + 100, change); }), 404);
  change.url = "http://169.254.169.254/";
  EXPECT_EQ(status_of([&] { service.update(w.id, change); }), 400);
  EXPECT_EQ(store.find(w.id)->events, std::vector<std::string>{"*"});
}

TEST_F(WebhooksServiceTest, ConsumerRecordsOnceAndDeadLettersMalformedEvents) {
  const auto w = service.create(input());
  const auto e = routed_event();
  ports::Delivery bad;
  bad.event_id = "bad";
  bad.body = "not json";
  const auto out = service.on_events({delivery_of(e), bad});
  EXPECT_EQ(out, (std::vector<ports::Disposition>{ports::Disposition::ack,
                                                  ports::Disposition::dead_letter}));
  EXPECT_EQ(service.on_events({delivery_of(e)}), std::vector{ports::Disposition::ack});
  const auto page = store.deliveries(w.id, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].event_id, e.event_id);
}

// With no webhook, the consumer acks a batch after one read of the subscriptions, without
// decoding it: even a malformed body is acked, and nothing is recorded (not even as consumed).
TEST_F(WebhooksServiceTest, WithNoSubscriptionABatchIsAckedUnparsedAndNothingRecorded) {
  const auto e = routed_event();
  auto bad = delivery_of(e);
  bad.event_id = "bad";
  bad.body = "not json";
  EXPECT_EQ(service.on_events({delivery_of(e), bad}),
            (std::vector<ports::Disposition>(2, ports::Disposition::ack)));
  EXPECT_EQ(counting.lists, 1);
  EXPECT_EQ(counting.records, 0);

  // Not recorded as consumed: subscribed now, the same event (redelivered) is delivered.
  const auto w = service.create(input());
  EXPECT_EQ(service.on_events({delivery_of(e)}), std::vector{ports::Disposition::ack});
  const auto page = store.deliveries(w.id, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].event_id, e.event_id);
}

// A subscription to other event types leaves a batch unparsed too.
TEST_F(WebhooksServiceTest, ASubscriptionToOtherEventsLeavesTheBatchUnrecorded) {
  auto in = input();
  in.events = std::vector<std::string>{"ticket.sla.breached"};
  const auto w = service.create(in);
  auto bad = delivery_of(routed_event());
  bad.body = "not json";
  EXPECT_EQ(service.on_events({delivery_of(routed_event()), bad}),
            (std::vector<ports::Disposition>(2, ports::Disposition::ack)));
  EXPECT_EQ(counting.records, 0);
  EXPECT_TRUE(store.deliveries(w.id, {}).items.empty());
}

// The subscriptions are read per batch: a webhook created between two batches gets the
// second one's events, and a malformed event is dead-lettered again once anyone listens.
TEST_F(WebhooksServiceTest, ASubscriptionMadeBeforeABatchRecordsIt) {
  const auto before = routed_event();
  EXPECT_EQ(service.on_events({delivery_of(before)}), std::vector{ports::Disposition::ack});
  const auto w = service.create(input());
  const auto after = routed_event();
  auto bad = delivery_of(after);
  bad.event_id = "bad";
  bad.body = "not json";
  EXPECT_EQ(
      service.on_events({delivery_of(after), bad}),
      (std::vector<ports::Disposition>{ports::Disposition::ack, ports::Disposition::dead_letter}));
  EXPECT_EQ(counting.lists, 2);  // one read of the subscriptions per batch
  const auto page = store.deliveries(w.id, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].event_id, after.event_id);
}

// A breach with escalation notify is delivered by this consumer: that is the notification.
TEST_F(WebhooksServiceTest, TheSlaEventsAreSubscribedToAndDelivered) {
  auto in = input();
  in.events = std::vector<std::string>{"ticket.sla.breached", "ticket.sla.met"};
  const auto w = service.create(in);
  domain::Ticket t;
  t.id = 7;
  t.title = "Printer jam";
  const auto breached = domain::make_event(
      domain::payload::SlaBreached{domain::SlaClock::first_response, 1000, domain::Priority::high,
                                   domain::Escalation::notify},
      t, 2000, "");
  const auto met = domain::make_event(
      domain::payload::SlaMet{domain::SlaClock::resolution, 5000, 4000, domain::Priority::high}, t,
      4000, "");
  EXPECT_EQ(
      service.on_events({delivery_of(breached), delivery_of(met), delivery_of(routed_event())}),
      (std::vector<ports::Disposition>(3, ports::Disposition::ack)));
  const auto page = store.deliveries(w.id, {});
  ASSERT_EQ(page.items.size(), 2u);
}

TEST_F(WebhooksServiceTest, AnAttemptPostsTheEventSignedWithTheSecret) {
  service.create(input());
  const auto e = routed_event();
  service.on_events({delivery_of(e)});
  const auto due = store.claim_due(clock.now(), clock.now() + 10'000, 10);
  ASSERT_EQ(due.size(), 1u);
  const auto r = worker.attempt(due[0]);
  EXPECT_EQ(r.state, ports::DeliveryState::delivered);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(transport.sent.size(), 1u);
  const auto& sent = transport.sent[0];
  EXPECT_EQ(sent.url, "https://hooks.example.com/in");
  EXPECT_EQ(domain::parse_event(sent.body).event_id, e.event_id);
  std::string signature;
  for (const auto& [name, value] : sent.headers)
    if (name == kSignatureHeader) signature = value;
  EXPECT_EQ(signature, signature_header("whsec_0123456789abcdef", clock.now() / 1000, sent.body));
}

TEST_F(WebhooksServiceTest, FailedAttemptsBackOffThenFail) {
  service.create(input());
  service.on_events({delivery_of(routed_event())});
  auto d = store.claim_due(clock.now(), clock.now() + 10'000, 10).at(0);
  transport.replies = {{503, "", false}, {std::nullopt, "timed out", true}, {500, "", false}};
  auto r = worker.attempt(d);
  EXPECT_EQ(r.state, ports::DeliveryState::pending);
  EXPECT_EQ(r.next_attempt_at, clock.now() + 1000);
  EXPECT_EQ(r.status, 503);
  d.attempts = r.attempts;
  r = worker.attempt(d);
  EXPECT_EQ(r.state, ports::DeliveryState::pending);
  EXPECT_EQ(r.next_attempt_at, clock.now() + 2000);
  EXPECT_EQ(r.error, "timed out");
  d.attempts = r.attempts;
  r = worker.attempt(d);
  EXPECT_EQ(r.state, ports::DeliveryState::failed);  // max_attempts = 3
  EXPECT_EQ(r.attempts, 3);
}

TEST_F(WebhooksServiceTest, AClientErrorFailsAtOnce) {
  service.create(input());
  service.on_events({delivery_of(routed_event())});
  const auto d = store.claim_due(clock.now(), clock.now() + 10'000, 10).at(0);
  transport.replies = {{410, "", false}};
  const auto r = worker.attempt(d);
  EXPECT_EQ(r.state, ports::DeliveryState::failed);
  EXPECT_EQ(r.status, 410);
}

TEST_F(WebhooksServiceTest, AHostThatNowResolvesInsideIsNotContacted) {
  service.create(input());
  service.on_events({delivery_of(routed_event())});
  const auto d = store.claim_due(clock.now(), clock.now() + 10'000, 10).at(0);
  transport.post_host = "169.254.169.254";  // DNS rebinding after the check at create time
  const auto r = worker.attempt(d);
  EXPECT_TRUE(transport.sent.empty());
  EXPECT_NE(r.state, ports::DeliveryState::delivered);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->find("refused"), std::string::npos) << *r.error;
}

TEST_F(WebhooksServiceTest, ReplayRequeuesAFailedDelivery) {
  const auto w = service.create(input());
  service.on_events({delivery_of(routed_event())});
  const auto d = store.claim_due(clock.now(), clock.now() + 10'000, 10).at(0);
  EXPECT_EQ(status_of([&] { service.replay(w.id, d.id); }), 409);  // leased: still pending
  transport.replies = {{404, "", false}};
  store.record_attempt(worker.attempt(d));
  EXPECT_EQ(status_of([&] { service.replay(w.id, d.id); }), 0);
  EXPECT_EQ(status_of([&] { service.replay(w.id, d.id + 1); }), 404);
  EXPECT_EQ(store.claim_due(clock.now(), clock.now() + 1, 10).size(), 1u);
}

}  // namespace
}  // namespace st::services::webhooks
