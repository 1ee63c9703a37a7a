#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "services/categorizer/keyword_categorizer.hpp"

namespace st::services::categorizer {
namespace {

using ports::Categorization;
using ports::CategorizationRequest;

const std::vector<std::string> kDefaults{"IT Support", "HR", "Facilities", "Finance", "General"};

// One categorizer for the whole suite, as in production (rules are compiled once).
const KeywordCategorizer& categorizer() {
  static const KeywordCategorizer k;
  return k;
}

Categorization classify(std::string title, std::string description,
                        std::vector<std::string> departments = kDefaults) {
  return categorizer().classify(
      CategorizationRequest{std::move(title), std::move(description), std::move(departments)});
}

struct Case {
  const char* department;
  const char* title;
  const char* description;
};

// Everyday tickets written the way people write them: the department's obvious keyword is
// often missing, several mention things of other departments in passing.
const Case kTickets[] = {
    {"IT Support", "Can't get onto the VPN from home",
     "Since this morning the client says my credentials are rejected when I try to connect from my "
     "home office."},
    {"IT Support", "Outlook keeps asking for my password",
     "Every few minutes a pop up asks me to sign in again and my inbox won't sync."},
    {"IT Support", "Laptop screen flickering",
     "The display on my ThinkPad flickers whenever I open more than two apps."},
    {"IT Support", "Need Adobe Acrobat installed",
     "I have to edit PDFs for a client; could you install Acrobat Pro on my workstation?"},
    {"IT Support", "Locked out after too many attempts",
     "I typed the wrong code into the authenticator app three times and now my account is locked."},
    {"IT Support", "Printer on 3rd floor shows paper jam",
     "The printer next to the kitchen says there is a paper jam but nothing is stuck; nobody can "
     "print."},
    {"IT Support", "Wi-Fi drops in meeting room B",
     "Our laptops lose the wireless connection every ten minutes during calls."},
    {"IT Support", "Suspicious email asking me to confirm my bank details",
     "Got a message that looks like phishing, with a link to a fake Microsoft login page."},
    {"IT Support", "Second monitor not detected",
     "My external screen stopped being detected after the docking station was swapped."},
    {"IT Support", "Excel crashes when opening large files",
     "Every time I open the quarterly spreadsheet the program freezes and then closes."},
    {"HR", "Payslip for March shows the wrong tax code",
     "My net pay dropped although nothing changed; can someone in payroll check the deduction?"},
    {"HR", "How many vacation days do I have left?",
     "I'd like to book two weeks in August and need to know my remaining leave balance."},
    {"HR", "Parental leave starting in June",
     "My partner is due in May and I want to understand how much paid time off I'm entitled to as "
     "a new father."},
    {"HR", "Concern about a colleague's behaviour",
     "A coworker keeps making comments about my accent in team meetings; I want to report this as "
     "harassment confidentially."},
    {"HR", "Adding my spouse to the health insurance plan",
     "We got married last month; what documents do I need to add my wife to my benefits?"},
    {"HR", "Offer letter for the new data analyst",
     "The candidate accepted verbally; please prepare the contract so she can start on the 1st."},
    {"HR", "Question about my annual performance review",
     "My manager postponed my appraisal twice and I am worried about my promotion timeline."},
    {"HR", "Resignation and notice period",
     "I have accepted a job elsewhere. Who do I send my resignation letter to and what is my last "
     "day?"},
    {"HR", "Overtime missing from this month",
     "I worked 12 extra hours during the stocktake but they are missing from my salary."},
    {"Facilities", "Air conditioning not working on 4th floor",
     "It is 29 degrees in the open-plan area and people are getting headaches."},
    {"Facilities", "Water dripping from the ceiling in the men's restroom",
     "There is a puddle under the sinks and a ceiling tile looks like it could fall."},
    {"Facilities", "Broken chair at desk 14",
     "The gas lift on my office chair is broken so it sinks to the floor every few minutes."},
    {"Facilities", "Key card doesn't open the side entrance",
     "My badge works on the main doors but the reader at the car park entrance stays red."},
    {"Facilities", "Lights out in the north stairwell",
     "Two bulbs are gone and it is really dark on the stairs after 5pm - somebody could trip."},
    {"Facilities", "Elevator stuck between floors again",
     "The left lift stopped for ten minutes this morning with three people inside."},
    {"Facilities", "Bins in the kitchen not emptied",
     "The cleaning crew skipped our floor yesterday and the trash is starting to smell."},
    {"Facilities", "Request for a parking permit",
     "I started driving to work and need a spot in the garage on weekdays."},
    {"Facilities", "Mice in the storage room",
     "Found droppings behind the boxes; we probably need pest control."},
    {"Facilities", "It's freezing in here",
     "The heating on the second floor seems to be off and the radiators are cold."},
    {"Finance", "Vendor says invoice 4471 is still unpaid",
     "Acme Supplies emailed twice about their overdue invoice from February. Can accounts payable "
     "confirm when it will be paid?"},
    {"Finance", "Expense report for the Berlin conference",
     "I paid for the hotel and train tickets myself; the receipts are attached. How long does "
     "reimbursement take?"},
    {"Finance", "Need a purchase order for new laptops",
     "Procurement asked for a PO number before the supplier will ship the five laptops we "
     "ordered."},
    {"Finance", "Charged twice on the corporate card",
     "My Amex statement shows the same airline ticket two times; please help me get a refund."},
    {"Finance", "Budget for Q3 team offsite",
     "How much of our department budget is left and which cost center should the catering be "
     "booked under?"},
    {"Finance", "Reimbursement for mileage",
     "I drove my own car to three client sites last week, around 240 km in total."},
    {"Finance", "VAT missing on supplier invoice",
     "The invoice from our cleaning contractor has no VAT number, so I can't book it in the "
     "ledger."},
    {"Finance", "Wire transfer to a new overseas vendor",
     "We need to pay a supplier in Japan in yen; what exchange rate will be used and who approves "
     "it?"},
    {"Finance", "Month end close",
     "When is the cut-off for accruals this quarter? I still have two bills from consultants to "
     "book."},
    {"General", "Suggestion for the all hands agenda",
     "It would be great if we could hear more from the product teams at the next town hall."},
    {"General", "Lost and found: black umbrella",
     "I left my umbrella in the cafeteria on Tuesday; has anyone handed one in?"},
    {"General", "Volunteering day with the local food bank",
     "Is there a company policy on taking a day to volunteer, and how do we sign up as a group?"},
    {"General", "Was a package delivered for me?",
     "A courier said my parcel was left at the front of the building but I can't find it."},
    {"General", "Ideas for the company newsletter",
     "Our group finished a charity run and would love a short feature in the next issue."},
    {"General", "Who should I contact about ordering business cards?",
     "I have a new role and would like updated cards with my new phone number."},
    {"General", "Holiday party date",
     "Has the date for this year's holiday party been announced yet? We'd like to plan travel."},
    {"General", "Thank you to the events crew",
     "Just wanted to say the summer celebration was wonderful, great job everyone."},
    {"General", "Quick follow up",
     "Could somebody please get in touch with me when there is a moment? Thank you."},
};

TEST(KeywordCategorizer, RoutesEverydayTicketsOfEachDefaultDepartment) {
  std::map<std::string, int> per_department;
  for (const Case& c : kTickets) {
    const Categorization r = classify(c.title, c.description);
    EXPECT_EQ(r.department, c.department) << c.title << "\n  reason: " << r.reason;
    EXPECT_GT(r.confidence, KeywordCategorizer::kNoMatchConfidence) << c.title;
    ++per_department[c.department];
  }
  for (const std::string& d : kDefaults) EXPECT_GE(per_department[d], 8) << d;
}

TEST(KeywordCategorizer, AlwaysAnswersAsTheKeywordStrategy) {
  KeywordCategorizer k;
  EXPECT_EQ(k.name(), "keywords");
  for (const Case& c : kTickets) {
    const auto r = k.categorize(CategorizationRequest{c.title, c.description, kDefaults});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->categorized_by, domain::CategorizedBy::keywords);
    EXPECT_EQ(r->model_version, k.model_version());
    EXPECT_GE(r->confidence, KeywordCategorizer::kNoMatchConfidence);
    EXPECT_LE(r->confidence, KeywordCategorizer::kMaxConfidence);
  }
  const auto empty = k.categorize(CategorizationRequest{"", "", kDefaults});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->department, "General");
}

