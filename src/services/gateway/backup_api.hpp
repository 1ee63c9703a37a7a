#pragma once
// GET /api/admin/backup (admins): a consistent snapshot of the running one-process store,
// sent as a file (application/vnd.sqlite3) while the service keeps answering. The snapshot is
// written next to the store by a thread of its own (never an I/O thread), unlinked as soon as
// it is open, then streamed from disk, so neither a crash nor a client that goes away leaves
// it behind and memory use does not grow with the database. One backup at a time: a second
// one meanwhile is 503 `busy`. Without a store to back up (the distributed mode) it is 501.
#include <chrono>

#include "http/beast.hpp"
#include "http/blocking_pool.hpp"
#include "http/request_context.hpp"
#include "ports/store_backup.hpp"

namespace st::services::gateway {

class BackupApi {
 public:
  // How long the whole download may take before the connection is cut.
  static constexpr std::chrono::minutes kSendTimeout{30};

  explicit BackupApi(ports::StoreBackup* backup);

  // Throws ApiError (501, 503) before anything is written.
  http::asio::awaitable<void> serve(http::RequestContext& ctx, http::beast::tcp_stream& stream);

 private:
  ports::StoreBackup* backup_;
  http::BlockingPool writer_;
};

}  // namespace st::services::gateway
