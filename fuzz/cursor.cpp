// Paging cursors come back from clients (`?cursor=`): any text must decode to nothing or to
// a positive id, and what a page hands out must decode to the id it was made from.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "services/common/cursor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using st::services::decode_cursor;
  using st::services::encode_cursor;
  const auto text = st::fuzz::text_of(data, size);
  if (const auto id = decode_cursor(text)) {
    FUZZ_CHECK(*id > 0);
    FUZZ_CHECK(decode_cursor(encode_cursor(*id)) == id);
  }
  // The same bytes as an id: every positive one round-trips.
  std::int64_t id = 0;
  std::memcpy(&id, data, std::min(size, sizeof id));
  if (id > 0) FUZZ_CHECK(decode_cursor(encode_cursor(id)) == id);
  return 0;
}
