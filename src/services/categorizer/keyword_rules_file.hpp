#pragma once
// models/keyword_rules.json, embedded into the binary at build time by
// cmake/embed_files.cmake like the web console; the definition is generated into the build
// directory. The binary needs no file at run time and cannot run with rules it was not tested with.
#include <span>

#include "http/embedded_file.hpp"

namespace st::services::categorizer {

// Exactly one file: keyword_rules.json.
std::span<const http::EmbeddedFile> keyword_rules_files();

}  // namespace st::services::categorizer
