#pragma once
// X-SmartTicket-Signature, Stripe's scheme: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>" under the webhook's secret>". The timestamp is signed with the body, so a
// receiver can refuse an old (replayed) delivery as well as a forged one.
#include <cstdint>
#include <string>
#include <string_view>

namespace st::services::webhooks {

inline constexpr std::string_view kSignatureHeader = "X-SmartTicket-Signature";

// Lowercase hex HMAC-SHA256 of `message` under `secret`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);

// The header's value for `body` sent at `unix_seconds`.
std::string signature_header(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body);

}  // namespace st::services::webhooks
