#pragma once
// A file compiled into the binary by cmake/embed_files.cmake (the web console, the keyword rules).
#include <string_view>

namespace st::http {

// One embedded file: its path relative to the embedded folder ("js/app.js") and its bytes.
struct EmbeddedFile {
  std::string_view path;
  std::string_view data;
};

}  // namespace st::http
