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

std::string_view to_string(Actor::Type t) {
  switch (t) {
    case Actor::Type::system:
      return "system";
    case Actor::Type::key:
      return "key";
    case Actor::Type::anonymous:
      return "anonymous";
  }
  return "system";
}

std::optional<Actor::Type> parse_actor_type(std::string_view s) {
  for (auto t : {Actor::Type::system, Actor::Type::key, Actor::Type::anonymous})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

Actor actor_of(const Principal& p) {
  switch (p.kind) {
    case Principal::Kind::key:
      return {Actor::Type::key, p.key_id, p.name, p.role};
    case Principal::Kind::system:
      return Actor::system();
    case Principal::Kind::anonymous:
    case Principal::Kind::ticket_token:
      break;
  }
  return Actor::anonymous();
}

}  // namespace st::domain
