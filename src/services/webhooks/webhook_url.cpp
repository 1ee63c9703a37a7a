#include "services/webhooks/webhook_url.hpp"

#include <utility>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace st::services::webhooks {
namespace {

void say(std::string* why, std::string text) {
  if (why) *why = std::move(text);
}

bool in_v4(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr std::uint32_t v4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

AddressKind classify_v4(std::uint32_t a) {
  if (in_v4(a, v4(0, 0, 0, 0), 8)) return AddressKind::unspecified;
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return AddressKind::loopback;
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return AddressKind::link_local;
  // Alibaba Cloud's metadata service; Oracle Cloud's 192.0.0.192.
  if (a == v4(100, 100, 100, 200) || a == v4(192, 0, 0, 192)) return AddressKind::metadata;
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) ||
      in_v4(a, v4(192, 168, 0, 0), 16) || in_v4(a, v4(100, 64, 0, 0), 10))
    return AddressKind::private_address;
  if (in_v4(a, v4(224, 0, 0, 0), 4) || a == v4(255, 255, 255, 255)) return AddressKind::multicast;
  return AddressKind::public_address;
}

}  // namespace

std::optional<WebhookUrl> parse_webhook_url(std::string_view url, std::string* why) {
  WebhookUrl out;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    say(why, "url must start with http:// or https://");
    return std::nullopt;
  }
  out.scheme = boost::algorithm::to_lower_copy(std::string(url.substr(0, sep)));
  if (out.scheme != "http" && out.scheme != "https") {
    say(why, "url must start with http:// or https://");
    return std::nullopt;
  }
  out.port = out.scheme == "https" ? 443 : 80;
  auto rest = url.substr(sep + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    say(why, "url must not carry user info");
    return std::nullopt;
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      say(why, "url has an unclosed IPv6 address");
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        say(why, "url has a malformed host");
        return std::nullopt;
      }
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    say(why, "url has no host");
    return std::nullopt;
  }
  for (char c : host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '%' || c == '\\') {
      say(why, "url has a malformed host");
      return std::nullopt;
    }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      say(why, "url has a bad port");
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  out.host = boost::algorithm::to_lower_copy(std::string(host));
  while (!out.host.empty() && out.host.back() == '.') out.host.pop_back();  // "example.com."
  if (out.host.empty()) {
    say(why, "url has no host");
    return std::nullopt;
  }
  return out;
}

AddressKind classify_address(std::string_view address) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return AddressKind::not_an_address;
  if (a.is_v4()) return classify_v4(a.to_v4().to_uint());
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return classify_v4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint());
  const auto b = v6.to_bytes();
  if (v6.is_unspecified()) return AddressKind::unspecified;
  if (v6.is_loopback()) return AddressKind::loopback;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressKind::link_local;  // fe80::/10
  // AWS's IPv6 metadata service, fd00:ec2::254, inside fc00::/7.
  if (v6 == boost::asio::ip::make_address_v6("fd00:ec2::254")) return AddressKind::metadata;
  if ((b[0] & 0xfe) == 0xfc) return AddressKind::private_address;  // fc00::/7
  if (b[0] == 0xff) return AddressKind::multicast;
  return AddressKind::public_address;
}

std::optional<std::string> address_refusal(std::string_view address, bool allow_private) {
  switch (classify_address(address)) {
    case AddressKind::public_address:
      return std::nullopt;
    case AddressKind::private_address:
      if (allow_private) return std::nullopt;
      return "a private address (" + std::string(address) + ") is refused";
    case AddressKind::loopback:
      if (allow_private) return std::nullopt;
      return "a loopback address (" + std::string(address) + ") is refused";
    case AddressKind::link_local:
      return "a link-local address (" + std::string(address) + ") is refused";
    case AddressKind::metadata:
      return "a metadata service address (" + std::string(address) + ") is refused";
    case AddressKind::unspecified:
      return "an unspecified address (" + std::string(address) + ") is refused";
    case AddressKind::multicast:
      return "a multicast address (" + std::string(address) + ") is refused";
    case AddressKind::not_an_address:
      break;
  }
  return "not an IP address: " + std::string(address);
}

std::optional<std::string> host_name_refusal(std::string_view host, bool allow_private) {
  const std::string h = boost::algorithm::to_lower_copy(std::string(host));
  if (h == "metadata" || h == "metadata.google.internal" || h == "metadata.goog" ||
      h.ends_with(".metadata.google.internal"))
    return "a metadata service host (" + h + ") is refused";
  if ((h == "localhost" || h.ends_with(".localhost")) && !allow_private)
    return "a loopback host (" + h + ") is refused";
  return std::nullopt;
}

}  // namespace st::services::webhooks
