#pragma once
// Where the PostgreSQL server is and how to reach it: DATABASE_URL, or the seed's DB_HOST,
// DB_PORT, DB_NAME, DB_USER and DB_PASSWORD, turned into one libpq connection string.
// Pure functions, no I/O.
#include <chrono>
#include <string>

namespace st::adapters::postgres {

struct DatabaseSettings {
  // A libpq URL (postgresql://user:password@host:port/name?...) or key=value string. When
  // set, it wins over the fields below.
  std::string url;
  std::string host = "localhost";
  std::string port = "5432";
  std::string name = "smartticket";
  std::string user = "smartticket";
  std::string password;  // secret: never logged
};

struct ConnectionLimits {
  // How long opening a connection may take before it fails (libpq's connect_timeout).
  std::chrono::seconds connect_timeout{3};
  // A peer that stops answering (host gone, cable pulled) is declared dead after about
  // this long instead of the kernel's default of hours (TCP keepalives + tcp_user_timeout).
  std::chrono::seconds dead_peer_timeout{15};
};

// The libpq connection string for `s`. The limits are added unless the URL or string
// already sets them. Contains the password: pass it to libpq only, never to a log.
std::string connection_string(const DatabaseSettings& s, const ConnectionLimits& limits = {});

// `conninfo` (a URL or key=value string) with any password replaced by "***", for logs
// and error messages.
std::string redact(const std::string& conninfo);

}  // namespace st::adapters::postgres
