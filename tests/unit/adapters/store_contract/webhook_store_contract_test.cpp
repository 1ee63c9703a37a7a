// The WebhookStore contract, run on every storage adapter (see backends.hpp): subscriptions,
// one delivery per subscribed webhook recorded with the consumed event (a redelivery adds
// none), leases, attempts and replays.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "unit/adapters/store_contract/backends.hpp"

namespace st::contract {
namespace {

using ports::DeliveryState;

template <class Backend>
class WebhookStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::WebhookStore;

  ports::Webhook hook(std::vector<std::string> events) {
    return store->create({.url = "https://hooks.example.com/in",
                          .events = std::move(events),
                          .secret = "a-secret-of-enough-length"},
                         1000);
  }
  static ports::WebhookEvent event(std::string id, std::string type) {
    return {std::move(id), std::move(type), R"({"event_id":"x"})"};
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(WebhookStoreContract, Backends, BackendName);

TYPED_TEST(WebhookStoreContract, CreatesListsUpdatesAndRemoves) {
  const auto a = this->hook({"ticket.routed"});
  const auto b = this->hook({"*"});
  EXPECT_GT(a.id, 0);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.created_at, 1000);
  ASSERT_EQ(this->store->list().size(), 2u);
  auto found = this->store->find(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->events, std::vector<std::string>{"ticket.routed"});
  EXPECT_EQ(found->secret, "a-secret-of-enough-length");

  found->url = "https://other.example.com/";
  found->events = {"ticket.created", "ticket.routed"};
  EXPECT_TRUE(this->store->update(*found, 2000));
  const auto updated = this->store->find(a.id);
  EXPECT_EQ(updated->url, "https://other.example.com/");
  EXPECT_EQ(updated->events.size(), 2u);
  EXPECT_EQ(updated->updated_at, 2000);
  EXPECT_EQ(updated->created_at, 1000);

  EXPECT_TRUE(this->store->remove(a.id));
  EXPECT_FALSE(this->store->remove(a.id));
  EXPECT_FALSE(this->store->find(a.id));
  EXPECT_FALSE(this->store->update(*found, 3000));
  EXPECT_EQ(this->store->list().size(), 1u);
}

TYPED_TEST(WebhookStoreContract, OneDeliveryPerSubscribedWebhookAndNoneForARedelivery) {
  const auto routed = this->hook({"ticket.routed"});
  const auto all = this->hook({"*"});
  const auto created = this->hook({"ticket.created"});
  EXPECT_EQ(this->store->record_events(
                {this->event("e1", "ticket.routed"), this->event("e2", "ticket.created")}, 5),
            (std::vector<bool>{true, true}));
  EXPECT_EQ(this->store->record_events({this->event("e1", "ticket.routed")}, 6),
            std::vector<bool>{false});

  const auto r = this->store->deliveries(routed.id, {});
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].event_id, "e1");
  EXPECT_EQ(r.items[0].event_type, "ticket.routed");
  EXPECT_EQ(r.items[0].state, DeliveryState::pending);
  EXPECT_EQ(r.items[0].attempts, 0);
  EXPECT_EQ(r.items[0].next_attempt_at, 5);
  EXPECT_EQ(this->store->deliveries(all.id, {}).items.size(), 2u);
  ASSERT_EQ(this->store->deliveries(created.id, {}).items.size(), 1u);
  EXPECT_EQ(this->store->deliveries(created.id, {}).items[0].event_id, "e2");
}

// Every event of the pipeline passes the webhooks consumer: a batch nobody subscribes to is not
// written at all (not even as consumed), so with no webhooks it costs one read.
TYPED_TEST(WebhookStoreContract, ABatchNobodySubscribesToIsNotWritten) {
  const auto created = this->hook({"ticket.created"});
  EXPECT_EQ(this->store->record_events({this->event("e1", "ticket.routed")}, 5),
            std::vector<bool>{true});
  EXPECT_TRUE(this->store->deliveries(created.id, {}).items.empty());
  // Not even recorded as consumed: a webhook made since gets the event if it comes again.
  const auto routed = this->hook({"ticket.routed"});
  EXPECT_EQ(this->store->record_events({this->event("e1", "ticket.routed")}, 6),
            std::vector<bool>{true});
  EXPECT_EQ(this->store->deliveries(routed.id, {}).items.size(), 1u);
}

