// A ticket's text goes through redact_pii (src/adapters/anthropic/pii_redactor.hpp) before it
// is sent to Claude: any text gives an answer without reading out of bounds, valid UTF-8
// stays valid (only ASCII runs are replaced), and a placeholder is never longer than what it
// stands for by more than a byte, so the text cannot grow without bound.
#include <string>

#include "adapters/anthropic/pii_redactor.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = st::fuzz::text_of(data, size);
  const auto out = st::adapters::anthropic::redact_pii(text);
  if (st::domain::is_valid_utf8(text)) FUZZ_CHECK(st::domain::is_valid_utf8(out));
  FUZZ_CHECK(out.size() <= text.size() + text.size() / 6 + 1);
  return 0;
}