TEST(KeywordCategorizer, ExplainsWhichKeywordsMatched) {
  const Categorization r =
      classify("VPN drops every hour", "I re-enter my password and the VPN works again.");
  EXPECT_EQ(r.department, "IT Support");
  EXPECT_EQ(r.reason, "matched: vpn, password");
}

TEST(KeywordCategorizer, TheExplanationListsTheRulesThatFiredAndTheDepartmentsThatScored) {
  const Categorization r =
      classify("Printer problem", "Also a payroll question about my VPN password.");
  ASSERT_TRUE(r.explanation);
  const auto& e = *r.explanation;
  EXPECT_EQ(e.decided_by, domain::CategorizedBy::keywords);
  EXPECT_EQ(e.version, categorizer().model_version());
  // The decision first, at its confidence; HR scored too, and lists below it.
  ASSERT_GE(e.candidates.size(), 2u);
  EXPECT_EQ(e.candidates[0], (domain::Candidate{"IT Support", r.confidence}));
  const auto hr = std::find_if(e.candidates.begin(), e.candidates.end(),
                               [](const domain::Candidate& c) { return c.department == "HR"; });
  ASSERT_NE(hr, e.candidates.end());
  EXPECT_GT(hr->confidence, 0);
  EXPECT_LT(hr->confidence, r.confidence);
  // Each rule that fired, with the department it pointed at.
  const auto has = [&](const std::string& line) {
    return std::find(e.evidence.begin(), e.evidence.end(), line) != e.evidence.end();
  };
  EXPECT_TRUE(has("rule \"printer\" -> IT Support")) << testing::PrintToString(e.evidence);
  EXPECT_TRUE(has("rule \"payroll\" -> HR")) << testing::PrintToString(e.evidence);
  EXPECT_TRUE(has("rule \"vpn\" -> IT Support")) << testing::PrintToString(e.evidence);
}

