#pragma once
// The web console's files (web/ in the source tree), embedded into the binary at build time
// by cmake/embed_files.cmake; the definition is generated into the build directory.
#include <span>

#include "http/static_files.hpp"

namespace st::services::gateway {

std::span<const http::EmbeddedFile> console_files();

}  // namespace st::services::gateway
