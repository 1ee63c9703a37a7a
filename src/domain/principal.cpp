#include "domain/principal.hpp"

#include "util/enum_names.hpp"

namespace st::domain {

constexpr util::EnumNames<Role, 3> kRoleNames{{
    {Role::requester, "requester"},
    {Role::agent, "agent"},
    {Role::admin, "admin"},
}};

std::string_view to_string(Role r) {
  return util::name_of(kRoleNames, r);
}

std::optional<Role> parse_role(std::string_view s) {
  return util::value_named(kRoleNames, s);
}

constexpr util::EnumNames<Principal::Kind, 4> kPrincipalKindNames{{
    {Principal::Kind::anonymous, "anonymous"},
    {Principal::Kind::key, "key"},
    {Principal::Kind::ticket_token, "ticket_token"},
    {Principal::Kind::system, "system"},
}};

std::string_view to_string(Principal::Kind k) {
  return util::name_of(kPrincipalKindNames, k);
}

constexpr util::EnumNames<Actor::Type, 3> kActorTypeNames{{
    {Actor::Type::system, "system"},
    {Actor::Type::key, "key"},
    {Actor::Type::anonymous, "anonymous"},
}};

std::string_view to_string(Actor::Type t) {
  return util::name_of(kActorTypeNames, t);
}

std::optional<Actor::Type> parse_actor_type(std::string_view s) {
  return util::value_named(kActorTypeNames, s);
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
