#pragma once
// Who is calling: the caller the gateway authenticated, or the pipeline itself. Every state
// change records one of these as its actor.
#include <optional>
#include <string>
#include <string_view>

#include "domain/ticket.hpp"

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

}  // namespace st::domain
