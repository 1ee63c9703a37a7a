#pragma once
// Backups of the one-process store, whose whole state is one SQLite file.
//
// Taking one (SqliteBackup, behind GET /api/admin/backup): SQLite's online backup API copies
// every page from a pooled reader connection in one step, so the copy is the database as of
// one commit (a WAL reader's snapshot) while the writer keeps committing. The copy is a plain
// rollback-journal file: it opens as it is, without a -wal beside it.
//
// Restoring one (smartticket restore, server stopped): the snapshot is checked first
// (integrity_check, and it must hold the tickets table), then it replaces the data file; the
// file it replaces is kept beside it as <file>.before-restore-<UTC time>, its WAL folded in.
// The restored file never hands out again an id the replaced file had given: requesters of
// tickets created after the snapshot hold tokens (an HMAC of the id) that must not open a
// stranger's new ticket. Restore sets the next ticket id past the replaced file's last one, or,
// when there is no readable file to replace, a million past the snapshot's.
#include <cstdint>
#include <string>

#include "adapters/sqlite/database.hpp"
#include "ports/store_backup.hpp"

namespace st::adapters::sqlite {

class SqliteBackup final : public ports::StoreBackup {
 public:
  explicit SqliteBackup(Database& db) : db_(db) {}
  // The snapshot is written to "<data file>.backup-<random>", on the data file's own file
  // system (a snapshot is as large as the database, too large for a small /tmp).
  std::string write_snapshot() override;

 private:
  Database& db_;
};

struct SnapshotCheck {
  bool ok = false;
  std::string problem;       // why not, when !ok
  std::int64_t tickets = 0;  // rows of the tickets table, when ok
};

// Opens `path` read-only and checks it is an undamaged Smart Ticket store.
SnapshotCheck check_snapshot(const std::string& path);

// Ids left unused after a restore that cannot see the lost file: more tickets than any store
// creates between two backups.
inline constexpr std::int64_t kUnknownTicketIdGap = 1'000'000;

struct RestoreResult {
  std::int64_t tickets = 0;
  std::int64_t next_ticket_id = 0;  // the lowest id a new ticket will get
  std::string replaced;             // where the previous data file went; empty when there was none
};

// Replaces `data_file` with the snapshot at `snapshot`. Throws std::runtime_error, changing
// nothing, when the snapshot fails check_snapshot or when a running server holds the data
// file.
RestoreResult restore_snapshot(const std::string& snapshot, const std::string& data_file);

}  // namespace st::adapters::sqlite
