// GET /api/admin/backup and `smartticket restore` (issue 15 §5): a backup taken while tickets
// are being created opens as an undamaged SQLite file; restored into the stopped server's data
// directory, the server comes back with exactly the snapshot's tickets.
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "support/e2e.hpp"

namespace st::e2e {
namespace {

// The ids and titles of the tickets in an SQLite file, read with the sqlite3 library itself.
std::map<std::int64_t, std::string> tickets_in(const std::string& file, std::string* integrity) {
  std::map<std::int64_t, std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    *integrity = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  if (sqlite3_prepare_v2(db, "SELECT id, title FROM tickets", -1, &stmt, nullptr) == SQLITE_OK)
    while (sqlite3_step(stmt) == SQLITE_ROW)
      out[sqlite3_column_int64(stmt, 0)] =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class Backup : public OwnServerTest {};

TEST_F(Backup, ABackupTakenUnderLoadRestoresExactlyItsTickets) {
  ASSERT_NO_FATAL_FAILURE(start());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(create_routed(http(), ticket_body("Printer jam " + std::to_string(i),
                                                  "The office printer jams on every page"))
                    .is_object());

  // Creates keep coming while the backup is taken (bounded in count and time).
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::thread load([&, port = server().port(), headers = bearer(suite_key(&server()))] {
    HttpClient client("127.0.0.1", port);
    client.set_default_headers(headers);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (int i = 0; i < 2000 && !stop && std::chrono::steady_clock::now() < deadline; ++i) {
      const Response r = client.post_json(
          "/api/tickets", ticket_body("Load " + std::to_string(i), "VPN drops every hour"));
      if (r.status == 201) ++created;
    }
  });
  ASSERT_TRUE(eventually([&] { return created >= 5; }));
  const Response backup = http().get("/api/admin/backup");
  stop = true;
  load.join();
  ASSERT_EQ(backup.status, 200) << backup.describe();
  EXPECT_EQ(backup.header("Content-Type"), "application/vnd.sqlite3");
  EXPECT_TRUE(
      backup.header("Content-Disposition").starts_with("attachment; filename=\"smartticket-"))
      << backup.header("Content-Disposition");
  ASSERT_TRUE(backup.body.starts_with(std::string("SQLite format 3\0", 16)));
  // The snapshot file was removed from the data directory once sent.
  for (const auto& entry : std::filesystem::directory_iterator(server().data_dir()))
    EXPECT_EQ(entry.path().filename().string().find(".backup-"), std::string::npos) << entry.path();

  const std::string file = server().data_dir() + "/../backup-" + unique_tag() + ".db";
  std::ofstream(file, std::ios::binary) << backup.body;
  std::string integrity;
  const auto snapshot = tickets_in(file, &integrity);
  EXPECT_EQ(integrity, "ok");
  ASSERT_GE(snapshot.size(), 15u);
  // Tickets created after the backup: the restore must take them away.
  const json later = create_routed(http(), ticket_body("After the backup", "Laptop screen broke"));
  ASSERT_TRUE(later.is_object());
  EXPECT_FALSE(snapshot.count(later["id"].get<std::int64_t>()));

  // Not while the server runs: it holds its data file.
  const auto [busy_code, busy_output] =
      run_binary("restore '" + file + "' --data-dir '" + server().data_dir() + "'");
  EXPECT_EQ(busy_code, 1) << busy_output;
  EXPECT_NE(busy_output.find("stop the server"), std::string::npos) << busy_output;

  ASSERT_TRUE(server().stop().clean());
  const auto [code, output] =
      run_binary("restore '" + file + "' --data-dir '" + server().data_dir() + "'");
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("(" + std::to_string(snapshot.size()) + " tickets)"), std::string::npos)
      << output;
  ASSERT_NO_FATAL_FAILURE(restart());

  EXPECT_EQ(census(http()).count, snapshot.size());
  for (const auto& [id, title] : snapshot) {
    const Response r = http().get("/api/tickets/" + std::to_string(id));
    ASSERT_TRUE(IsSuccess(r, 200)) << id;
    EXPECT_EQ(r.json["ticket"]["title"], title);
  }
  EXPECT_TRUE(
      IsError(http().get("/api/tickets/" + std::to_string(later["id"].get<std::int64_t>())), 404));
  // And it keeps working on the restored file, never giving the lost ticket's id again: its
  // requester's token would open the new ticket.
  const json after = create_routed(http(), ticket_body("After the restore", "Mouse broken"));
  ASSERT_TRUE(after.is_object());
  EXPECT_GT(after["id"].get<std::int64_t>(), later["id"].get<std::int64_t>());
  std::filesystem::remove(file);
}

TEST_F(Backup, ADamagedFileIsNotRestored) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(create_routed(http(), ticket_body("Kept", "Keyboard missing keys")).is_object());
  ASSERT_TRUE(server().stop().clean());
  const std::string file = server().data_dir() + "/../damaged-" + unique_tag() + ".db";
  std::ofstream(file) << "SQLite format 3 but not really";
  const auto [code, output] =
      run_binary("restore '" + file + "' --data-dir '" + server().data_dir() + "'");
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("not restored"), std::string::npos) << output;
  ASSERT_NO_FATAL_FAILURE(restart());
  EXPECT_EQ(census(http()).count, 1u);
  std::filesystem::remove(file);
}

TEST_F(Backup, OnlyAdminsMayTakeOne) {
  ASSERT_NO_FATAL_FAILURE(start());
  const ApiKey agent = create_key(http(), {{"name", "agent"}, {"role", "agent"}});
  EXPECT_TRUE(IsError(http().get("/api/admin/backup", bearer(agent.secret)), 403));
  EXPECT_TRUE(IsUnauthorized(http().get("/api/admin/backup", {{"Authorization", ""}})));
}

// Against the cluster: there is no one-file store, and the answer says what to do instead.
TEST(BackupDistributed, IsNotImplementedAndPointsToPgDump) {
  if (!external_mode()) GTEST_SKIP() << "the one-process server is covered above";
  HttpClient client(external_target()->host, external_target()->port);
  client.set_default_headers(bearer(suite_key(nullptr)));
  const Response r = client.get("/api/admin/backup");
  EXPECT_TRUE(IsError(r, 501)) << r.describe();
  EXPECT_NE(r.body.find("pg_dump"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace st::e2e
