#include "auth/access.hpp"

namespace st::auth {

bool Access::allows(const domain::Principal& p) const {
  using K = domain::Principal::Kind;
  switch (p.kind) {
    case K::anonymous:
      return bits_ & kAnonymous;
    case K::ticket_token:
      return bits_ & kTicketToken;
    case K::system:
      return false;  // the pipeline never calls the public API
    case K::key:
      break;
  }
  switch (p.role) {
    case domain::Role::requester:
      return bits_ & kRequester;
    case domain::Role::agent:
      return bits_ & kAgent;
    case domain::Role::admin:
      return bits_ & kAdmin;
  }
  return false;
}

}  // namespace st::auth
