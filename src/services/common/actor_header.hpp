#pragma once
// Who a service records as the actor of a change it makes for a request. The gateway
// authenticates the caller; in one process the service reads that principal straight from the
// request context, across processes from the X-SmartTicket-Actor header the gateway sets on
// every call it forwards (replacing whatever a client sent).
#include <string>
#include <string_view>

#include "domain/principal.hpp"
#include "http/request_context.hpp"

namespace st::services {

inline constexpr std::string_view kActorHeader = "X-SmartTicket-Actor";

// The request's actor: the gateway's principal, else the header, else anonymous.
domain::Actor actor_of(const http::RequestContext& ctx);
// The header's value for `principal` (compact JSON of the actor).
std::string actor_header_value(const domain::Principal& principal);

}  // namespace st::services
