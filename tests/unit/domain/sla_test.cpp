// The SLA clock arithmetic (domain/sla.hpp): due times, pauses, recomputation, meeting,
// breaching and the state shown.
#include <gtest/gtest.h>

#include "domain/sla.hpp"

namespace st::domain {
namespace {

constexpr Millis kCreated = 1'000'000;
constexpr Millis kSecond = 1000;
// 100 s to the first response, 1000 s to the resolution.
const SlaPolicy kPolicy{100, 1000, Escalation::none};

TEST(Sla, StartsBothClocksFromTheCreationTime) {
  const auto c = start_sla(kCreated, kPolicy);
  EXPECT_EQ(c.first_response_due, kCreated + 100 * kSecond);
  EXPECT_EQ(c.resolution_due, kCreated + 1000 * kSecond);
  EXPECT_TRUE(c.running(SlaClock::first_response));
  EXPECT_TRUE(c.running(SlaClock::resolution));
  EXPECT_EQ(sla_state(c, kCreated, kCreated), SlaState::ok);
}

TEST(Sla, DefaultsGrowFromUrgentToLowAndEscalateNothing) {
  const auto d = default_sla_policies();
  EXPECT_EQ(d.of(Priority::urgent).first_response_seconds, 3600);
  EXPECT_EQ(d.of(Priority::urgent).resolution_seconds, 4 * 3600);
  EXPECT_EQ(d.of(Priority::low).resolution_seconds, 7 * 24 * 3600);
  for (const auto p : kAllPriorities) EXPECT_EQ(d.of(p).escalation, Escalation::none);
}

TEST(Sla, APauseMovesTheRunningDueTimesLaterByItsLength) {
  auto c = start_sla(kCreated, kPolicy);
  pause_sla(c, kCreated + 10 * kSecond);
  EXPECT_TRUE(c.paused_at);
  EXPECT_TRUE(overdue_clocks(c, kCreated + 5000 * kSecond).empty());  // paused: never overdue
  resume_sla(c, kCreated + 70 * kSecond);
  EXPECT_FALSE(c.paused_at);
  EXPECT_EQ(c.paused_ms, 60 * kSecond);
  EXPECT_EQ(c.first_response_due, kCreated + 160 * kSecond);
  EXPECT_EQ(c.resolution_due, kCreated + 1060 * kSecond);
}

TEST(Sla, APauseLeavesAMetClockAlone) {
  auto c = start_sla(kCreated, kPolicy);
  ASSERT_TRUE(meet_sla(c, SlaClock::first_response, kCreated + 5 * kSecond));
  pause_sla(c, kCreated + 10 * kSecond);
  resume_sla(c, kCreated + 30 * kSecond);
  EXPECT_EQ(c.first_response_due, kCreated + 100 * kSecond);
  EXPECT_EQ(c.resolution_due, kCreated + 1020 * kSecond);
}

TEST(Sla, ANewPolicyRecomputesTheRunningClocksKeepingThePausedTime) {
  auto c = start_sla(kCreated, kPolicy);
  pause_sla(c, kCreated);
  resume_sla(c, kCreated + 20 * kSecond);
  ASSERT_TRUE(meet_sla(c, SlaClock::first_response, kCreated + 30 * kSecond));
  apply_policy(c, kCreated, SlaPolicy{10, 200, Escalation::none});
  EXPECT_EQ(c.first_response_due, kCreated + 120 * kSecond);  // met: kept
  EXPECT_EQ(c.resolution_due, kCreated + 220 * kSecond);
}

TEST(Sla, MeetingReportsTheClockOnce) {
  auto c = start_sla(kCreated, kPolicy);
  const auto met = meet_sla(c, SlaClock::first_response, kCreated + 50 * kSecond);
  ASSERT_TRUE(met);
  EXPECT_EQ(met->due_at, kCreated + 100 * kSecond);
  EXPECT_EQ(met->met_at, kCreated + 50 * kSecond);
  EXPECT_FALSE(meet_sla(c, SlaClock::first_response, kCreated + 60 * kSecond));
  EXPECT_EQ(c.first_response_at, kCreated + 50 * kSecond);
}

TEST(Sla, ABreachedClockRecordsItsAnswerButIsNotReportedMet) {
  auto c = start_sla(kCreated, kPolicy);
  mark_breached(c, SlaClock::first_response, kCreated + 100 * kSecond);
  EXPECT_FALSE(meet_sla(c, SlaClock::first_response, kCreated + 150 * kSecond));
  EXPECT_EQ(c.first_response_at, kCreated + 150 * kSecond);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 150 * kSecond), SlaState::breached);
}

