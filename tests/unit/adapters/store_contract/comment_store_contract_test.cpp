// The TicketStore's comments (a ticket's conversation), run on every storage adapter (see
// backends.hpp).
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "domain/codec.hpp"
#include "unit/adapters/store_contract/backends.hpp"
#include "unit/support/store_writes.hpp"

using st::test_support::create_one;

namespace st::contract {
namespace {

using domain::Comment;
using domain::Event;
using domain::Ticket;

domain::Actor agent() {
  return {domain::Actor::Type::key, "0123456789abcdef", "Kim Agent", domain::Role::agent};
}

// The tickets service's CommentEvents: one ticket.commented.
std::vector<Event> commented_event(const Ticket& t, const Comment& c) {
  return {domain::make_event(domain::payload::Commented{c.id, c.is_public}, t, c.created_at,
                             "trace-2")};
}

template <class Backend>
class CommentStoreContract : public ::testing::Test {
 protected:
  using Store = typename Backend::TicketStore;

  Ticket create() {
    return create_one(
        *store, {"Laptop will not boot", "It shows a black screen", "Ann Lee", "ann@example.com"},
        1000, nullptr);
  }
  std::optional<Comment> add(domain::TicketId id, std::string body, bool is_public,
                             domain::Actor author = agent(), domain::Millis now = 2000) {
    return store->add_comment(id, {std::move(body), is_public}, author, now, commented_event);
  }

  Backend backend;
  std::unique_ptr<Store> store = backend.template make<Store>();
};

TYPED_TEST_SUITE(CommentStoreContract, Backends, BackendName);

TYPED_TEST(CommentStoreContract, AddStoresTheCommentAndItsEventTogether) {
  const auto t = this->create();
  const auto c = this->add(t.id, "Have you tried another charger?", true);
  ASSERT_TRUE(c);
  EXPECT_GT(c->id, 0);
  EXPECT_EQ(c->ticket_id, t.id);
  EXPECT_EQ(c->body, "Have you tried another charger?");
  EXPECT_TRUE(c->is_public);
  EXPECT_EQ(c->author, agent());
  EXPECT_EQ(c->created_at, 2000);
  const auto messages = drain(*this->store);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].routing_key, "ticket.commented");
  const Event event = domain::parse_event(messages[0].body);
  const auto* commented = std::get_if<domain::payload::Commented>(&event.payload);
  ASSERT_NE(commented, nullptr);
  EXPECT_EQ(commented->comment_id, c->id);
  EXPECT_TRUE(commented->is_public);
  EXPECT_EQ(event.ticket, t);
  const auto page = this->store->comments(t.id, false, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0], *c);
  EXPECT_FALSE(page.next_after);
}

TYPED_TEST(CommentStoreContract, AnUnknownTicketTakesNoComment) {
  EXPECT_EQ(this->add(9999, "Hello?", true), std::nullopt);
  EXPECT_TRUE(drain(*this->store).empty());
  EXPECT_TRUE(this->store->comments(9999, false, {}).items.empty());
}

TYPED_TEST(CommentStoreContract, NothingIsStoredWhenBuildingTheEventThrows) {
  const auto t = this->create();
  EXPECT_THROW(this->store->add_comment(t.id, {"Doomed", true}, agent(), 1,
                                        [](const Ticket&, const Comment&) -> std::vector<Event> {
                                          throw std::runtime_error("cannot build events");
                                        }),
               std::runtime_error);
  EXPECT_TRUE(this->store->comments(t.id, false, {}).items.empty());
  EXPECT_TRUE(drain(*this->store).empty());
}

TYPED_TEST(CommentStoreContract, CommentsAreOldestFirstPerTicketAndPage) {
  const auto t = this->create();
  const auto other = this->create();
  for (int i = 1; i <= 5; ++i) this->add(t.id, "Reply " + std::to_string(i), true);
  this->add(other.id, "Elsewhere", true);
  const auto first = this->store->comments(t.id, false, {std::nullopt, 2});
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].body, "Reply 1");
  EXPECT_EQ(first.items[1].body, "Reply 2");
  ASSERT_TRUE(first.next_after);
  const auto rest = this->store->comments(t.id, false, {first.next_after, 10});
  ASSERT_EQ(rest.items.size(), 3u);
  EXPECT_EQ(rest.items[0].body, "Reply 3");
  EXPECT_EQ(rest.items[2].body, "Reply 5");
  EXPECT_FALSE(rest.next_after);
}

TYPED_TEST(CommentStoreContract, PublicOnlyLeavesInternalNotesOut) {
  const auto t = this->create();
  this->add(t.id, "We are on it", true);
  this->add(t.id, "Looks like the disk; order one", false);
  const domain::Actor requester{domain::Actor::Type::key, "fedcba9876543210", "Ann Lee",
                                domain::Role::requester};
  this->add(t.id, "Thanks!", true, requester);
  const auto all = this->store->comments(t.id, false, {});
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_FALSE(all.items[1].is_public);
  const auto shown = this->store->comments(t.id, true, {});
  ASSERT_EQ(shown.items.size(), 2u);
  EXPECT_EQ(shown.items[0].body, "We are on it");
  EXPECT_EQ(shown.items[1].body, "Thanks!");
  EXPECT_EQ(shown.items[1].author, requester);
}

TYPED_TEST(CommentStoreContract, AnActorWithoutAKeyIsKeptAsSuch) {
  const auto t = this->create();
  const auto c = this->add(t.id, "Written in the open mode", true, domain::Actor::anonymous());
  ASSERT_TRUE(c);
  const auto page = this->store->comments(t.id, false, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].author, domain::Actor::anonymous());
}

}  // namespace
}  // namespace st::contract
