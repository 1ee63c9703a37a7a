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

}  // namespace st::domain
