#pragma once
// A ticket's conversation (issue 17 §3): public replies, which the requester sees and may
// add to, and internal notes (not public), which only agents and admins see.
#include <cstdint>
#include <string>

#include "domain/principal.hpp"
#include "domain/ticket_id.hpp"
#include "domain/time.hpp"

namespace st::domain {

using CommentId = std::int64_t;

// What a caller submits; produced only by validate_new_comment (trimmed, checked).
struct NewComment {
  std::string body;
  bool is_public = true;
};

struct Comment {
  CommentId id = 0;
  TicketId ticket_id = 0;
  std::string body;
  bool is_public = true;
  Actor author;  // the request's actor, as recorded when it was written
  Millis created_at = 0;

  bool operator==(const Comment&) const = default;
};

}  // namespace st::domain
