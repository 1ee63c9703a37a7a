#include "domain/principal.hpp"

namespace st::domain {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::requester:
      return "requester";
    case Role::agent:
      return "agent";
    case Role::admin:
      return "admin";
  }
  return "requester";
}

std::optional<Role> parse_role(std::string_view s) {
  for (auto r : {Role::requester, Role::agent, Role::admin})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::string_view to_string(Principal::Kind k) {
  switch (k) {
    case Principal::Kind::anonymous:
      return "anonymous";
    case Principal::Kind::key:
      return "key";
    case Principal::Kind::ticket_token:
      return "ticket_token";
    case Principal::Kind::system:
      return "system";
  }
  return "anonymous";
}

}  // namespace st::domain
