// Each ticket's language: detected when it is created, returned with it, filtered by
// (?language=), and a ticket in a language the learned model was not trained on is not
// decided by that model.
#include <string>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

class Languages : public SharedServerTest {
 protected:
  // The listed tickets of ?language=<code> (the first page, up to 200).
  json listed(const std::string& code) {
    const Response r = http().get("/api/tickets?limit=200&language=" + code);
    EXPECT_TRUE(IsSuccess(r, 200));
    return r.json.value("tickets", json::array());
  }

  static bool holds(const json& tickets, std::int64_t id) {
    for (const auto& t : tickets)
      if (t.value("id", std::int64_t{-1}) == id) return true;
    return false;
  }
};

TEST_F(Languages, ASpanishTicketIsStoredAsEsAndListedByIt) {
  const json created = create_routed(  // the ticket
      http(), ticket_body("No puedo imprimir " + unique_tag(),
                          "Desde esta mañana la impresora de la segunda planta no imprime "
                          "nada y muestra un error de papel atascado. ¿Me podéis ayudar?"));
  const auto id = created.value("id", std::int64_t{0});
  ASSERT_GT(id, 0) << created.dump();
  EXPECT_EQ(created["language"], "es") << created.dump();

  const Response one = http().get("/api/tickets/" + std::to_string(id));
  ASSERT_TRUE(IsSuccess(one, 200));
  EXPECT_EQ(one.json["ticket"]["language"], "es");
  // The learned model knows English only: a keyword rule (or Claude) decided.
  EXPECT_NE(one.json["ticket"]["categorized_by"], "model") << one.describe();

  const json spanish = listed("es");
  EXPECT_TRUE(holds(spanish, id));
  for (const auto& t : spanish) EXPECT_EQ(t["language"], "es") << t.dump();
  EXPECT_FALSE(holds(listed("en"), id));
}

TEST_F(Languages, AnEnglishTicketIsStoredAsEn) {
  const json created = create_routed(
      http(), ticket_body("Cannot print " + unique_tag(),
                          "Since this morning the printer on the second floor prints nothing "
                          "and shows a paper jam error. Can you help?"));
  const auto id = created.value("id", std::int64_t{0});
  ASSERT_GT(id, 0) << created.dump();
  EXPECT_EQ(created["language"], "en");
  EXPECT_TRUE(holds(listed("en"), id));
  EXPECT_FALSE(holds(listed("es"), id));
}

TEST_F(Languages, AVeryShortTicketHasNoLanguage) {
  const json created = create_routed(http(), ticket_body("VPN down", "VPN down!!!"));
  EXPECT_TRUE(created["language"].is_null()) << created.dump();
}

TEST_F(Languages, AFilterThatIsNotATwoLetterCodeIs400) {
  for (const char* bad : {"spanish", "ES", "e", "e1"}) {
    const Response r = http().get(std::string("/api/tickets?language=") + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.describe();
  }
}

}  // namespace
}  // namespace st::e2e
