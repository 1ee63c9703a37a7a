#include <gtest/gtest.h>

#include <chrono>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "adapters/sqlite/migrations.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using testing_support::TempDir;

std::int64_t count_rows(Database& db, const char* table) {
  return db.read([&](Connection& c) {
    auto q = c.query(std::string("SELECT count(*) FROM ") + table);
    q.step();
    return q.int64(0);
  });
}

class SqliteDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    db->write(
        [](Connection& c) { c.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"); });
  }
  void insert(const std::string& body) {
    db->write(
        [&](Connection& c) { c.query("INSERT INTO notes (body) VALUES (?)").bind(1, body).run(); });
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("test.db"));
};

TEST_F(SqliteDatabase, UsesWalAndThePragmasOnEveryConnection) {
  EXPECT_EQ(db->read([](Connection& c) {
    auto q = c.query("PRAGMA journal_mode");
    q.step();
    return q.text(0);
  }),
            "wal");
  EXPECT_EQ(db->read([](Connection& c) {
    auto q = c.query("PRAGMA foreign_keys");
    q.step();
    return q.int64(0);
  }),
            1);
  EXPECT_EQ(db->write([](Connection& c) {
    auto q = c.query("PRAGMA synchronous");
    q.step();
    return q.int64(0);
  }),
            2);  // FULL: the default durability
  EXPECT_GT(db->write([](Connection& c) {
    auto q = c.query("PRAGMA busy_timeout");
    q.step();
    return q.int64(0);
  }),
            0);
}

std::int64_t writer_synchronous(Database& db) {
  return db.write([](Connection& c) {
    auto q = c.query("PRAGMA synchronous");
    q.step();
    return q.int64(0);
  });
}

TEST(SqliteDatabaseDurability, FullSyncsEveryCommitAndNormalOnlyCheckpoints) {
  TempDir dir;
  DatabaseOptions full;
  full.durability = Connection::Durability::full;
  EXPECT_EQ(writer_synchronous(*std::make_unique<Database>(dir.file("full.db"), full)), 2);
  DatabaseOptions normal;
  normal.durability = Connection::Durability::normal;
  EXPECT_EQ(writer_synchronous(*std::make_unique<Database>(dir.file("normal.db"), normal)), 1);
}

TEST_F(SqliteDatabase, RejectsPathsThatAreNotPlainFiles) {
  EXPECT_THROW(Database(":memory:"), SqliteError);
  EXPECT_THROW(Database(""), SqliteError);
  EXPECT_THROW(Database(dir.file("no-such-dir/x.db")), SqliteError);
}

TEST_F(SqliteDatabase, WriteCommitsAndReturnsTheResult) {
  const auto id = db->write([](Connection& c) {
    c.query("INSERT INTO notes (body) VALUES (?)").bind(1, "hello").run();
    return c.last_insert_rowid();
  });
  EXPECT_EQ(id, 1);
  EXPECT_EQ(count_rows(*db, "notes"), 1);
}

