#include "unit/adapters/postgres/pg_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

#include <pqxx/pqxx>

namespace st::testing_support {
namespace {

namespace fs = std::filesystem;

// The directory holding initdb and pg_ctl: $SMARTTICKET_PG_BINDIR, or the newest
// /usr/lib/postgresql/<version>/bin (Debian's layout; not on PATH).
std::string find_bindir() {
  if (const char* dir = std::getenv("SMARTTICKET_PG_BINDIR"); dir && *dir) return dir;
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(entry.path() / "bin" / "initdb")) found.push_back(entry.path() / "bin");
  if (found.empty())
    throw std::runtime_error(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): these "
        "tests need a real server. Install it with `scripts/setup` (Debian package "
        "`postgresql`) or point SMARTTICKET_PG_BINDIR at the directory holding initdb.");
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().filename()) < std::stoi(b.parent_path().filename());
  });
  return found.back().string();
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// initdb and postgres refuse to run as root: as root, they run as the `postgres` user
// (which then owns the directory).
bool running_as_root() {
  return ::geteuid() == 0;
}

std::string as_server_user(const std::string& command) {
  return running_as_root() ? "runuser -u postgres -- " + command : command;
}

std::string tail_of(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  auto text = s.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

void run(const std::string& command, const std::string& log) {
  const int rc = std::system((command + " >>" + log + " 2>&1").c_str());
  if (rc != 0)
    throw std::runtime_error("test PostgreSQL: `" + command + "` failed:\n" + tail_of(log));
}

// Stops the process's own shared server when the test program ends.
class SharedServer : public ::testing::Environment {
 public:
  void TearDown() override { server.reset(); }
  std::unique_ptr<PgServer> server;
};

SharedServer* shared_environment() {
  static SharedServer* env =
      static_cast<SharedServer*>(::testing::AddGlobalTestEnvironment(new SharedServer));
  return env;
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(rd() % 100000);
}

}  // namespace

PgServer::PgServer() : bindir_(find_bindir()), port_(free_loopback_port()) {
  char pattern[] = "/tmp/st-pg-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  if (running_as_root()) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw)
      throw std::runtime_error(
          "test PostgreSQL: running as root but there is no `postgres` user to run the server "
          "as (install the Debian package `postgresql`)");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("test PostgreSQL: cannot chown " + dir_);
  }
  const auto log = dir_ + "/setup.log";
  run(as_server_user(bindir_ + "/initdb -D " + dir_ +
                     "/data -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync"),
      log);
  start();
}

PgServer::~PgServer() {
  // Immediate: nothing here needs a clean shutdown, and the directory goes anyway.
  const auto stop = as_server_user(bindir_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
  if (std::system((stop + " >/dev/null 2>&1").c_str()) != 0) {
    // Already stopped (a test stopped it); the directory goes regardless.
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::conninfo(const std::string& extra) const {
  std::string out =
      "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  if (!extra.empty()) out += " " + extra;
  return out;
}

void PgServer::start() {
  // Durability off (fsync, synchronous_commit): a test server is thrown away anyway.
  run(as_server_user(bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 " +
                     "-o \"-p " + std::to_string(port_) + " -k " + dir_ +
                     " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                     "-c full_page_writes=off -c max_connections=300\" start"),
      dir_ + "/setup.log");
}

void PgServer::stop() {
  run(as_server_user(bindir_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop"),
      dir_ + "/setup.log");
}

void PgServer::restart() {
  stop();
  start();
}

const std::string& shared_pg_conninfo() {
  static std::mutex mu;
  static std::string conninfo;
  std::lock_guard lock(mu);
  if (!conninfo.empty()) return conninfo;
  // The ctest fixture's server, if there is one.
  if (const char* dir = std::getenv("SMARTTICKET_TEST_PG_DIR"); dir && *dir) {
    std::ifstream in(std::string(dir) + "/conninfo");
    std::getline(in, conninfo);
  }
  if (conninfo.empty()) {
    auto* env = shared_environment();
    env->server = std::make_unique<PgServer>();
    conninfo = env->server->conninfo();
  }
  // Once per server: the trigram extension the tickets migration asks for lives in public,
  // where every test schema's search_path finds it.
  pqxx::connection c(conninfo);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
  return conninfo;
}

PgTestSchema::PgTestSchema() : name_("t_" + unique_suffix()) {
  const auto& base = shared_pg_conninfo();
  pqxx::connection c(base);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE SCHEMA " + name_);
  // application_name lets a test find (and terminate) its own server connections.
  conninfo_ =
      base + " application_name=" + name_ + " options='-c search_path=" + name_ + ",public'";
}

PgTestSchema::~PgTestSchema() {
  try {
    pqxx::connection c(shared_pg_conninfo());
    pqxx::nontransaction tx(c);
    tx.exec("DROP SCHEMA " + name_ + " CASCADE");
  } catch (const std::exception&) {
    // The server is gone with everything in it, or the test left it stopped.
  }
}

std::unique_ptr<adapters::postgres::Database> PgTestSchema::open(
    adapters::postgres::PoolOptions options) const {
  return std::make_unique<adapters::postgres::Database>(conninfo_, options);
}

}  // namespace st::testing_support
