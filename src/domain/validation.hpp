#pragma once
// The rules a new ticket (and other client input) must pass. Pure functions: no I/O.
// Lengths are counted in Unicode code points after trimming ASCII/Unicode whitespace.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "domain/comment.hpp"
#include "domain/sla.hpp"
#include "domain/ticket.hpp"

namespace st::domain {

struct ValidationError {
  std::string field;    // the offending field, e.g. "title"
  std::string message;  // a sentence for humans: "title must be 3 to 200 characters"
};

struct TextLimits {
  std::size_t min;
  std::size_t max;
};

inline constexpr TextLimits kTitleLimits{3, 200};
inline constexpr TextLimits kDescriptionLimits{10, 10'000};
inline constexpr TextLimits kUserNameLimits{1, 100};
inline constexpr std::size_t kEmailMaxLength = 254;
inline constexpr TextLimits kDepartmentNameLimits{1, 100};
inline constexpr std::size_t kDepartmentDescriptionMax = 1000;
// As long as a ticket's description may be: a reply is the same kind of text.
inline constexpr TextLimits kCommentBodyLimits{1, kDescriptionLimits.max};

// Validates the JSON body of POST /api/tickets. Unknown fields are ignored.
std::variant<NewTicket, ValidationError> validate_new_ticket(const nlohmann::json& body);
// Validates the JSON body of POST /api/tickets/{id}/comments: {body, public?}. `public`
// missing or null is true (a reply). Unknown fields are ignored.
std::variant<NewComment, ValidationError> validate_new_comment(const nlohmann::json& body);
// Validates the JSON body of PUT /api/sla/policies: {"<priority>": {first_response_seconds?,
// resolution_seconds?, escalation?}, ...}, at least one priority. A field left out keeps its
// value in `current`; escalation null is none. Unknown priorities or fields are refused, as
// is a first response due after the resolution. Answers the named priorities' new policies.
using SlaPolicyChanges = std::map<Priority, SlaPolicy>;
std::variant<SlaPolicyChanges, ValidationError> validate_sla_policies(const nlohmann::json& body,
                                                                      const SlaPolicies& current);

// Trims leading/trailing whitespace (ASCII and the common Unicode spaces).
std::string trim(std::string_view s);
// Number of code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view s);
bool is_valid_utf8(std::string_view s);
// A pragmatic syntactic check: local@domain with a dot in the domain, no spaces,
// at most kEmailMaxLength characters.
bool is_valid_email(std::string_view s);

// Reads a required string field, trims it and checks its length.
std::variant<std::string, ValidationError> required_text(const nlohmann::json& body,
                                                         const char* field, TextLimits limits);

}  // namespace st::domain