TEST(KeywordCategorizer, NoMatchIsExplainedAsTheDefault) {
  const Categorization r = classify("Hello", "I am not sure where this belongs, can you advise?");
  ASSERT_TRUE(r.explanation);
  ASSERT_EQ(r.explanation->candidates.size(), 1u);
  EXPECT_EQ(r.explanation->candidates[0],
            (domain::Candidate{"General", KeywordCategorizer::kNoMatchConfidence}));
  EXPECT_EQ(r.explanation->evidence,
            std::vector<std::string>{"no keywords matched; defaulted to General"});
}

TEST(KeywordCategorizer, NothingMatchedMeansGeneralWithLowConfidence) {
  const Categorization r = classify("Hello", "I am not sure where this belongs, can you advise?");
  EXPECT_EQ(r.department, "General");
  EXPECT_EQ(r.confidence, KeywordCategorizer::kNoMatchConfidence);
  EXPECT_EQ(r.reason, "no keywords matched; defaulted to General");
  EXPECT_EQ(classify("", "").department, "General");
  EXPECT_EQ(classify("!!!", "\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5").department, "General");
}

TEST(KeywordCategorizer, TitleOutweighsDescription) {
  // The same two words; whichever is in the title decides.
  EXPECT_EQ(classify("Printer problem", "Also a payroll question.").department, "IT Support");
  EXPECT_EQ(classify("Payroll problem", "Also a printer question.").department, "HR");
  // One title keyword beats a stronger-looking single description keyword...
  EXPECT_EQ(classify("Laptop", "invoice").department, "IT Support");
  // ...but not several different description keywords.
  EXPECT_EQ(classify("Laptop", "invoice, purchase order, vendor payment").department, "Finance");
}

