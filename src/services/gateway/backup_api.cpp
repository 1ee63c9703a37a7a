#include "services/gateway/backup_api.hpp"

#include <unistd.h>

#include <ctime>
#include <string>

#include "http/api_error.hpp"
#include "ports/unavailable.hpp"

namespace st::services::gateway {
namespace {

// "smartticket-20261207T010203Z.db": the moment the snapshot was asked for.
std::string download_name() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[64];
  std::strftime(out, sizeof out, "smartticket-%Y%m%dT%H%M%SZ.db", &tm);
  return out;
}

}  // namespace

BackupApi::BackupApi(ports::StoreBackup* backup)
    : backup_(backup), writer_({.name = "backup", .threads = 1, .queue = 0}) {}

http::asio::awaitable<void> BackupApi::serve(http::RequestContext& ctx,
                                             http::beast::tcp_stream& stream) {
  namespace bhttp = http::bhttp;
  if (!backup_)
    throw http::ApiError(bhttp::status::not_implemented, "not_implemented",
                         "this server has no one-file store to back up: in the distributed mode "
                         "each service's PostgreSQL schema is backed up with pg_dump (see "
                         "docs/operations.md)");
  std::string path;
  try {
    path = co_await writer_.run([this] { return backup_->write_snapshot(); });
  } catch (const ports::Unavailable& e) {
    throw http::ApiError(bhttp::status::service_unavailable, "unavailable", e.what());
  }

  bhttp::response<bhttp::file_body> res{bhttp::status::ok, 11};
  http::beast::error_code ec;
  res.body().open(path.c_str(), http::beast::file_mode::scan, ec);
  // Open or not, the name goes now: the open descriptor keeps the data until it is sent.
  ::unlink(path.c_str());
  if (ec)
    throw http::ApiError(bhttp::status::service_unavailable, "unavailable",
                         "the snapshot could not be read back: " + ec.message());
  res.set(bhttp::field::content_type, "application/vnd.sqlite3");
  res.set(bhttp::field::content_disposition, "attachment; filename=\"" + download_name() + "\"");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Request-Id", ctx.request_id);
  res.keep_alive(false);
  res.prepare_payload();
  stream.expires_after(kSendTimeout);
  co_await bhttp::async_write(stream, res,
                              http::asio::redirect_error(http::asio::use_awaitable, ec));
  stream.expires_never();
}

}  // namespace st::services::gateway
