#pragma once
// API keys: generated here, shown once, stored only as a SHA-256 hash (OpenSSL).
//
// A key reads "stk_<id>_<secret>": `id` is 16 lowercase hex digits (64 random bits; visible,
// used to look the key up, shown in lists and logs), `secret` is 32 lowercase hex digits
// (128 random bits; never stored, logged or shown again). 128 random bits need no password
// hash: a fast hash keeps the check cheap on every request.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace st::auth {

inline constexpr std::string_view kKeyPrefix = "stk_";
inline constexpr std::size_t kKeyIdHexDigits = 16;
inline constexpr std::size_t kKeySecretHexDigits = 32;
// Longer Bearer tokens are refused (401); a value too long to hold a shorter one is refused
// before any parsing.
inline constexpr std::size_t kMaxCredentialLength = 256;

struct GeneratedKey {
  std::string id;    // the visible part
  std::string text;  // the whole key, "stk_<id>_<secret>": give it to the caller once
  std::string hash;  // hash_key(text): the only form that is stored
};

// A new key from the operating system's CSPRNG (OpenSSL RAND_bytes). Throws on RNG failure.
GeneratedKey generate_key();

// The id of a well-formed key text, or nullopt (wrong prefix, length or characters).
std::optional<std::string> key_id_of(std::string_view text);

// Lowercase hex SHA-256 of the whole key text (64 chars).
std::string hash_key(std::string_view text);

// Constant-time comparison of two hashes (CRYPTO_memcmp); false when lengths differ.
bool same_hash(std::string_view a, std::string_view b);

// Lowercase hex of `n` random bytes (RAND_bytes).
std::string random_hex(std::size_t n);

// `Authorization: Bearer <credential>`.
struct BearerCredential {
  enum class Outcome {
    absent,     // no Authorization header: the caller is anonymous
    malformed,  // present but unusable: empty, not Bearer, oversized, non-ASCII, repeated
    present,    // `credential` holds the token (not yet checked against any store)
  };
  Outcome outcome = Outcome::absent;
  std::string credential;
  std::string problem;  // why it is malformed, for the 401's message (never echoes the value)
};

// Reads the Authorization header values of one request (all of them: two headers are
// malformed). The scheme is case-insensitive; exactly one space separates it from the token;
// the token must be visible ASCII (0x21-0x7e) and at most kMaxCredentialLength long.
BearerCredential read_bearer(const std::vector<std::string_view>& authorization_values);

}  // namespace st::auth
