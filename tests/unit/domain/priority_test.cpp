#include <gtest/gtest.h>

#include <algorithm>

#include "domain/codec.hpp"
#include "domain/priority.hpp"

namespace st::domain {
namespace {

TEST(Priority, RoundTripsEveryValue) {
  for (Priority p : kAllPriorities) EXPECT_EQ(parse_priority(to_string(p)), p);
  EXPECT_EQ(to_string(Priority::urgent), "urgent");
  EXPECT_EQ(parse_priority("critical"), std::nullopt);
  EXPECT_EQ(parse_priority("High"), std::nullopt);  // case-sensitive codes, like statuses
  EXPECT_EQ(parse_priority(""), std::nullopt);
}

TEST(Priority, RankGrowsWithUrgency) {
  EXPECT_TRUE(std::is_sorted(kAllPriorities.begin(), kAllPriorities.end(),
                             [](Priority a, Priority b) { return rank(a) < rank(b); }));
  EXPECT_LT(rank(Priority::low), rank(Priority::normal));
  EXPECT_LT(rank(Priority::high), rank(Priority::urgent));
}

TEST(Priority, ATicketIsNormalUntilSetAndItsJsonCarriesIt) {
  Ticket t;
  EXPECT_EQ(t.priority, Priority::normal);
  t.id = 3;
  t.priority = Priority::high;
  const auto j = to_json(t);
  EXPECT_EQ(j["priority"], "high");
  EXPECT_EQ(ticket_from_json(j).priority, Priority::high);
}

TEST(Priority, ATicketSnapshotWithoutPriorityReadsAsNormal) {
  Ticket t;
  t.id = 3;
  t.priority = Priority::urgent;
  auto j = to_json(t);
  j.erase("priority");  // written before priorities existed
  EXPECT_EQ(ticket_from_json(j).priority, Priority::normal);
}

}  // namespace
}  // namespace st::domain
