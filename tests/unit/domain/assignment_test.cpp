#include "domain/assignment.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace st::domain {
namespace {

AssignmentCandidate member(std::string id, long long open = 0,
                           std::optional<Millis> last = std::nullopt, bool available = true) {
  return {id, "Agent " + id, available, open, last};
}

std::optional<std::string> chosen(AssignmentMode mode, const std::vector<AssignmentCandidate>& m,
                                  const std::optional<std::string>& last = std::nullopt,
                                  const std::optional<std::string>& exclude = std::nullopt) {
  const auto c = choose_assignee(mode, m, last, exclude);
  if (!c) return std::nullopt;
  return c->id;
}

TEST(Assignment, RoundRobinTakesMembersInIdOrderAndWrapsAround) {
  const std::vector<AssignmentCandidate> m{member("c"), member("a"), member("b")};
  std::optional<std::string> last;
  std::vector<std::string> order;
  for (int i = 0; i < 5; ++i) {
    last = chosen(AssignmentMode::round_robin, m, last);
    ASSERT_TRUE(last);
    order.push_back(*last);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "a", "b"}));
}

TEST(Assignment, RoundRobinContinuesAfterAPointerWhoLeft) {
  // "b" left the department: the turn goes to the next id after it.
  const std::vector<AssignmentCandidate> m{member("a"), member("c")};
  EXPECT_EQ(chosen(AssignmentMode::round_robin, m, "b"), "c");
  EXPECT_EQ(chosen(AssignmentMode::round_robin, m, "d"), "a");
}

TEST(Assignment, LeastOpenPicksTheFewestOpenTickets) {
  const std::vector<AssignmentCandidate> m{member("a", 3, 10), member("b", 1, 50),
                                           member("c", 2, 5)};
  EXPECT_EQ(chosen(AssignmentMode::least_open, m), "b");
}

TEST(Assignment, LeastOpenTiesGoToTheLongestSinceTheirLastAssignment) {
  const std::vector<AssignmentCandidate> m{member("a", 1, 300), member("b", 1, 100),
                                           member("c", 1, 200)};
  EXPECT_EQ(chosen(AssignmentMode::least_open, m), "b");
  // Never assigned is the longest of all; then the id decides.
  const std::vector<AssignmentCandidate> fresh{member("z", 1, 100), member("y", 1), member("x", 1)};
  EXPECT_EQ(chosen(AssignmentMode::least_open, fresh), "x");
}

TEST(Assignment, AwayAgentsAreSkipped) {
  const std::vector<AssignmentCandidate> m{member("a", 0, std::nullopt, false), member("b", 5),
                                           member("c", 0, std::nullopt, false)};
  EXPECT_EQ(chosen(AssignmentMode::round_robin, m), "b");
  EXPECT_EQ(chosen(AssignmentMode::round_robin, m, "b"), "b");
  EXPECT_EQ(chosen(AssignmentMode::least_open, m), "b");
}

TEST(Assignment, TheExcludedAgentIsNeverChosen) {
  const std::vector<AssignmentCandidate> m{member("a"), member("b", 9)};
  EXPECT_EQ(chosen(AssignmentMode::least_open, m, std::nullopt, "a"), "b");
  EXPECT_EQ(chosen(AssignmentMode::round_robin, m, "b", "a"), "b");
}

TEST(Assignment, NobodyAvailableOrManualLeavesTheTicketUnassigned) {
  const std::vector<AssignmentCandidate> away{member("a", 0, std::nullopt, false)};
  EXPECT_FALSE(chosen(AssignmentMode::round_robin, away));
  EXPECT_FALSE(chosen(AssignmentMode::least_open, away));
  EXPECT_FALSE(chosen(AssignmentMode::least_open, {}));
  EXPECT_FALSE(chosen(AssignmentMode::manual, {member("a")}));
}

TEST(Assignment, ModeAndAvailabilityNamesReadBothWays) {
  for (auto m : {AssignmentMode::manual, AssignmentMode::round_robin, AssignmentMode::least_open})
    EXPECT_EQ(parse_assignment_mode(to_string(m)), m);
  EXPECT_FALSE(parse_assignment_mode("Round_Robin"));
  EXPECT_EQ(parse_availability("away"), Availability::away);
  EXPECT_FALSE(parse_availability("busy"));
}

}  // namespace
}  // namespace st::domain
