// Backups of the one-process store: a snapshot taken while a writer commits is one commit's
// state, opens on its own, and a restore puts it in place of the data file, keeping the file
// it replaces whole.
#include "adapters/sqlite/backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "ports/unavailable.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using testing_support::TempDir;

// Raw sqlite3 reads, independent of the code under test.
std::string scalar(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db->write([](Connection& c) {
      c.exec(
          "CREATE TABLE tickets (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"
          "CREATE TABLE trail (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL)");
    });
  }
  // One commit: a ticket and its trail entry, so that a consistent copy has as many of each.
  void add_ticket(const std::string& title) {
    db->write([&](Connection& c) {
      c.query("INSERT INTO tickets (title) VALUES (?)").bind(1, title).run();
      c.query("INSERT INTO trail (ticket_id) VALUES (?)").bind(1, c.last_insert_rowid()).run();
    });
  }
  static DatabaseOptions exclusive() {
    DatabaseOptions o;
    o.exclusive_process = true;  // as the one-process server opens its file
    return o;
  }

  TempDir dir;
  std::string file = dir.file("smartticket.db");
  std::unique_ptr<Database> db = std::make_unique<Database>(file, exclusive());
};

TEST_F(SqliteBackupTest, ASnapshotTakenWhileWritingHoldsWholeCommitsOnly) {
  for (int i = 0; i < 50; ++i) add_ticket("before " + std::to_string(i));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < 5000 && !stop; ++i) {
      add_ticket("during " + std::to_string(i));
      ++written;
    }
  });
  // Let the writer get going, then take three snapshots while it commits.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (written < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  SqliteBackup backup(*db);
  std::vector<std::string> snapshots;
  for (int i = 0; i < 3; ++i) snapshots.push_back(backup.write_snapshot());
  stop = true;
  writer.join();
  ASSERT_GT(written.load(), 20);

  for (const auto& path : snapshots) {
    SCOPED_TRACE(path);
    EXPECT_EQ(std::filesystem::path(path).parent_path(), std::filesystem::path(file).parent_path());
    EXPECT_EQ(scalar(path, "PRAGMA integrity_check"), "ok");
    const int tickets = std::stoi(scalar(path, "SELECT count(*) FROM tickets"));
    EXPECT_GE(tickets, 50);
    EXPECT_EQ(scalar(path, "SELECT count(*) FROM trail"), std::to_string(tickets));
    // One file on its own: a rollback-journal database, nothing beside it.
    EXPECT_EQ(scalar(path, "PRAGMA journal_mode"), "delete");
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
    const SnapshotCheck check = check_snapshot(path);
    EXPECT_TRUE(check.ok) << check.problem;
    EXPECT_EQ(check.tickets, tickets);
    std::filesystem::remove(path);
  }
}

TEST_F(SqliteBackupTest, AFileThatIsNotAWholeStoreFailsTheCheck) {
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << "this is not a database, just some text long enough to look like one";
  EXPECT_FALSE(check_snapshot(text).ok);
  EXPECT_FALSE(check_snapshot(dir.file("missing.db")).ok);

  const std::string other = dir.file("other.db");
  Database(other).write([](Connection& c) { c.exec("CREATE TABLE notes (body TEXT)"); });
  const SnapshotCheck no_tickets = check_snapshot(other);
  EXPECT_FALSE(no_tickets.ok);
  EXPECT_NE(no_tickets.problem.find("tickets"), std::string::npos) << no_tickets.problem;

  // A damaged copy: enough tickets for several pages, then garbage over the middle.
  for (int i = 0; i < 400; ++i) add_ticket(std::string(200, 'x') + std::to_string(i));
  const std::string damaged = SqliteBackup(*db).write_snapshot();
  ASSERT_TRUE(check_snapshot(damaged).ok);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(damaged) / 2));
    const std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const SnapshotCheck check = check_snapshot(damaged);
  EXPECT_FALSE(check.ok);
  EXPECT_FALSE(check.problem.empty());
}