TYPED_TEST(WebhookStoreContract, ClaimLeasesDueDeliveriesUntilTheLeaseEnds) {
  const auto w = this->hook({"*"});
  this->store->record_events(
      {this->event("e1", "ticket.routed"), this->event("e2", "ticket.routed")}, 100);
  EXPECT_TRUE(this->store->claim_due(99, 500, 10).empty());  // not due yet
  auto due = this->store->claim_due(100, 500, 1);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].webhook_id, w.id);
  EXPECT_EQ(due[0].url, w.url);
  EXPECT_EQ(due[0].secret, w.secret);
  EXPECT_EQ(due[0].body, R"({"event_id":"x"})");
  EXPECT_EQ(due[0].attempts, 0);
  const auto second = this->store->claim_due(100, 500, 10);
  ASSERT_EQ(second.size(), 1u);  // the leased one is not taken twice
  EXPECT_NE(second[0].id, due[0].id);
  EXPECT_TRUE(this->store->claim_due(499, 900, 10).empty());
  EXPECT_EQ(this->store->next_due(), 500);
  EXPECT_EQ(this->store->claim_due(500, 900, 10).size(), 2u);  // the leases ran out
}

TYPED_TEST(WebhookStoreContract, AttemptsMoveTheStateAndReplayRequeuesFinishedOnes) {
  const auto w = this->hook({"*"});
  this->store->record_events({this->event("e1", "ticket.routed")}, 100);
  const auto d = this->store->claim_due(100, 10'000, 1).at(0);
  this->store->record_attempt({.id = d.id,
                               .attempts = 1,
                               .state = DeliveryState::pending,
                               .status = 500,
                               .error = "the receiver answered 500",
                               .next_attempt_at = 1100,
                               .at = 100});
  auto row = this->store->deliveries(w.id, {}).items.at(0);
  EXPECT_EQ(row.state, DeliveryState::pending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 500);
  EXPECT_EQ(row.next_attempt_at, 1100);
  EXPECT_EQ(this->store->replay(w.id, d.id, 200), ports::ReplayOutcome::already_pending);

  this->store->record_attempt({.id = d.id,
                               .attempts = 2,
                               .state = DeliveryState::failed,
                               .status = std::nullopt,
                               .error = "timed out",
                               .at = 1100});
  row = this->store->deliveries(w.id, {}).items.at(0);
  EXPECT_EQ(row.state, DeliveryState::failed);
  EXPECT_EQ(row.last_error, "timed out");
  EXPECT_FALSE(row.next_attempt_at);
  EXPECT_EQ(this->store->failed_count(), 1u);
  EXPECT_FALSE(this->store->next_due());

  EXPECT_EQ(this->store->replay(w.id + 1, d.id, 2000), ports::ReplayOutcome::not_found);
  EXPECT_EQ(this->store->replay(w.id, d.id, 2000), ports::ReplayOutcome::replayed);
  row = this->store->deliveries(w.id, {}).items.at(0);
  EXPECT_EQ(row.state, DeliveryState::pending);
  EXPECT_EQ(row.attempts, 0);
  EXPECT_EQ(row.next_attempt_at, 2000);
  EXPECT_EQ(this->store->failed_count(), 0u);
  EXPECT_EQ(this->store->claim_due(2000, 3000, 5).size(), 1u);
}

TYPED_TEST(WebhookStoreContract, DeliveriesPageNewestFirst) {
  const auto w = this->hook({"*"});
  for (int i = 0; i < 5; ++i)
    this->store->record_events({this->event("e" + std::to_string(i), "ticket.routed")}, i);
  auto page = this->store->deliveries(w.id, {.after_id = std::nullopt, .limit = 2});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].event_id, "e4");
  EXPECT_EQ(page.items[1].event_id, "e3");
  ASSERT_TRUE(page.next_after);
  page = this->store->deliveries(w.id, {.after_id = page.next_after, .limit = 10});
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].event_id, "e2");
  EXPECT_FALSE(page.next_after);
}

TYPED_TEST(WebhookStoreContract, RemovingAWebhookRemovesItsDeliveries) {
  const auto w = this->hook({"*"});
  this->store->record_events({this->event("e1", "ticket.routed")}, 1);
  ASSERT_TRUE(this->store->remove(w.id));
  EXPECT_TRUE(this->store->claim_due(10, 20, 10).empty());
}

}  // namespace
}  // namespace st::contract
