#pragma once
// The Anthropic Messages API as the categorizer uses it: the request body for one ticket
// (a forced tool call whose schema lists the allowed departments), the parsing and
// validation of the answer, and the classification of failures. Pure functions, no I/O.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ports/categorizer.hpp"

namespace st::adapters::anthropic {

inline constexpr std::string_view kApiVersion = "2023-06-01";
inline constexpr std::string_view kMessagesPath = "/v1/messages";
inline constexpr std::string_view kToolName = "route_ticket";
// Longest reason kept from an answer (it goes into the audit trail).
inline constexpr std::size_t kMaxReasonBytes = 300;
// The version of the system prompt and tool schema: raised whenever either changes, and
// recorded with the model in each Claude decision's explanation ("<model> prompt-<N>").
inline constexpr int kPromptVersion = 3;
// Runners-up an answer may name beside its department ("alternatives").
inline constexpr std::size_t kMaxAlternatives = 2;

struct PromptOptions {
  std::string model = "claude-haiku-4-5";
  int max_tokens = 300;
  // E-mail addresses, phone, card and IBAN numbers replaced by placeholders (pii_redactor).
  bool redact_pii = true;
};

// The system prompt: instructions only, with the department list; no ticket text.
std::string system_prompt(const std::vector<std::string>& departments);
// The user message: the ticket as a delimited data block, its text escaped so it cannot
// close the block or open another.
std::string ticket_message(std::string_view title, std::string_view description);
// &, < and > as XML entities.
std::string escape_ticket_text(std::string_view text);
// The body of POST /v1/messages for one ticket (its text redacted when options say so).
nlohmann::json build_request(const PromptOptions& options,
                             const ports::CategorizationRequest& request);

struct Answer {
  std::string department;  // spelled as in the department list
  int confidence = 0;      // 0-100
  std::string reason;
  // How urgent, when the answer says (a tool call's "priority"); unset, the categorizer
  // uses its local estimate.
  std::optional<domain::Priority> priority;
  // Other departments the answer weighed (the tool call's "alternatives"), best first: in the
  // list, not the chosen one, at most kMaxAlternatives.
  std::vector<domain::Candidate> alternatives;
  std::string model;      // the model that answered, as the API names it
  bool from_tool = true;  // false: understood from a text answer
  long input_tokens = 0;
  long output_tokens = 0;
};

enum class FailureKind {
  timeout,             // connect or total timeout
  connection,          // refused, reset, DNS, TLS
  rate_limited,        // 429
  overloaded,          // 529
  server_error,        // other 5xx
  bad_request,         // 400, 404, 413 and other 4xx: our request is wrong
  authentication,      // 401: the key is wrong
  permission,          // 403
  malformed_response,  // not the JSON shape the API documents
  invalid_answer,      // well-formed, but no usable department/confidence
};
std::string_view to_string(FailureKind kind);
inline constexpr FailureKind kAllFailureKinds[] = {
    FailureKind::timeout,        FailureKind::connection,   FailureKind::rate_limited,
    FailureKind::overloaded,     FailureKind::server_error, FailureKind::bad_request,
    FailureKind::authentication, FailureKind::permission,   FailureKind::malformed_response,
    FailureKind::invalid_answer};

// Worth another attempt: the same request may succeed later. 4xx other than 429 will not.
bool retryable(FailureKind kind);
// Says the API is unhealthy (feeds the circuit breaker). A model answering outside the list
// is a bad answer from a working API, not an outage.
bool counts_against_breaker(FailureKind kind);

struct Failure {
  FailureKind kind;
  std::string message;  // for logs: status, the API's error type and message; never the key
  std::optional<std::chrono::milliseconds> retry_after;
};

// Parses a 200 answer: a tool_use block of our tool, or else a text block in the
// "Department: X / Confidence: N" form. A department not in `departments` (compared
// ignoring case) is an invalid answer.
std::variant<Answer, Failure> parse_response(std::string_view body,
                                             const std::vector<std::string>& departments);

// "Department: IT Support\nConfidence: 85" (also on one line, "/"-separated, "85%").
std::optional<Answer> parse_text_answer(std::string_view text,
                                        const std::vector<std::string>& departments);

// A non-200 answer, from its status and the API's error body
// {"type":"error","error":{"type":"...","message":"..."}}.
Failure classify_status(long status, std::string_view body,
                        std::optional<std::chrono::milliseconds> retry_after);

}  // namespace st::adapters::anthropic
