#pragma once
// Where a webhook may point: an http(s) URL whose host is not an address inside the
// deployment. Link-local, metadata, unspecified and multicast addresses are always refused
// (the cloud metadata service lives at 169.254.169.254); loopback and private ranges only
// when the operator allows them (webhook_allow_private: a receiver on the same network, or
// a test's loopback receiver). Pure functions: resolving a name is the transport's business.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace st::services::webhooks {

struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // a name, or an address (IPv6 without its brackets)
  std::uint16_t port = 0;
};

// Parses "http(s)://host[:port][/path][?query]". nullopt for another scheme, user info, an
// empty host or a bad port; the reason goes to `why`.
std::optional<WebhookUrl> parse_webhook_url(std::string_view url, std::string* why = nullptr);

enum class AddressKind {
  public_address,
  private_address,  // 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7
  loopback,         // 127/8, ::1
  link_local,       // 169.254/16, fe80::/10
  metadata,         // cloud metadata services outside the ranges above
  unspecified,      // 0.0.0.0/8, ::
  multicast,        // 224/4, ff00::/8
  not_an_address,
};

// The kind of a textual IPv4 or IPv6 address; an IPv4-mapped IPv6 address is its IPv4 one.
AddressKind classify_address(std::string_view address);

// nullopt when a webhook may reach `address`, else why not (for the 400 or the delivery's
// last_error).
std::optional<std::string> address_refusal(std::string_view address, bool allow_private);

// The same for a host name before it is resolved: "localhost" is loopback, the metadata
// services' names are always refused. nullopt for any other name.
std::optional<std::string> host_name_refusal(std::string_view host, bool allow_private);

}  // namespace st::services::webhooks
