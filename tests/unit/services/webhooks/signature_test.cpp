#include "services/webhooks/signature.hpp"

#include <gtest/gtest.h>

namespace st::services::webhooks {
namespace {

TEST(WebhookSignature, HmacMatchesRfc4231TestCase2) {
  // RFC 4231, test case 2 (key "Jefe"); also what
  // `printf '%s' 'what do ya want for nothing?' | openssl dgst -sha256 -hmac 'Jefe'` prints.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, HeaderSignsTimestampDotBody) {
  // Computed outside the code under test:
  // printf '%s' '1700000000.{"event_id":"e-1","event_type":"ticket.routed"}' |
  //   openssl dgst -sha256 -hmac 'whsec_test_secret_0123456789'
  EXPECT_EQ(signature_header("whsec_test_secret_0123456789", 1700000000,
                             R"({"event_id":"e-1","event_type":"ticket.routed"})"),
            "t=1700000000,v1=b2e04397bbafc6ceaec395353eb1fc9a4baec2bcc9530a855a941d4e2be4724f");
}

TEST(WebhookSignature, AnotherTimestampOrSecretChangesTheSignature) {
  const auto mac = [](const std::string& header) { return header.substr(header.find("v1=")); };
  const auto a = signature_header("secret-secret-secret", 1700000000, "{}");
  EXPECT_NE(mac(a), mac(signature_header("secret-secret-secret", 1700000001, "{}")));
  EXPECT_NE(mac(a), mac(signature_header("secret-secret-secreT", 1700000000, "{}")));
  EXPECT_NE(mac(a), mac(signature_header("secret-secret-secret", 1700000000, "{ }")));
}

}  // namespace
}  // namespace st::services::webhooks
