// The checks on what clients send to create or update a ticket (src/domain/validation.hpp,
// the status of PUT /api/tickets/{id}/status): any JSON body is accepted or rejected with a
// field and a sentence, never thrown out; what is accepted keeps every promised rule and can
// be written back as JSON.
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "adapters/sql/row_decoders.hpp"
#include "domain/codec.hpp"
#include "domain/status.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace st::domain;
using nlohmann::json;

void check_text(const std::string& text, TextLimits limits) {
  FUZZ_CHECK(is_valid_utf8(text));
  FUZZ_CHECK(trim(text) == text);
  FUZZ_CHECK(utf8_length(text) >= limits.min && utf8_length(text) <= limits.max);
}

void check_accepted(const NewTicket& t) {
  check_text(t.title, kTitleLimits);
  check_text(t.description, kDescriptionLimits);
  check_text(t.user_name, kUserNameLimits);
  FUZZ_CHECK(is_valid_email(t.user_email));
  FUZZ_CHECK(t.user_email.size() <= kEmailMaxLength);
  // What the API answers and the events carry: must serialize.
  Ticket ticket = st::adapters::sql::pending_ticket(t, 0);
  ticket.id = 1;
  (void)to_json(ticket).dump();
}

// trim() on any text a client sends: idempotent, keeps valid UTF-8 valid.
void check_trim(const std::string& text) {
  const std::string trimmed = trim(text);
  FUZZ_CHECK(trim(trimmed) == trimmed);
  FUZZ_CHECK(text.find(trimmed) != std::string::npos);
  if (is_valid_utf8(text)) FUZZ_CHECK(is_valid_utf8(trimmed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = st::fuzz::text_of(data, size);
  check_trim(std::string(text));
  (void)is_valid_email(text);
  const json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;

  const auto checked = validate_new_ticket(body);
  if (const auto* t = std::get_if<NewTicket>(&checked)) {
    check_accepted(*t);
  } else {
    const auto& error = std::get<ValidationError>(checked);
    FUZZ_CHECK(!error.field.empty());
    FUZZ_CHECK(error.message.starts_with(error.field));
  }

  // The status update: a status that parses is one of the names the API lists.
  if (body.is_object() && body.contains("status") && body["status"].is_string())
    if (const auto status = parse_status(body["status"].get_ref<const std::string&>()))
      FUZZ_CHECK(parse_status(to_string(*status)) == status);
  if (body.is_object())
    for (const auto& [key, value] : body.items())
      if (value.is_string()) check_trim(value.get<std::string>());
  return 0;
}
