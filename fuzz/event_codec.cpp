// Every consumer decodes pipeline events from bus message bodies (src/domain/codec.hpp): any
// bytes must decode or throw CodecError (which dead-letters the message), never anything
// else; an event that decodes must encode to a body that decodes to the same event.
#include <string>

#include "domain/codec.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace st::domain;
  Event event;
  try {
    event = parse_event(st::fuzz::text_of(data, size));
  } catch (const CodecError&) {
    return 0;
  }
  const std::string body = serialize(event);
  const Event again = parse_event(body);  // throws (and so fails) if it does not decode
  FUZZ_CHECK(again.type() == event.type());
  FUZZ_CHECK(again.ticket == event.ticket);
  FUZZ_CHECK(again.payload == event.payload);
  FUZZ_CHECK(serialize(again) == body);
  return 0;
}