TEST(KeywordCategorizer, InflectedFormsMatch) {
  EXPECT_EQ(classify("Printers", "").department, "IT Support");
  EXPECT_EQ(classify("Printing", "").department, "IT Support");
  EXPECT_EQ(classify("Nothing printed", "").department, "IT Support");
  EXPECT_EQ(classify("My passwords", "").department, "IT Support");
  EXPECT_EQ(classify("When will I be reimbursed?", "").department, "Finance");
  EXPECT_EQ(classify("Invoicing", "").department, "Finance");
  EXPECT_EQ(classify("Leaking", "").department, "Facilities");
  EXPECT_EQ(classify("Plumbers", "").department, "Facilities");
  EXPECT_EQ(classify("Onboarded", "").department, "HR");
  EXPECT_EQ(classify("Harassed by a customer", "").department, "HR");
}

TEST(KeywordCategorizer, MatchesWholeWordsOnly) {
  // "mail" (the post room) is General, "email" is IT; neither is found inside the other.
  EXPECT_EQ(classify("Email", "").department, "IT Support");
  EXPECT_EQ(classify("Mail", "").department, "General");
  // "taxi" is not "tax", "spinning" and "pineapple" are not "pin", "heatwave" is not "heat".
  for (const char* title : {"Taxi", "Spinning wheel", "Pineapple", "Heatwave", "Eraser"}) {
    const Categorization r = classify(title, "");
    EXPECT_EQ(r.department, "General") << title << ": " << r.reason;
    EXPECT_EQ(r.confidence, KeywordCategorizer::kNoMatchConfidence) << title;
  }
  EXPECT_EQ(classify("Taxes", "").department, "Finance");
  EXPECT_EQ(classify("Forgot my PIN", "").department, "IT Support");
}

TEST(KeywordCategorizer, PhrasesBeatTheWordsInside) {
  // "account" alone leans IT; "accounts payable" is Finance.
  EXPECT_EQ(classify("Account", "").department, "IT Support");
  EXPECT_EQ(classify("Accounts payable", "").department, "Finance");
  // "access" leans IT; "building access" is Facilities.
  EXPECT_EQ(classify("Access", "").department, "IT Support");
  EXPECT_EQ(classify("Building access", "").department, "Facilities");
  // A flickering light is Facilities, a flickering screen IT.
  EXPECT_EQ(classify("Flickering", "").department, "Facilities");
  EXPECT_EQ(classify("Screen flickering", "").department, "IT Support");
}

TEST(KeywordCategorizer, PhrasesStopAtSentencePunctuation) {
  const KeywordRule plumbing[] = {{"hot water", 5}};
  const KeywordRule climate[] = {{"hot", 3}};
  const DepartmentKeywords rules[] = {{"Plumbing", plumbing}, {"Climate", climate}};
  KeywordCategorizer k(rules);
  const std::vector<std::string> depts{"Plumbing", "Climate"};
  EXPECT_EQ(k.classify({"No hot water", "", depts}).department, "Plumbing");
  EXPECT_EQ(k.classify({"It is hot. Water everywhere", "", depts}).department, "Climate");
  EXPECT_EQ(k.classify({"It is hot, water everywhere", "", depts}).department, "Climate");
}

TEST(KeywordCategorizer, RepetitionDoesNotOutvoteVariety) {
  const KeywordRule a[] = {{"printer", 3}};
  const KeywordRule b[] = {{"payroll", 3}, {"salary", 3}, {"vacation", 3}};
  const DepartmentKeywords rules[] = {{"A", a}, {"B", b}};
  KeywordCategorizer k(rules);
  const Categorization r = k.classify(
      {"", "printer printer printer printer printer printer payroll salary vacation", {"A", "B"}});
  EXPECT_EQ(r.department, "B");
}

