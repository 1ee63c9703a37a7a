#include "services/categorizer/priority_estimator.hpp"

#include <gtest/gtest.h>

namespace st::services::categorizer {
namespace {

using domain::Priority;

Priority of(std::string_view title, std::string_view description = "") {
  return estimate_priority(title, description).priority;
}

TEST(PriorityEstimator, ManyPeopleStoppedIsUrgent) {
  EXPECT_EQ(of("Email down", "Nobody can send mail since nine"), Priority::urgent);
  EXPECT_EQ(of("Email", "It is down for the whole office"), Priority::urgent);
  EXPECT_EQ(of("VPN", "The VPN is down for everyone working from home"), Priority::urgent);
  EXPECT_EQ(of("Outage of the shop", "Customers see errors"), Priority::urgent);
}

TEST(PriorityEstimator, SecurityMoneyAndDamageAtRiskNowAreUrgent) {
  EXPECT_EQ(of("Clicked a link", "I think it was phishing, I entered my password"),
            Priority::urgent);
  EXPECT_EQ(of("Payroll failed", "The run stopped halfway"), Priority::urgent);
  EXPECT_EQ(of("Water leaking from the ceiling onto desks"), Priority::urgent);
  EXPECT_EQ(of("Ransomware note on the file server"), Priority::urgent);
}

TEST(PriorityEstimator, OnePersonBlockedOrADeadlineTodayIsHigh) {
  EXPECT_EQ(of("Locked out", "Too many attempts, my account is locked"), Priority::high);
  EXPECT_EQ(of("Laptop won't boot", "I need it for a client meeting"), Priority::high);
  EXPECT_EQ(of("Report", "The figures are due today, can you help asap"), Priority::high);
  EXPECT_EQ(of("Card", "I was charged twice for the hotel"), Priority::high);
}

TEST(PriorityEstimator, RequestsAndFeedbackAreLow) {
  EXPECT_EQ(of("Suggestion", "It would be nice to have a dark mode"), Priority::low);
  EXPECT_EQ(of("Request for a standing desk"), Priority::low);
}

TEST(PriorityEstimator, AnythingElseIsNormal) {
  EXPECT_EQ(of("Printer jams on double-sided", "Single-sided works"), Priority::normal);
  EXPECT_EQ(of("How do I set an out-of-office?"), Priority::normal);
  EXPECT_EQ(of("", ""), Priority::normal);
  EXPECT_EQ(estimate_priority("Printer jams", "").cue, "");
}

TEST(PriorityEstimator, NoRushTakesBackAStatedUrgencyButNotABlock) {
  EXPECT_EQ(of("Urgent-ish", "New mouse please, no rush"), Priority::low);
  EXPECT_EQ(of("Locked out", "I cannot log in, but no rush, I am on leave"), Priority::high);
}

TEST(PriorityEstimator, CuesMatchInflectionsAndShortGapsButNotAcrossSentences) {
  EXPECT_EQ(of("Servers went down at noon"), Priority::urgent);  // "went down", "servers"
  EXPECT_EQ(of("Website is down", ""), Priority::urgent);
  EXPECT_EQ(estimate_priority("Website is down", "").cue, "website down");
  // "site" ends one sentence and "down" starts the next: no "site down".
  EXPECT_EQ(of("Question about the site. Down the hall the printer jams"), Priority::normal);
}

}  // namespace
}  // namespace st::services::categorizer
