#include "adapters/sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "adapters/sqlite/migrations.hpp"
#include "ports/unavailable.hpp"

namespace st::adapters::sqlite {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

DbHandle open_file(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK)
    throw std::runtime_error("cannot open " + path + ": " +
                             (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string what = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    throw std::runtime_error(what);
  }
}

// The first column of the first row of `sql`, as text ("" when there is no row).
std::string first_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  const int rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(raw, 0);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
  return {};
}

// Copies every page of `from` into the (empty) database `to` in one backup step, so the copy
// reflects one snapshot of `from`. A busy or locked step is retried, boundedly.
void copy_pages(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup) throw std::runtime_error(sqlite3_errmsg(to));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 500; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("backup: ") + sqlite3_errstr(rc));
}

std::string random_suffix() {
  std::random_device rd;
  char out[17];
  std::snprintf(out, sizeof out, "%08x%08x", rd(), rd());
  return out;
}

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot sync " + path);
}

// Takes the data file for this process alone, or throws when a running server holds it (the
// server opens it with an exclusive lock), then folds its WAL into it so that the file is
// whole on its own.
void take_over(const std::string& data_file) {
  DbHandle db = open_file(data_file, SQLITE_OPEN_READWRITE);
  sqlite3_busy_timeout(db.get(), 200);
  try {
    exec(db.get(), "PRAGMA locking_mode = EXCLUSIVE");
    exec(db.get(), "BEGIN EXCLUSIVE");
    exec(db.get(), "COMMIT");
    exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    throw std::runtime_error(data_file + " is in use (" + e.what() +
                             "): stop the server before restoring");
  }
}

bool has_table(sqlite3* db, const std::string& name) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                         &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  return sqlite3_step(raw) == SQLITE_ROW;
}

// The id the store in `db` would give its next ticket (the ticket store's insert rule).
std::int64_t next_ticket_id(sqlite3* db) {
  const char* sql = has_table(db, "ticket_id_floor")
                        ? "SELECT max((SELECT coalesce(max(id), 0) + 1 FROM tickets), "
                          "coalesce((SELECT next_id FROM ticket_id_floor), 1))"
                        : "SELECT coalesce(max(id), 0) + 1 FROM tickets";
  return std::stoll(first_text(db, sql));
}

// The next ticket id of the data file about to be replaced; nullopt when it cannot be read
// (a damaged file is a reason to restore).
std::optional<std::int64_t> next_ticket_id_of(const std::string& data_file) {
  try {
    DbHandle db = open_file(data_file, SQLITE_OPEN_READONLY);
    return next_ticket_id(db.get());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Sets the restored file's next ticket id past every id given so far, and returns it.
std::int64_t set_ticket_id_floor(const std::string& staging,
                                 std::optional<std::int64_t> replaced_next) {
  DbHandle db = open_file(staging, SQLITE_OPEN_READWRITE);
  const std::int64_t snapshot_next = next_ticket_id(db.get());
  const std::int64_t floor =
      replaced_next ? std::max(*replaced_next, snapshot_next) : snapshot_next + kUnknownTicketIdGap;
  exec(db.get(), kTicketIdFloorTable);
  exec(db.get(),
       ("INSERT INTO ticket_id_floor (singleton, next_id) VALUES (1, " + std::to_string(floor) +
        ") ON CONFLICT (singleton) DO UPDATE SET next_id = excluded.next_id")
           .c_str());
  return floor;
}

}  // namespace

std::string SqliteBackup::write_snapshot() {
  const std::string path = db_.path() + ".backup-" + random_suffix();
  // O_EXCL: never writes over a file that happens to be there.
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) throw ports::Unavailable("backup: cannot create " + path);
  ::close(fd);
  try {
    DbHandle to = open_file(path, SQLITE_OPEN_READWRITE);
    {
      ReaderLease lease(db_);
      copy_pages(lease.connection().handle(), to.get());
    }
    // The copy carries the source's WAL flag; a download is one file, so make it a
    // rollback-journal database that opens without a -wal beside it.
    if (first_text(to.get(), "PRAGMA journal_mode = DELETE") != "delete")
      throw std::runtime_error("backup: cannot leave WAL mode");
  } catch (const std::exception& e) {
    std::filesystem::remove(path);
    throw ports::Unavailable(std::string("backup failed: ") + e.what());
  }
  return path;
}

SnapshotCheck check_snapshot(const std::string& path) {
  SnapshotCheck out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    out.problem = path + " is not a file";
    return out;
  }
  try {
    DbHandle db = open_file(path, SQLITE_OPEN_READONLY);
    const std::string integrity = first_text(db.get(), "PRAGMA integrity_check");
    if (integrity != "ok") {
      out.problem = "integrity_check: " + integrity;
      return out;
    }
    if (first_text(db.get(),
                   "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tickets'")
            .empty()) {
      out.problem = path + " is not a Smart Ticket store (no tickets table)";
      return out;
    }
    out.tickets = std::stoll(first_text(db.get(), "SELECT count(*) FROM tickets"));
    out.ok = true;
  } catch (const std::exception& e) {
    // A file that is not a database at all fails here ("file is not a database").
    out.problem = e.what();
  }
  return out;
}

RestoreResult restore_snapshot(const std::string& snapshot, const std::string& data_file) {
  namespace fs = std::filesystem;
  const SnapshotCheck check = check_snapshot(snapshot);
  if (!check.ok) throw std::runtime_error("not restored: " + check.problem);

  RestoreResult result{.tickets = check.tickets, .next_ticket_id = 0, .replaced = {}};
  const fs::path target(data_file);
  const std::string staging = data_file + ".restoring";
  fs::copy_file(snapshot, staging, fs::copy_options::overwrite_existing);
  try {
    const bool replacing = fs::exists(target);
    std::optional<std::int64_t> replaced_next;
    if (replacing) {
      take_over(data_file);
      replaced_next = next_ticket_id_of(data_file);
    }
    // Before anything is moved: a failure here leaves the data file where it was.
    result.next_ticket_id = set_ticket_id_floor(staging, replaced_next);
    fsync_path(staging, O_RDONLY);
    if (replacing) {
      result.replaced = data_file + ".before-restore-" + utc_stamp();
      fs::rename(target, result.replaced);
    }
    // Whatever -wal/-shm is left belongs to the replaced file, whose WAL was folded in.
    fs::remove(data_file + "-wal");
    fs::remove(data_file + "-shm");
    fs::rename(staging, target);
  } catch (...) {
    fs::remove(staging);
    throw;
  }
  fsync_path(target.parent_path().empty() ? "." : target.parent_path().string(),
             O_RDONLY | O_DIRECTORY);
  return result;
}

}  // namespace st::adapters::sqlite
