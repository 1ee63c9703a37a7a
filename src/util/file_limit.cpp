#include "util/file_limit.hpp"

#include <sys/resource.h>

#include <limits>

namespace st::util {
namespace {

std::uint64_t as_count(rlim_t v) {
  return v == RLIM_INFINITY ? std::numeric_limits<std::uint32_t>::max()
                            : static_cast<std::uint64_t>(v);
}

}  // namespace

std::uint64_t file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  return as_count(rl.rlim_cur);
}

std::uint64_t raise_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != rl.rlim_max) {
    rlimit raised{rl.rlim_max, rl.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return as_count(rl.rlim_cur);
}

}  // namespace st::util