TEST(KeywordCategorizer, ConfidenceReflectsStrengthAndMargin) {
  const int strong = classify("VPN and Outlook password reset not working",
                              "After the laptop update I cannot log in to the VPN, my Outlook "
                              "inbox is empty and the MFA authenticator app rejects the code.")
                         .confidence;
  const int one_specific = classify("Need help", "My vpn is acting up.").confidence;
  const int one_weak = classify("Hello there", "Things seem slow today.").confidence;
  const int none = classify("Hello there", "Nothing to see here.").confidence;
  EXPECT_GE(strong, 85);
  EXPECT_LE(strong, KeywordCategorizer::kMaxConfidence);
  EXPECT_GT(strong, one_specific);
  EXPECT_GT(one_specific, one_weak);
  EXPECT_GE(one_weak, 40);
  EXPECT_LE(one_weak, 55);
  EXPECT_GT(one_weak, none);
  EXPECT_EQ(none, KeywordCategorizer::kNoMatchConfidence);

  // A ticket split evenly between two departments is less certain than either half alone.
  const int printer_only = classify("Printer", "").confidence;
  const int payroll_only = classify("Payroll", "").confidence;
  const int both = classify("Printer and payroll", "").confidence;
  EXPECT_LT(both, printer_only);
  EXPECT_LT(both, payroll_only);
}

TEST(KeywordCategorizer, ConfidenceNeverReaches100) {
  std::string everything;
  for (int i = 0; i < 50; ++i) everything += "vpn password laptop printer outlook wifi mfa ";
  const Categorization r = classify("VPN password laptop printer outlook", everything);
  EXPECT_EQ(r.department, "IT Support");
  EXPECT_EQ(r.confidence, KeywordCategorizer::kMaxConfidence);
}

TEST(KeywordCategorizer, AnswersOnlyWithListedDepartments) {
  const std::vector<std::vector<std::string>> lists{{"HR", "General"},
                                                    {"Finance"},
                                                    {"Facilities", "IT Support"},
                                                    {"General"},
                                                    {"IT Support", "HR", "Finance"}};
  for (const auto& list : lists) {
    for (const Case& c : kTickets) {
      const Categorization r = classify(c.title, c.description, list);
      EXPECT_NE(std::find(list.begin(), list.end(), r.department), list.end())
          << r.department << " for " << c.title;
    }
  }
  // An IT ticket when IT is not offered: its keywords do not count, General takes it.
  const Categorization r = classify("VPN password reset", "", {"HR", "Finance", "General"});
  EXPECT_EQ(r.department, "General");
  EXPECT_EQ(r.confidence, KeywordCategorizer::kNoMatchConfidence);
  // With both, the listed department that matches still wins.
  EXPECT_EQ(classify("VPN and invoice", "", {"Finance", "General"}).department, "Finance");
}

TEST(KeywordCategorizer, FallsBackToTheFirstListedDepartmentWithoutGeneral) {
  const Categorization r = classify("Hello", "Nothing here.", {"Facilities", "HR"});
  EXPECT_EQ(r.department, "Facilities");
  EXPECT_EQ(r.confidence, KeywordCategorizer::kNoMatchConfidence);
  EXPECT_EQ(r.reason, "no keywords matched; defaulted to Facilities");
}

TEST(KeywordCategorizer, MatchesDepartmentNamesCaseInsensitively) {
  const Categorization r = classify("VPN is down", "", {"it support", "GENERAL"});
  EXPECT_EQ(r.department, "it support");  // spelled as the caller spelled it
  EXPECT_EQ(classify("Hello", "", {"hr", "general"}).department, "general");
}

TEST(KeywordCategorizer, EmptyListMeansEveryKnownDepartment) {
  EXPECT_EQ(classify("VPN is down", "", {}).department, "IT Support");
  EXPECT_EQ(classify("Payslip missing", "", {}).department, "HR");
  EXPECT_EQ(classify("Hello", "", {}).department, "General");
}

