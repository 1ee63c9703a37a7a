// What the Anthropic Messages API answers is read by parse_response (and, for an error,
// classify_status) in src/adapters/anthropic/messages_protocol.hpp: any body gives an Answer
// or a Failure, never an exception, and an Answer names a department of the list with a
// confidence of 0-100 and a short, valid UTF-8 reason (it goes into the audit trail's JSON).
#include <string>
#include <variant>
#include <vector>

#include "adapters/anthropic/messages_protocol.hpp"
#include "domain/department.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace st::adapters::anthropic;

const std::vector<std::string>& departments() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& d : st::domain::default_departments()) out.emplace_back(d.name);
    return out;
  }();
  return names;
}

bool listed(const std::string& name) {
  for (const auto& d : departments())
    if (d == name) return true;
  return false;
}

void check_answer(const Answer& a) {
  FUZZ_CHECK(listed(a.department));
  FUZZ_CHECK(a.confidence >= 0 && a.confidence <= 100);
  FUZZ_CHECK(a.reason.size() <= kMaxReasonBytes);
  FUZZ_CHECK(st::domain::is_valid_utf8(a.reason));
  FUZZ_CHECK(st::domain::is_valid_utf8(a.model));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = st::fuzz::text_of(data, size);
  const auto parsed = parse_response(body, departments());
  if (const auto* answer = std::get_if<Answer>(&parsed)) check_answer(*answer);
  if (const auto answer = parse_text_answer(body, departments())) {
    FUZZ_CHECK(listed(answer->department));
    FUZZ_CHECK(answer->confidence >= 0 && answer->confidence <= 100);
  }
  const long status = size > 0 ? 400 + data[0] % 200 : 500;
  const auto failure = classify_status(status, body, std::nullopt);
  FUZZ_CHECK(!failure.message.empty());
  return 0;
}
