// Group commit: write() calls that queue behind a busy writer share one transaction, each
// keeping its own result or its own failure (src/adapters/sqlite/database.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/database.hpp"
#include "unit/support/temp_dir.hpp"

namespace st::adapters::sqlite {
namespace {

using testing_support::TempDir;

std::vector<std::string> bodies(Database& db) {
  return db.read([](Connection& c) {
    return c.query("SELECT body FROM notes ORDER BY body").rows([](const Query& q) {
      return q.text(0);
    });
  });
}

class SqliteGroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    db->write([](Connection& c) {
      c.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)");
    });
  }

  // Runs `queue` while a write holds the writer, and lets that write finish once `waiting`
  // calls are queued behind it (bounded wait), so they all go into the next group.
  void behind_a_busy_writer(std::size_t waiting, const std::function<void()>& queue) {
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> holding;
    std::thread holder([&] {
      db->write([&](Connection& c) {
        c.query("INSERT INTO notes (body) VALUES ('holder')").run();
        holding.set_value();
        released.wait();
      });
    });
    holding.get_future().wait();
    queue();
    for (int i = 0; i < 2000 && db->writer_stats().queued < waiting; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_EQ(db->writer_stats().queued, waiting);
    release.set_value();
    holder.join();
  }

  std::int64_t insert(const std::string& body) {
    return db->write([&](Connection& c) {
      c.query("INSERT INTO notes (body) VALUES (?)").bind(1, body).run();
      return c.last_insert_rowid();
    });
  }

  TempDir dir;
  std::unique_ptr<Database> db = std::make_unique<Database>(dir.file("test.db"));
};

TEST_F(SqliteGroupCommit, QueuedWritesShareOneCommitAndEachGetsItsOwnResult) {
  const auto before = db->writer_stats();
  std::vector<std::future<std::int64_t>> ids;
  behind_a_busy_writer(3, [&] {
    for (const char* body : {"a", "b", "c"})
      ids.push_back(std::async(std::launch::async, [this, body] { return insert(body); }));
  });
  std::vector<std::int64_t> got;
  for (auto& id : ids) got.push_back(id.get());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::int64_t>{2, 3, 4}));  // the holder's row is 1
  EXPECT_EQ(bodies(*db), (std::vector<std::string>{"a", "b", "c", "holder"}));
  const auto after = db->writer_stats();
  EXPECT_EQ(after.writes - before.writes, 4u);
  EXPECT_EQ(after.commits - before.commits, 2u);  // the holder's, then one for the three
  EXPECT_EQ(after.waits - before.waits, 3u);
  EXPECT_EQ(after.queued, 0u);
}

TEST_F(SqliteGroupCommit, AFailingWriteRollsBackOnlyItsOwnChanges) {
  std::future<void> first, failing, last;
  behind_a_busy_writer(3, [&] {
    first = std::async(std::launch::async, [this] { insert("first"); });
    failing = std::async(std::launch::async, [this] {
      db->write([](Connection& c) {
        c.query("INSERT INTO notes (body) VALUES ('undone')").run();
        throw std::runtime_error("the call fails after writing");
      });
    });
    last = std::async(std::launch::async, [this] {
      // A constraint violation raised by SQLite itself: only this statement's call fails.
      db->write([](Connection& c) {
        c.query("INSERT INTO notes (body) VALUES ('last')").run();
        c.query("INSERT INTO notes (body) VALUES ('holder')").run();
      });
    });
  });
  EXPECT_NO_THROW(first.get());
  EXPECT_THROW(failing.get(), std::runtime_error);
  EXPECT_THROW(last.get(), SqliteError);
  EXPECT_EQ(bodies(*db), (std::vector<std::string>{"first", "holder"}));
  insert("after");  // the writer is usable again
  EXPECT_EQ(bodies(*db).size(), 3u);
}

TEST_F(SqliteGroupCommit, WhenSqliteEndsTheSharedTransactionTheCallsBeforeFailToo) {
  // A call that ends the transaction (as SQLite does itself on a full disk or an I/O error):
  // the calls that ran before it in the group lost their changes, so none may report success.
  std::vector<std::future<void>> calls;
  std::promise<void> ended_ran;
  behind_a_busy_writer(2, [&] {
    calls.push_back(std::async(std::launch::async, [this] { insert("lost"); }));
    for (int i = 0; i < 2000 && db->writer_stats().queued < 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    calls.push_back(std::async(std::launch::async, [this] {
      db->write([](Connection& c) {
        c.exec("ROLLBACK");
        throw std::runtime_error("the transaction is gone");
      });
    }));
  });
  EXPECT_THROW(calls[0].get(), std::runtime_error);
  EXPECT_THROW(calls[1].get(), std::runtime_error);
  EXPECT_EQ(bodies(*db), (std::vector<std::string>{"holder"}));
  insert("after");
  EXPECT_EQ(bodies(*db), (std::vector<std::string>{"after", "holder"}));
}

TEST_F(SqliteGroupCommit, ManyConcurrentWritersLoseNothing) {
  constexpr int kWriters = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([this, w] {
      for (int i = 0; i < kEach; ++i) insert(std::to_string(w) + "-" + std::to_string(i));
    });
  for (auto& t : writers) t.join();
  EXPECT_EQ(bodies(*db).size(), static_cast<std::size_t>(kWriters * kEach));
  const auto s = db->writer_stats();
  EXPECT_LE(s.commits, s.writes);
  EXPECT_EQ(s.queued, 0u);
}

}  // namespace
}  // namespace st::adapters::sqlite
