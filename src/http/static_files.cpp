#include "http/static_files.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "http/json_response.hpp"

namespace st::http {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
    {".map", "application/json"},
}};

// FNV-1a, 64 bits: a content hash for the ETag. Not a security boundary, only a cache key.
std::string etag_of(std::string_view data) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void set_security_headers(Response& res) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", StaticFiles::kContentSecurityPolicy);
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
}

}  // namespace

std::string_view content_type_for(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    const auto ext = name.substr(dot);
    for (const auto& [suffix, type] : kTypes)
      if (ext == suffix) return type;
  }
  return "application/octet-stream";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    auto tag = trim(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // If-None-Match compares weakly
    if (tag == etag) return true;
  }
  return false;
}

StaticFiles::StaticFiles(std::span<const EmbeddedFile> files) {
  for (const auto& f : files)
    files_.emplace(std::string(f.path), Entry{f.data, content_type_for(f.path), etag_of(f.data)});
}

Response StaticFiles::serve(const RequestContext& ctx, std::string_view relative) const {
  std::string key(relative);
  if (key.empty() || key.back() == '/') key += "index.html";
  const auto it = files_.find(key);
  if (it == files_.end()) {
    Response res = error_response(bhttp::status::not_found, "not_found",
                                  "No such file in the console: " + ctx.path);
    res.set("X-Content-Type-Options", "nosniff");
    return res;
  }
  const Entry& e = it->second;
  const bool not_modified = etag_matches(ctx.header(bhttp::field::if_none_match), e.etag);
  Response res{not_modified ? bhttp::status::not_modified : bhttp::status::ok, 11};
  res.set(bhttp::field::etag, e.etag);
  // Revalidate every time: a new build changes the files behind the same URLs, and a 304
  // costs one round trip on loopback or a LAN.
  res.set(bhttp::field::cache_control, "no-cache");
  set_security_headers(res);
  if (!not_modified) {
    res.set(bhttp::field::content_type, e.content_type);
    res.body().assign(e.data);
  }
  res.prepare_payload();
  return res;
}

}  // namespace st::http
