// Ticket tokens: each reads as its ticket's id, only under the secret that signed it.
#include "auth/ticket_token.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace st::auth {
namespace {

TEST(TicketTokens, ATokenNamesItsTicket) {
  const TicketTokens tokens("secret-one");
  const auto t = tokens.issue(42);
  EXPECT_TRUE(t.starts_with("stt_42_")) << t;
  EXPECT_EQ(t.size(), std::string("stt_42_").size() + 32);
  EXPECT_EQ(tokens.verify(t), 42);
  EXPECT_EQ(tokens.issue(42), t) << "a token is a function of the id and the secret";
  EXPECT_NE(tokens.issue(43), t);
}

TEST(TicketTokens, TamperedForeignAndMalformedTokensAreRefused) {
  const TicketTokens tokens("secret-one");
  const auto t = tokens.issue(42);
  EXPECT_FALSE(TicketTokens("secret-two").verify(t)) << "another installation's token";
  std::string other_id = t;
  other_id.replace(4, 2, "43");
  EXPECT_FALSE(tokens.verify(other_id)) << "a token moved to another ticket";
  std::string flipped = t;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(tokens.verify(flipped));
  const std::string mac = t.substr(t.rfind('_') + 1);
  for (const std::string& bad :
       std::vector<std::string>{"", std::string("stt_"), "stt_42", "stt_42_", "stt_042_" + mac,
                                "stt_+42_" + mac, "stt_-42_" + mac, "stt_0_" + mac, "stk_42_" + mac,
                                "stt_42_" + mac + "0", "stt_99999999999999999999_" + mac})
    EXPECT_FALSE(tokens.verify(bad)) << bad;
}

}  // namespace
}  // namespace st::auth
