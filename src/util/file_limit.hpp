#pragma once
// The process's open-file limit (RLIMIT_NOFILE): every connection, data file and database
// connection takes one descriptor from it.
#include <cstdint>

namespace st::util {

// The soft limit now; a very large value when unlimited.
std::uint64_t file_limit();
// Raises the soft limit to the hard limit (a server start: the soft default, often 1024, is a
// desktop's, not a server's) and returns the soft limit in force afterwards.
std::uint64_t raise_file_limit();

}  // namespace st::util
