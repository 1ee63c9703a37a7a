#pragma once
// Service URLs such as TICKET_SERVICE_URL=http://tickets:5001. Internal calls are plain
// HTTP inside the cluster network; TLS to the outside world (Anthropic) goes through libcurl.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace st::http {

struct ServiceUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;  // without a trailing slash; "" for the root

  std::string authority() const { return host + ":" + std::to_string(port); }
};

// Parses "http://host[:port][/base]". nullopt for another scheme, an empty host, a bad
// port, or user info (credentials do not belong in a service URL).
std::optional<ServiceUrl> parse_service_url(std::string_view text);

}  // namespace st::http