TEST(KeywordCategorizer, AdminAddedDepartmentsMatchTheWordsOfTheirName) {
  std::vector<std::string> with_legal = kDefaults;
  with_legal.push_back("Legal");
  const Categorization r =
      classify("Need a legal review of an NDA",
               "A partner sent us their NDA; can someone check it?", with_legal);
  EXPECT_EQ(r.department, "Legal");
  EXPECT_GT(r.confidence, KeywordCategorizer::kNoMatchConfidence);
  EXPECT_EQ(r.reason, "matched: legal");
  // Inflected and in the description only.
  EXPECT_EQ(classify("Question", "Please forward this to the legal team.", with_legal).department,
            "Legal");
  // Not offered: the same ticket cannot go there.
  EXPECT_NE(classify("Need a legal review of an NDA", "", kDefaults).department, "Legal");
  // Built-in departments keep their rules next to added ones.
  EXPECT_EQ(classify("VPN is down", "", with_legal).department, "IT Support");
}

TEST(KeywordCategorizer, MultiWordAdminDepartmentsIgnoreFillerWords) {
  const std::vector<std::string> depts{"IT Support", "General", "Customer Success",
                                       "Office of the CEO", "Research and Development"};
  EXPECT_EQ(
      classify("Customer escalation", "An unhappy customer wants a call back.", depts).department,
      "Customer Success");
  EXPECT_EQ(classify("Meeting with the CEO", "", depts).department, "Office of the CEO");
  EXPECT_EQ(classify("Research budget", "", depts).department, "Research and Development");
  // "of", "the", "and", "office" alone are not evidence.
  EXPECT_EQ(classify("The office of the future", "and more", depts).department, "General");
  // The whole name outweighs a single shared word.
  const std::vector<std::string> two{"Customer Success", "Customer Billing", "General"};
  EXPECT_EQ(classify("Customer success plan", "", two).department, "Customer Success");
}

TEST(KeywordCategorizer, AdminDepartmentNamedLikeAKeywordIsTheSpecificPlace) {
  std::vector<std::string> depts = kDefaults;
  depts.push_back("Payroll");
  EXPECT_EQ(classify("Payroll question", "", depts).department, "Payroll");
  EXPECT_EQ(classify("Vacation days left", "", depts).department, "HR");
}

TEST(KeywordCategorizer, HostileTextIsJustText) {
  const Categorization r =
      classify("Can't print \"quotes\" '); DROP TABLE tickets;--",
               "<script>alert(1)</script> printer offline & network down \xF0\x9F\x8E\xAB");
  EXPECT_EQ(r.department, "IT Support") << r.reason;
}

TEST(KeywordCategorizer, ScratchSpaceDoesNotLeakBetweenCalls) {
  const Categorization first = classify(kTickets[0].title, kTickets[0].description);
  for (const Case& c : kTickets) classify(c.title, c.description);
  classify("Legal", "", {"Legal", "General"});
  const Categorization again = classify(kTickets[0].title, kTickets[0].description);
  EXPECT_EQ(again.department, first.department);
  EXPECT_EQ(again.confidence, first.confidence);
  EXPECT_EQ(again.reason, first.reason);
}

TEST(KeywordCategorizer, IsSafeToShareBetweenThreads) {
  std::vector<Categorization> expected;
  for (const Case& c : kTickets) expected.push_back(classify(c.title, c.description));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < std::size(kTickets); ++i) {
          const std::size_t k = (i + static_cast<std::size_t>(t) * 7) % std::size(kTickets);
          const Categorization r = classify(kTickets[k].title, kTickets[k].description);
          if (r.department != expected[k].department || r.confidence != expected[k].confidence ||
              r.reason != expected[k].reason)
            ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(KeywordCategorizer, CustomRuleTablesMergeDuplicates) {
  const KeywordRule a1[] = {{"printer", 2}, {"printers", 3}};
  const KeywordRule a2[] = {{"toner", 1}};
  const KeywordRule b[] = {{"printer", 1}};
  // "A" twice (case differs) is one department; "printer"/"printers" is one rule at weight 3.
  const DepartmentKeywords rules[] = {{"A", a1}, {"B", b}, {"a", a2}};
  KeywordCategorizer k(rules);
  const Categorization r = k.classify({"", "printing", {"A", "B"}});
  EXPECT_EQ(r.department, "A");
  EXPECT_EQ(r.reason, "matched: printer");
  EXPECT_EQ(k.classify({"", "toner", {"A", "B"}}).department, "A");
}

}  // namespace
}  // namespace st::services::categorizer
