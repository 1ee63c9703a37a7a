#include "domain/department.hpp"

namespace st::domain {

const std::vector<DefaultDepartment>& default_departments() {
  static const std::vector<DefaultDepartment> kDefaults{
      {"IT Support", "Computers, accounts, passwords, software, network and printers"},
      {"HR", "Payroll questions, leave, benefits, hiring, onboarding and workplace concerns"},
      {"Facilities", "Buildings, offices, maintenance, cleaning, parking and safety"},
      {"Finance", "Invoices, expenses, reimbursements, budgets and purchasing"},
      {kGeneralDepartment, "Everything else; the catch-all queue"},
  };
  return kDefaults;
}

bool needs_review(int confidence, const Department& department, int default_threshold) {
  return confidence < department.review_below_confidence.value_or(default_threshold);
}

}  // namespace st::domain