TEST(Sla, ATicketWithoutClocksHasNothingToMeetOrBreach) {
  SlaClocks none;
  EXPECT_FALSE(meet_sla(none, SlaClock::resolution, kCreated));
  EXPECT_TRUE(overdue_clocks(none, kCreated * 10).empty());
  EXPECT_EQ(sla_state(none, kCreated, kCreated * 10), SlaState::ok);
}

TEST(Sla, OverdueListsTheRunningClocksAtOrPastTheirDue) {
  auto c = start_sla(kCreated, kPolicy);
  EXPECT_TRUE(overdue_clocks(c, kCreated + 99 * kSecond).empty());
  EXPECT_EQ(overdue_clocks(c, kCreated + 100 * kSecond),
            std::vector<SlaClock>{SlaClock::first_response});
  mark_breached(c, SlaClock::first_response, kCreated + 100 * kSecond);
  EXPECT_TRUE(overdue_clocks(c, kCreated + 500 * kSecond).empty());
  EXPECT_EQ(overdue_clocks(c, kCreated + 1000 * kSecond),
            std::vector<SlaClock>{SlaClock::resolution});
}

TEST(Sla, AtRiskWhenARunningClockHasLessThanAQuarterLeft) {
  const auto c = start_sla(kCreated, kPolicy);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 75 * kSecond), SlaState::ok);  // 25 % left
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 76 * kSecond), SlaState::at_risk);
}

TEST(Sla, AtRiskCountsTheTargetWithoutThePausedTime) {
  auto c = start_sla(kCreated, kPolicy);
  pause_sla(c, kCreated + 10 * kSecond);
  resume_sla(c, kCreated + 510 * kSecond);  // first response due at +600
  // 80 s of its 100 s target used: 20 % left.
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 580 * kSecond), SlaState::at_risk);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 560 * kSecond), SlaState::ok);
}

TEST(Sla, WhilePausedTimeStandsStillForTheState) {
  auto c = start_sla(kCreated, kPolicy);
  pause_sla(c, kCreated + 10 * kSecond);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 5000 * kSecond), SlaState::ok);
}

TEST(Sla, BreachedWhenARunningClockIsPastItsDueBeforeTheSweeperMarksIt) {
  const auto c = start_sla(kCreated, kPolicy);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 100 * kSecond), SlaState::breached);
}

TEST(Sla, MetWhenBothClocksAreMetInTime) {
  auto c = start_sla(kCreated, kPolicy);
  meet_sla(c, SlaClock::first_response, kCreated + 10 * kSecond);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 20 * kSecond), SlaState::ok);
  meet_sla(c, SlaClock::resolution, kCreated + 900 * kSecond);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 5000 * kSecond), SlaState::met);
}

TEST(Sla, AClockMetAfterItsDueShowsBreached) {
  auto c = start_sla(kCreated, kPolicy);
  meet_sla(c, SlaClock::first_response, kCreated + 101 * kSecond);
  meet_sla(c, SlaClock::resolution, kCreated + 200 * kSecond);
  EXPECT_EQ(sla_state(c, kCreated, kCreated + 300 * kSecond), SlaState::breached);
}

TEST(Sla, RaisingStopsAtUrgent) {
  EXPECT_EQ(raised(Priority::low), Priority::normal);
  EXPECT_EQ(raised(Priority::high), Priority::urgent);
  EXPECT_EQ(raised(Priority::urgent), Priority::urgent);
}

TEST(Sla, NamesReadBothWays) {
  for (const auto e :
       {Escalation::none, Escalation::raise_priority, Escalation::reassign, Escalation::notify})
    EXPECT_EQ(parse_escalation(to_string(e)), e);
  EXPECT_EQ(parse_escalation("page"), std::nullopt);
  for (const auto c : kAllSlaClocks) EXPECT_EQ(parse_sla_clock(to_string(c)), c);
  EXPECT_EQ(to_string(SlaState::at_risk), "at_risk");
}

}  // namespace
}  // namespace st::domain
