#pragma once
// Who is calling: the caller the gateway authenticated, or the pipeline itself. Every state
// change records one of these as its actor.
#include <optional>
#include <string>
#include <string_view>

#include "domain/ticket_id.hpp"

namespace st::domain {

// What a key may do (docs/api.md, "Access"): a requester creates tickets and reads only their
// own; an agent works every ticket; an admin also manages departments, keys and operations.
enum class Role { requester, agent, admin };

std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Principal {
  enum class Kind {
    anonymous,     // no credentials (open mode, anonymous creates, probes)
    key,           // an API key: id, name, role, email
    ticket_token,  // an anonymous create's token: may read `ticket_id` only
    system,        // the pipeline acting on its own
  };
  Kind kind = Kind::anonymous;
  std::string key_id;
  std::string name;
  Role role = Role::requester;  // meaningful for kind == key
  std::string email;            // a requester's identity; may be empty for agents and admins
  TicketId ticket_id = 0;       // kind == ticket_token

  bool is_key() const { return kind == Kind::key; }
  bool has_role(Role r) const { return kind == Kind::key && role == r; }
  // An agent or an admin: may work every ticket.
  bool is_staff() const { return kind == Kind::key && role != Role::requester; }
};

std::string_view to_string(Principal::Kind k);

// Who made a change, as events and trails record it: {type: key|system|anonymous, id, name,
// role}. The pipeline acts as `system`; callers without a key (the open mode, anonymous
// creates) as `anonymous`.
struct Actor {
  enum class Type { system, key, anonymous };
  Type type = Type::system;
  std::string id;    // the key's id (type key)
  std::string name;  // the key's name (type key)
  std::optional<Role> role;

  static Actor system() { return {}; }
  static Actor anonymous() { return {Type::anonymous, {}, {}, std::nullopt}; }
  // An agent's or an admin's key: whose decisions may teach the learned model.
  bool is_staff() const { return type == Type::key && role && *role != Role::requester; }
  bool operator==(const Actor&) const = default;
};

std::string_view to_string(Actor::Type t);
std::optional<Actor::Type> parse_actor_type(std::string_view s);
// The actor a caller's change is recorded as.
Actor actor_of(const Principal& p);

}  // namespace st::domain
