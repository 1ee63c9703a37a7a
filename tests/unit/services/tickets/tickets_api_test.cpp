// The tickets service's HTTP surface on SQLite: a text search past its time budget answers
// 503 search_timeout with a message that says to narrow it.
#include "services/tickets/tickets_api.hpp"

#include <gtest/gtest.h>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/ticket_store.hpp"
#include "ports/clock.hpp"
#include "unit/support/dispatch.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::services::tickets {
namespace {

using nlohmann::json;

TEST(TicketsApi, ASearchPastItsBudgetIs503SearchTimeoutAskingToNarrowIt) {
  testing_support::TempDir dir;
  ports::SystemClock clock;
  adapters::sqlite::Database db{dir.file("smartticket.db")};
  adapters::sqlite::SqliteTicketStore store{db};
  // Enough text that reading it all takes far longer than a millisecond.
  const std::string description(2000, 'x');
  for (int b = 0; b < 40; ++b) {
    std::vector<std::pair<domain::NewTicket, ports::EventsFor>> batch;
    for (int i = 0; i < 500; ++i)
      batch.emplace_back(domain::NewTicket{"Printer", description, "Ann", "ann@example.com"},
                         nullptr);
    store.create_batch(batch, clock.now());
  }
  TicketsService service{store, clock};
  http::Router router;
  register_routes(router, service, std::chrono::milliseconds(1));

  const http::Request search{http::bhttp::verb::get, "/api/tickets?q=zq", 11};
  const auto res = testing_support::dispatch(router, search);
  EXPECT_EQ(res.result_int(), 503);
  const auto body = json::parse(res.body());
  EXPECT_EQ(body["code"], "search_timeout");
  EXPECT_NE(body["error"].get<std::string>().find("narrow"), std::string::npos);

  // A list without text has no budget to run out of.
  const http::Request list{http::bhttp::verb::get, "/api/tickets", 11};
  EXPECT_EQ(testing_support::dispatch(router, list).result_int(), 200);
  service.stop();
}

}  // namespace
}  // namespace st::services::tickets
