#pragma once
// A consistent copy of a running store, taken without stopping it: what
// GET /api/admin/backup sends. Only the one-process mode has one (its whole state is one
// SQLite file); the distributed mode's services are backed up with pg_dump, per service
// schema (docs/operations.md).
#include <string>

namespace st::ports {

class StoreBackup {
 public:
  virtual ~StoreBackup() = default;
  // Writes a snapshot of the whole store, as it was at one commit, to a new file next to the
  // store and returns its path; the caller removes the file. Writers keep going meanwhile.
  // Throws ports::Unavailable when the store cannot be read or the file cannot be written.
  virtual std::string write_snapshot() = 0;
};

}  // namespace st::ports