TEST_F(SqliteBackupTest, RestoreReplacesTheDataFileAndKeepsTheOldOneWhole) {
  for (int i = 0; i < 10; ++i) add_ticket("in the snapshot " + std::to_string(i));
  const std::string snapshot = SqliteBackup(*db).write_snapshot();
  for (int i = 0; i < 5; ++i) add_ticket("after the snapshot " + std::to_string(i));

  // The server is running: its exclusive lock keeps the restore out, and nothing changes.
  EXPECT_THROW(restore_snapshot(snapshot, file), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(file + ".restoring"));

  db.reset();  // stopped

  const RestoreResult result = restore_snapshot(snapshot, file);
  EXPECT_EQ(result.tickets, 10);
  EXPECT_EQ(scalar(file, "SELECT count(*) FROM tickets"), "10");
  EXPECT_EQ(scalar(file, "SELECT count(*) FROM tickets WHERE title LIKE 'after%'"), "0");
  ASSERT_FALSE(result.replaced.empty());
  EXPECT_EQ(scalar(result.replaced, "SELECT count(*) FROM tickets"), "15");
  EXPECT_FALSE(std::filesystem::exists(file + "-wal"));

  // And the server opens the restored file as its own.
  db = std::make_unique<Database>(file, exclusive());
  add_ticket("after the restore");
  db.reset();
  EXPECT_EQ(scalar(file, "SELECT count(*) FROM tickets"), "11");
}

// Requesters of tickets created after the snapshot hold tokens of their ids: the restored
// file must not give those ids again (the ticket store's insert respects the floor).
TEST_F(SqliteBackupTest, RestoreSetsTheNextTicketIdPastEveryIdTheReplacedFileGave) {
  for (int i = 0; i < 10; ++i) add_ticket("in the snapshot " + std::to_string(i));
  const std::string snapshot = SqliteBackup(*db).write_snapshot();
  for (int i = 0; i < 5; ++i) add_ticket("after the snapshot " + std::to_string(i));
  db.reset();

  const RestoreResult first = restore_snapshot(snapshot, file);
  EXPECT_EQ(first.next_ticket_id, 16);
  EXPECT_EQ(scalar(file, "SELECT next_id FROM ticket_id_floor"), "16");
  // Restoring the same snapshot again: the floor of the file it replaces still counts.
  const RestoreResult second = restore_snapshot(snapshot, file);
  EXPECT_EQ(second.next_ticket_id, 16);
}

TEST_F(SqliteBackupTest, RestoreWithNoFileToReplaceLeavesAMillionIdsUnused) {
  for (int i = 0; i < 10; ++i) add_ticket("in the snapshot " + std::to_string(i));
  const std::string snapshot = SqliteBackup(*db).write_snapshot();
  db.reset();
  const std::string elsewhere = dir.file("new-machine.db");

  const RestoreResult result = restore_snapshot(snapshot, elsewhere);
  EXPECT_EQ(result.next_ticket_id, 11 + kUnknownTicketIdGap);
  EXPECT_EQ(scalar(elsewhere, "SELECT next_id FROM ticket_id_floor"),
            std::to_string(11 + kUnknownTicketIdGap));
  EXPECT_TRUE(result.replaced.empty());
}

TEST_F(SqliteBackupTest, ADamagedSnapshotIsNotRestoredAndTheDataFileStays) {
  add_ticket("kept");
  db.reset();
  const std::string text = dir.file("bad.db");
  std::ofstream(text) << "not a database";
  try {
    restore_snapshot(text, file);
    FAIL() << "a damaged snapshot was restored";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not restored"), std::string::npos) << e.what();
  }
  EXPECT_EQ(scalar(file, "SELECT title FROM tickets"), "kept");
}

}  // namespace
}  // namespace st::adapters::sqlite
