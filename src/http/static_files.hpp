#pragma once
// Serves a fixed set of files held in memory (the web console, embedded into the binary at
// build time by cmake/embed_files.cmake). Lookups are exact matches against that set, so no
// request path can reach the file system, whatever dots or escapes it holds.
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "http/beast.hpp"
#include "http/embedded_file.hpp"
#include "http/request_context.hpp"

namespace st::http {

// The media type for a file name, by extension; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path);

class StaticFiles {
 public:
  // `files` must outlive this object (embedded files are static data).
  explicit StaticFiles(std::span<const EmbeddedFile> files);

  // The response for `relative` ("" or a path ending in '/' means its index.html): 200 with
  // the bytes, 304 when If-None-Match names the current ETag, or a JSON 404.
  Response serve(const RequestContext& ctx, std::string_view relative) const;
  bool contains(std::string_view relative) const { return files_.contains(relative); }
  std::size_t size() const { return files_.size(); }

  // Sent with every file. The console runs only its own scripts: no inline script or
  // style, no plugins, no framing, and it talks only to its own origin.
  static constexpr std::string_view kContentSecurityPolicy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'";

 private:
  struct Entry {
    std::string_view data;
    std::string_view content_type;
    std::string etag;
  };
  std::map<std::string, Entry, std::less<>> files_;
};

// True when an If-None-Match header value matches `etag` (a list, weak tags and "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace st::http
