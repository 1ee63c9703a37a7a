#include "auth/api_key.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace st::auth {
namespace {

using Outcome = BearerCredential::Outcome;

bool is_lower_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A well-formed key with the given id, the secret all 'a's.
std::string key_with_id(std::string_view id) {
  return "stk_" + std::string(id) + "_" + std::string(kKeySecretHexDigits, 'a');
}

TEST(ApiKeyTest, GeneratedKeyHasTheDocumentedShape) {
  const GeneratedKey key = generate_key();
  ASSERT_EQ(key.text.size(), 4 + 16 + 1 + 32);
  EXPECT_EQ(key.text.substr(0, 4), "stk_");
  EXPECT_EQ(key.text.substr(4, 16), key.id);
  EXPECT_EQ(key.text[20], '_');
  EXPECT_TRUE(is_lower_hex(key.id));
  EXPECT_TRUE(is_lower_hex(key.text.substr(21)));
  EXPECT_EQ(key.hash, hash_key(key.text));
}

TEST(ApiKeyTest, GeneratedKeysParseBackToTheirId) {
  for (int i = 0; i < 20; ++i) {
    const GeneratedKey key = generate_key();
    EXPECT_EQ(key_id_of(key.text), key.id);
  }
}

TEST(ApiKeyTest, GeneratedKeysDifferFromEachOther) {
  std::set<std::string> ids, texts, hashes;
  for (int i = 0; i < 100; ++i) {
    const GeneratedKey key = generate_key();
    ids.insert(key.id);
    texts.insert(key.text);
    hashes.insert(key.hash);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(texts.size(), 100u);
  EXPECT_EQ(hashes.size(), 100u);
}

TEST(ApiKeyTest, KeyIdOfAcceptsAWellFormedKey) {
  EXPECT_EQ(key_id_of(key_with_id("0123456789abcdef")), "0123456789abcdef");
}

TEST(ApiKeyTest, KeyIdOfRefusesWrongPrefixLengthOrCharacters) {
  const std::string good = key_with_id("0123456789abcdef");
  ASSERT_TRUE(key_id_of(good));
  EXPECT_FALSE(key_id_of(""));
  EXPECT_FALSE(key_id_of("stk_"));
  EXPECT_FALSE(key_id_of("STK_" + good.substr(4)));                    // prefix is case-sensitive
  EXPECT_FALSE(key_id_of("skt_" + good.substr(4)));                    // wrong prefix
  EXPECT_FALSE(key_id_of(good.substr(0, good.size() - 1)));            // secret one short
  EXPECT_FALSE(key_id_of(good + "a"));                                 // secret one long
  EXPECT_FALSE(key_id_of(key_with_id("0123456789abcde")));             // id one short
  EXPECT_FALSE(key_id_of("stk_0123456789abcdef0" + good.substr(21)));  // id one long
  EXPECT_FALSE(key_id_of(key_with_id("0123456789ABCDEF")));            // uppercase id
  EXPECT_FALSE(key_id_of(key_with_id("0123456789abcdeg")));            // not hex
  EXPECT_FALSE(key_id_of(key_with_id("0123456789abcde ")));
  EXPECT_FALSE(key_id_of("stk_0123456789abcdef-" + good.substr(21)));  // wrong separator
  std::string upper_secret = good;
  upper_secret.back() = 'A';
  EXPECT_FALSE(key_id_of(upper_secret));
  std::string bad_secret = good;
  bad_secret[30] = 'z';
  EXPECT_FALSE(key_id_of(bad_secret));
  std::string with_nul = good;
  with_nul[25] = '\0';
  EXPECT_FALSE(key_id_of(with_nul));
}

TEST(ApiKeyTest, HashIsLowercaseHexSha256) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(hash_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string h = hash_key(generate_key().text);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(is_lower_hex(h));
}

TEST(ApiKeyTest, SameHashComparesWholeValues) {
  const std::string a = hash_key("a"), b = hash_key("b");
  EXPECT_TRUE(same_hash(a, a));
  EXPECT_TRUE(same_hash(a, std::string(a)));
  EXPECT_FALSE(same_hash(a, b));
  std::string last_differs = a;
  last_differs.back() = last_differs.back() == '0' ? '1' : '0';
  EXPECT_FALSE(same_hash(a, last_differs));
  EXPECT_FALSE(same_hash(a, a.substr(0, 63)));  // a prefix is not the same hash
  EXPECT_FALSE(same_hash(a, a + "0"));
  EXPECT_FALSE(same_hash(a, ""));
}

TEST(ApiKeyTest, RandomHexHasTwoDigitsPerByte) {
  EXPECT_EQ(random_hex(0), "");
  const std::string h = random_hex(32);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(is_lower_hex(h));
  EXPECT_NE(random_hex(16), random_hex(16));
}

// ---- read_bearer ----

BearerCredential read_one(std::string_view value) {
  return read_bearer(std::vector<std::string_view>{value});
}

// Asserts `value` is malformed and that the problem neither is empty nor echoes the token.
void expect_malformed(std::string_view value, std::string_view secret) {
  SCOPED_TRACE(std::string("Authorization: ") + std::string(value));
  const BearerCredential c = read_one(value);
  EXPECT_EQ(c.outcome, Outcome::malformed);
  EXPECT_TRUE(c.credential.empty());
  EXPECT_FALSE(c.problem.empty());
  if (!secret.empty()) {
    EXPECT_EQ(c.problem.find(secret), std::string::npos) << c.problem;
  }
}

TEST(BearerTest, NoHeaderIsAbsent) {
  const BearerCredential c = read_bearer({});
  EXPECT_EQ(c.outcome, Outcome::absent);
  EXPECT_TRUE(c.credential.empty());
  EXPECT_TRUE(c.problem.empty());
}

TEST(BearerTest, ReadsTheToken) {
  const std::string key = generate_key().text;
  const BearerCredential c = read_one("Bearer " + key);
  EXPECT_EQ(c.outcome, Outcome::present);
  EXPECT_EQ(c.credential, key);
  EXPECT_TRUE(c.problem.empty());
}

TEST(BearerTest, SchemeIsCaseInsensitive) {
  for (std::string_view scheme : {"bearer", "BEARER", "bEaReR"}) {
    const BearerCredential c = read_one(std::string(scheme) + " tok");
    EXPECT_EQ(c.outcome, Outcome::present) << scheme;
    EXPECT_EQ(c.credential, "tok");
  }
}

TEST(BearerTest, TheTokenIsNotOtherwiseChecked) {
  // Any visible ASCII passes here: the key store decides whether it names a key.
  const std::string token = "!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~";
  EXPECT_EQ(read_one("Bearer " + token).credential, token);
}

TEST(BearerTest, TwoHeadersAreMalformed) {
  const std::vector<std::string_view> two = {"Bearer aaa", "Bearer bbb"};
  const BearerCredential c = read_bearer(two);
  EXPECT_EQ(c.outcome, Outcome::malformed);
  EXPECT_TRUE(c.credential.empty());
  EXPECT_EQ(c.problem.find("aaa"), std::string::npos);
  EXPECT_EQ(c.problem.find("bbb"), std::string::npos);
  const std::vector<std::string_view> same = {"Bearer aaa", "Bearer aaa"};
  EXPECT_EQ(read_bearer(same).outcome, Outcome::malformed);
  const std::vector<std::string_view> one_empty = {"Bearer aaa", ""};
  EXPECT_EQ(read_bearer(one_empty).outcome, Outcome::malformed);
}

TEST(BearerTest, EmptyValueIsMalformed) {
  expect_malformed("", "");
}

TEST(BearerTest, OtherSchemesAreMalformed) {
  expect_malformed("Basic dXNlcjpwYXNz", "dXNlcjpwYXNz");
  expect_malformed("Token secret123", "secret123");
  expect_malformed("Bearerx secret123", "secret123");
  expect_malformed("Bear secret123", "secret123");
  expect_malformed("secret123", "secret123");  // a bare key, no scheme
  expect_malformed(" Bearer secret123", "secret123");
  expect_malformed("Béarer secret123", "secret123");
}

TEST(BearerTest, AMissingTokenIsMalformed) {
  expect_malformed("Bearer", "");
  expect_malformed("bearer", "");
  expect_malformed("Bearer ", "");
}

TEST(BearerTest, AnythingButOneSpaceBeforeTheTokenIsMalformed) {
  expect_malformed("Bearer  secret123", "secret123");
  expect_malformed("Bearer   secret123", "secret123");
  expect_malformed("Bearer\tsecret123", "secret123");
  expect_malformed("Bearer \tsecret123", "secret123");
  expect_malformed("Bearer  ", "");
}

TEST(BearerTest, BytesOutsideVisibleAsciiAreMalformed) {
  expect_malformed("Bearer secret 123", "secret");
  expect_malformed("Bearer secret123 ", "secret123");  // trailing space
  expect_malformed("Bearer secret\t123", "secret");
  expect_malformed("Bearer secrét123", "secr");
  expect_malformed("Bearer secret\x7f", "secret");
  expect_malformed("Bearer secret\x01", "secret");
  expect_malformed("Bearer secret\r\n", "secret");
  expect_malformed(std::string_view("Bearer secret\0x", 15), "secret");
  expect_malformed("Bearer \xff\xfe", "");
}

TEST(BearerTest, TokenLengthIsBounded) {
  const std::string longest(kMaxCredentialLength, 'k');
  const BearerCredential ok = read_one("Bearer " + longest);
  EXPECT_EQ(ok.outcome, Outcome::present);
  EXPECT_EQ(ok.credential, longest);
  expect_malformed("Bearer " + longest + "k", longest);
  expect_malformed("Bearer " + std::string(100'000, 'k'), longest);
  // Oversized values are refused whatever their shape.
  expect_malformed("Basic " + longest + "kk", longest);
}

}  // namespace
}  // namespace st::auth
