#pragma once
// A ticket's identity, on its own so that headers naming a ticket (a ticket token's principal,
// an explanation's actor) need not include the whole ticket.
#include <cstdint>

namespace st::domain {

using TicketId = std::int64_t;

}  // namespace st::domain
