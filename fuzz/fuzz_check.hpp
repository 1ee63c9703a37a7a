#pragma once
// A property a fuzz target checks on every input. A broken one aborts, which libFuzzer
// reports as a crash and saves the input that broke it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace st::fuzz {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace st::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? void(0) : ::st::fuzz::check_failed(#condition, __FILE__, __LINE__))
