#include "auth/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

namespace st::auth {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBearer = "Bearer";

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

// Lowercase only: the key text is compared byte for byte (by its hash), so "ABC" and "abc"
// must not both pass as the same id.
bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (kHexDigits.find(c) == std::string_view::npos) return false;
  return true;
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

BearerCredential malformed(std::string problem) {
  return {BearerCredential::Outcome::malformed, {}, std::move(problem)};
}

}  // namespace

std::string random_hex(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::length_error("random_hex: too many bytes");
  std::string bytes(n, '\0');
  auto* data = reinterpret_cast<unsigned char*>(bytes.data());
  if (n > 0 && RAND_bytes(data, static_cast<int>(n)) != 1)
    throw std::runtime_error("random_hex: the random number generator failed");
  return to_hex(data, n);
}

GeneratedKey generate_key() {
  GeneratedKey key;
  key.id = random_hex(kKeyIdHexDigits / 2);
  key.text = std::string(kKeyPrefix) + key.id + "_" + random_hex(kKeySecretHexDigits / 2);
  key.hash = hash_key(key.text);
  return key;
}

std::optional<std::string> key_id_of(std::string_view text) {
  constexpr std::size_t kIdAt = kKeyPrefix.size();
  constexpr std::size_t kSeparatorAt = kIdAt + kKeyIdHexDigits;
  constexpr std::size_t kSecretAt = kSeparatorAt + 1;
  if (text.size() != kSecretAt + kKeySecretHexDigits || !text.starts_with(kKeyPrefix) ||
      text[kSeparatorAt] != '_')
    return std::nullopt;
  const std::string_view id = text.substr(kIdAt, kKeyIdHexDigits);
  if (!is_lower_hex(id) || !is_lower_hex(text.substr(kSecretAt))) return std::nullopt;
  return std::string(id);
}

std::string hash_key(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("hash_key: SHA-256 failed");
  return to_hex(digest, length);
}

bool same_hash(std::string_view a, std::string_view b) {
  // The lengths of two hex SHA-256 digests are public; only their contents need hiding.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

BearerCredential read_bearer(const std::vector<std::string_view>& authorization_values) {
  if (authorization_values.empty()) return {};
  // Two credentials could name two principals; choosing one would be a guess.
  if (authorization_values.size() > 1) return malformed("more than one Authorization header");
  const std::string_view value = authorization_values.front();
  if (value.empty()) return malformed("the Authorization header is empty");
  // Checked before any parsing so an oversized value costs nothing more. A well-formed value
  // is "Bearer", one space and the token, so this bounds the token to kMaxCredentialLength.
  if (value.size() > kBearer.size() + 1 + kMaxCredentialLength)
    return malformed("the Authorization header is too long");

  const std::size_t separator = value.find_first_of(" \t");
  if (!equals_ignoring_ascii_case(value.substr(0, separator), kBearer))
    return malformed("the Authorization scheme is not Bearer");
  if (separator == std::string_view::npos || separator + 1 == value.size())
    return malformed("the Bearer token is missing");
  if (value[separator] != ' ' || value[separator + 1] == ' ' || value[separator + 1] == '\t')
    return malformed("exactly one space must separate Bearer from its token");
  const std::string_view token = value.substr(separator + 1);
  for (const unsigned char c : token)
    if (c < 0x21 || c > 0x7e)
      return malformed("the Bearer token must be visible ASCII without spaces");
  return {BearerCredential::Outcome::present, std::string(token), {}};
}

}  // namespace st::auth