TEST_F(SqliteDatabase, WriterStatsCountWritesAndTheTimeQueuedForTheWriter) {
  insert("one");
  EXPECT_EQ(db->writer_stats().waits, 0u);
  const auto writes = db->writer_stats().writes;
  std::thread second;
  db->write([&](Connection& c) {
    c.query("INSERT INTO notes (body) VALUES ('held')").run();
    second = std::thread([&] { insert("queued"); });
    // The second writer queues behind this transaction (bounded wait until it does).
    for (int i = 0; i < 2000 && db->writer_stats().queued == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(db->writer_stats().queued, 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  second.join();
  const auto s = db->writer_stats();
  EXPECT_EQ(s.writes, writes + 2);
  EXPECT_EQ(s.waits, 1u);
  EXPECT_GE(s.wait_seconds, 0.015);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(count_rows(*db, "notes"), 3);
}

TEST_F(SqliteDatabase, ExceptionInsideWriteRollsEverythingBack) {
  insert("kept");
  EXPECT_THROW(db->write([](Connection& c) {
    c.query("INSERT INTO notes (body) VALUES (?)").bind(1, "lost").run();
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count_rows(*db, "notes"), 1);
  // The writer is usable again afterwards.
  insert("after");
  EXPECT_EQ(count_rows(*db, "notes"), 2);
}

TEST_F(SqliteDatabase, SqlErrorInsideWriteThrowsAndRollsBack) {
  EXPECT_THROW(db->write([](Connection& c) {
    c.query("INSERT INTO notes (body) VALUES ('x')").run();
    c.query("INSERT INTO missing_table VALUES (1)").run();
  }),
               SqliteError);
  EXPECT_EQ(count_rows(*db, "notes"), 0);
}

TEST_F(SqliteDatabase, AFullDiskIsAnOutageNotABug) {
  // max_page_count makes the file "full" the way a full filesystem does: SQLITE_FULL.
  db->write([](Connection& c) { c.exec("PRAGMA max_page_count = 8"); });
  bool full = false;
  // Bounded: 8 pages hold far fewer than 200 rows of 1 KiB.
  for (int i = 0; i < 200 && !full; ++i) {
    try {
      insert(std::string(1024, 'x'));
    } catch (const ports::Unavailable& e) {
      full = true;
      EXPECT_NE(std::string(e.what()).find("full"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(full) << "no SQLITE_FULL after 200 inserts into 8 pages";
  // Space returns: writes go on, and what was committed before is intact.
  const auto before = count_rows(*db, "notes");
  db->write([](Connection& c) { c.exec("PRAGMA max_page_count = 100000"); });
  insert("after");
  EXPECT_EQ(count_rows(*db, "notes"), before + 1);
}

TEST_F(SqliteDatabase, AStatementErrorIsNotAnOutage) {
  try {
    db->write([](Connection& c) { c.exec("INSERT INTO no_such_table VALUES (1)"); });
    FAIL() << "no error";
  } catch (const ports::Unavailable&) {
    FAIL() << "a bad statement must not read as an outage (it would be retried forever)";
  } catch (const SqliteError&) {
  }
}

TEST_F(SqliteDatabase, ReaderConnectionsRefuseWrites) {
  EXPECT_THROW(
      db->read([](Connection& c) { c.query("INSERT INTO notes (body) VALUES ('x')").run(); }),
      SqliteError);
  EXPECT_EQ(count_rows(*db, "notes"), 0);
}

TEST_F(SqliteDatabase, ReadsDoNotWaitForAnOpenWriteTransaction) {
  insert("one");
  {
    WriteTransaction tx(*db);
    tx.connection().query("INSERT INTO notes (body) VALUES ('two')").run();
    // Same thread, writer held: a read must neither block nor see the uncommitted row.
    EXPECT_EQ(count_rows(*db, "notes"), 1);
    tx.commit();
  }
  EXPECT_EQ(count_rows(*db, "notes"), 2);
}

TEST_F(SqliteDatabase, WriteTransactionWithoutCommitRollsBack) {
  {
    WriteTransaction tx(*db);
    tx.connection().query("INSERT INTO notes (body) VALUES ('gone')").run();
  }
  EXPECT_EQ(count_rows(*db, "notes"), 0);
}

TEST_F(SqliteDatabase, ParametersAreStoredVerbatim) {
  const std::string nasty = "'); DROP TABLE notes; -- \"quoted\" <b>html</b> 100% a_b \\ \xC3\xA9";
  insert(nasty);
  EXPECT_EQ(db->read([](Connection& c) {
    auto q = c.query("SELECT body FROM notes");
    q.step();
    return q.text(0);
  }),
            nasty);
  EXPECT_EQ(count_rows(*db, "notes"), 1);
}

TEST_F(SqliteDatabase, NestedUseOfTheSameStatementGetsItsOwnCopy) {
  insert("a");
  insert("b");
  const char* sql = "SELECT id, body FROM notes WHERE id >= ? ORDER BY id";
  std::vector<std::string> pairs;
  db->read([&](Connection& c) {
    auto outer = c.query(sql);
    outer.bind(1, 1);
    while (outer.step()) {
      auto inner = c.query(sql);  // same SQL while the cached statement is mid-step
      inner.bind(1, outer.int64(0));
      while (inner.step()) pairs.push_back(outer.text(1) + inner.text(1));
    }
  });
  EXPECT_EQ(pairs, (std::vector<std::string>{"aa", "ab", "bb"}));
}

TEST_F(SqliteDatabase, ReadSnapshotSeesOneConsistentState) {
  insert("a");
  const auto counts = db->read_snapshot([&](Connection& c) {
    auto first = c.query("SELECT count(*) FROM notes");
    first.step();
    const auto before = first.int64(0);
    insert("b");  // committed by the writer meanwhile
    auto second = c.query("SELECT count(*) FROM notes WHERE id > 0");
    second.step();
    return std::pair(before, second.int64(0));
  });
  EXPECT_EQ(counts.first, 1);
  EXPECT_EQ(counts.second, 1);
  EXPECT_EQ(count_rows(*db, "notes"), 2);
}

TEST_F(SqliteDatabase, DataSurvivesClosingAndReopening) {
  insert("persisted");
  db.reset();
  // The final checkpoint folded the WAL into the data file.
  EXPECT_FALSE(std::filesystem::exists(dir.file("test.db-wal")));
  db = std::make_unique<Database>(dir.file("test.db"));
  EXPECT_EQ(count_rows(*db, "notes"), 1);
}

TEST_F(SqliteDatabase, ConcurrentReadersAndWriters) {
  constexpr int kWriters = 3;
  constexpr int kInsertsPerWriter = 150;
  constexpr int kReaders = 4;
  std::atomic<int> writers_done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (int i = 0; i < kInsertsPerWriter; ++i) insert("w" + std::to_string(w));
      } catch (...) {
        failed = true;
      }
      ++writers_done;
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      try {
        std::int64_t last = 0;
        // Bounded: stops when the writers are done, or after a generous number of reads.
        for (int i = 0; i < 100000 && writers_done < kWriters; ++i) {
          const auto n = count_rows(*db, "notes");
          if (n < last) failed = true;  // committed rows never disappear
          last = n;
        }
      } catch (...) {
        failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(count_rows(*db, "notes"), kWriters * kInsertsPerWriter);
}

TEST_F(SqliteDatabase, ExclusiveProcessModeStillServesReadersOfThisProcess) {
  insert("before");
  db.reset();
  DatabaseOptions options;
  options.exclusive_process = true;
  db = std::make_unique<Database>(dir.file("test.db"), options);
  insert("after");
  EXPECT_EQ(count_rows(*db, "notes"), 2);
  {
    WriteTransaction tx(*db);
    tx.connection().query("INSERT INTO notes (body) VALUES ('pending')").run();
    EXPECT_EQ(count_rows(*db, "notes"), 2);  // a reader still sees the last commit
    tx.commit();
  }
  EXPECT_EQ(count_rows(*db, "notes"), 3);
  db.reset();
  db = std::make_unique<Database>(dir.file("test.db"));  // and normal mode again afterwards
  EXPECT_EQ(count_rows(*db, "notes"), 3);
}

TEST_F(SqliteDatabase, BackgroundCheckpointsKeepTheWalBounded) {
  db.reset();
  DatabaseOptions options;
  options.checkpoint_pages = 10;  // writer steps in past 80 pages
  db = std::make_unique<Database>(dir.file("test.db"), options);
  const std::string kilobyte(1024, 'x');
  for (int i = 0; i < 1500; ++i) {
    insert(kilobyte);
    if (i % 100 == 0) count_rows(*db, "notes");  // readers come and go meanwhile
  }
  const auto wal = std::filesystem::file_size(dir.file("test.db-wal"));
  const auto main_file = std::filesystem::file_size(dir.file("test.db"));
  EXPECT_LT(wal, 200u * 4096) << "the WAL kept growing";
  EXPECT_GT(main_file, 1000u * 1024) << "the rows were never copied into the main file";
  EXPECT_EQ(count_rows(*db, "notes"), 1500);
  db.reset();
  db = std::make_unique<Database>(dir.file("test.db"));
  EXPECT_EQ(count_rows(*db, "notes"), 1500);
}

TEST_F(SqliteDatabase, SqliteOwnAutoCheckpointCanBeChosen) {
  db.reset();
  DatabaseOptions options;
  options.checkpoint_pages = 0;
  db = std::make_unique<Database>(dir.file("test.db"), options);
  for (int i = 0; i < 300; ++i) insert(std::string(1024, 'y'));
  EXPECT_EQ(count_rows(*db, "notes"), 300);
}

class SqliteMigrations : public ::testing::Test {
 protected:
  TempDir dir;
  Database db{dir.file("m.db")};
};

TEST_F(SqliteMigrations, AppliesNewStepsOnceAndPerService) {
  const Migration v1[] = {{1, "CREATE TABLE a (x INTEGER)"}};
  const Migration v2[] = {{1, "CREATE TABLE a (x INTEGER)"},
                          {2, "ALTER TABLE a ADD COLUMN y TEXT; CREATE INDEX a_y ON a(y)"}};
  EXPECT_EQ(schema_version(db, "svc"), 0);
  EXPECT_EQ(migrate(db, "svc", v1), 1);
  EXPECT_EQ(migrate(db, "svc", v1), 0);
  EXPECT_EQ(migrate(db, "svc", v2), 1);  // only step 2
  EXPECT_EQ(schema_version(db, "svc"), 2);
  EXPECT_EQ(schema_version(db, "other"), 0);
  db.write([](Connection& c) { c.query("INSERT INTO a (x, y) VALUES (1, 'y')").run(); });
}

TEST_F(SqliteMigrations, AFailingStepLeavesNothingApplied) {
  const Migration bad[] = {{1, "CREATE TABLE b (x INTEGER)"}, {2, "CREATE TABLE b (x INTEGER)"}};
  EXPECT_THROW(migrate(db, "bad", bad), SqliteError);
  EXPECT_EQ(schema_version(db, "bad"), 0);
  const Migration good[] = {{1, "CREATE TABLE b (x INTEGER)"}};
  EXPECT_EQ(migrate(db, "bad", good), 1);
}

TEST_F(SqliteMigrations, ServiceMigrationsAreIdempotent) {
  for (int i = 0; i < 2; ++i) {
    migrate_tickets(db);
    migrate_routing(db);
    migrate_analytics(db);
    migrate_categorizer(db);
    migrate_bus(db);
  }
  for (const char* service : {"categorizer", "bus"})
    EXPECT_EQ(schema_version(db, service), 1) << service;
  // 2: ticket_routing.model_version, 3: departments.review_below_confidence
  EXPECT_EQ(schema_version(db, "routing"), 3);
  // 2: requester index, 3: create keys, 4: language, 5: priority, 6: explanation, 7: agents,
  // 8: comments, 9: needs_review, 10: the id floor a restore sets
  EXPECT_EQ(schema_version(db, "tickets"), 11);
  // 2: analytics_events.actor, 3: priority, 4: snapshots for rebuilds, 5: decisions, 6: SLA
  EXPECT_EQ(schema_version(db, "analytics"), 6);
  for (const char* table :
       {"tickets", "tickets_outbox", "departments", "ticket_routing", "routing_outbox",
        "analytics_events", "analytics_tickets", "ticket_create_keys", "categorizer_examples",
        "bus_messages", "bus_dead_letters"})
    EXPECT_EQ(count_rows(db, table), 0) << table;
}

TEST_F(SqliteMigrations, EveryFilterQueryHasAnIndex) {
  migrate_tickets(db);
  migrate_routing(db);
  migrate_analytics(db);
  migrate_bus(db);
  // The query plans of the list/filter statements must not scan whole tables.
  auto plan = [&](const char* sql) {
    return db.read([&](Connection& c) {
      auto q = c.query(std::string("EXPLAIN QUERY PLAN ") + sql);
      std::string out;
      while (q.step()) out += q.text(3) + "\n";
      return out;
    });
  };
  const char* indexed[] = {
      "SELECT * FROM tickets WHERE status = 'x' AND id < 5 ORDER BY id DESC LIMIT 5",
      "SELECT * FROM tickets WHERE department = 'x' ORDER BY id DESC LIMIT 5",
      "SELECT * FROM tickets WHERE department = 'x' AND status = 'y' ORDER BY id DESC LIMIT 5",
      "SELECT * FROM departments WHERE name = 'it support'",
      "SELECT * FROM ticket_routing WHERE ticket_id = 1 ORDER BY id",
      "SELECT * FROM analytics_events WHERE ticket_id = 1 ORDER BY created_at, id",
      "SELECT count(*) FROM analytics_tickets WHERE created_at >= 5",
      "SELECT count(*) FROM analytics_tickets WHERE department = 'x'",
      "SELECT * FROM bus_messages WHERE queue = 'q' ORDER BY seq",
      "SELECT * FROM bus_dead_letters WHERE queue = 'q' ORDER BY seq",
  };
  for (const char* sql : indexed) {
    const auto p = plan(sql);
    EXPECT_NE(p.find("USING"), std::string::npos) << sql << "\n" << p;
    EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << p;
  }
}

// ---- The health probe --------------------------------------------------------------------------

TEST_F(SqliteDatabase, TheHealthProbeAnswersWhileTheFileIsThere) {
  insert("hello");
  const auto p = db->probe();
  EXPECT_TRUE(p.ok) << p.detail;
  EXPECT_EQ(db->health_name(), "database");
}

TEST_F(SqliteDatabase, TheHealthProbeFailsOnceTheFileIsGoneThoughPooledReadsStillWork) {
  insert("hello");
  ASSERT_EQ(count_rows(*db, "notes"), 1);  // a pooled reader, kept open
  std::filesystem::remove(db->path());
  EXPECT_EQ(count_rows(*db, "notes"), 1) << "the pooled reader reads the deleted file";
  const auto p = db->probe();
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.detail.find("unable to open"), std::string::npos) << p.detail;
}

TEST_F(SqliteDatabase, TheHealthProbeFailsWhenTheFileIsDamaged) {
  insert("hello");
  // Every page in the main file (none left in the WAL to read instead).
  Connection(db->path(), Connection::Mode::checkpointer, std::chrono::milliseconds(5000))
      .exec("PRAGMA wal_checkpoint(TRUNCATE)");
  {
    // Overwrites the header ("SQLite format 3") in place, as a bad disk or a stray write would.
    std::fstream f(db->path(), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f);
    f.write("this is not sqlite, not at all", 30);
  }
  const auto p = db->probe();
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.detail.find("not a database"), std::string::npos) << p.detail;
}

}  // namespace
}  // namespace st::adapters::sqlite
