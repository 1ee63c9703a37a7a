#include "support/rabbitmq_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "adapters/rabbitmq/amqp_connection.hpp"
#include "adapters/rabbitmq/broker_address.hpp"

extern char** environ;

namespace st::test_support {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kDefaultScript[] = "/usr/lib/rabbitmq/bin/rabbitmq-server";
constexpr char kEpmd[] = "/usr/bin/epmd";

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("finding a free port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string tail_of(const fs::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

// The environment of the broker: ours minus anything that would point it elsewhere.
std::vector<std::string> broker_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string var = *e;
    if (var.starts_with("RABBITMQ_") || var.starts_with("ERL_") || var.starts_with("HOME="))
      continue;
    env.push_back(var);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// fork + exec in a session of its own, output to `out`. Everything is prepared by the
// caller: between fork and exec only async-signal-safe calls are allowed.
pid_t spawn_process(std::vector<char*>& argv, std::vector<char*>& envp, const std::string& out) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setsid();  // its own process group: kill(-pid) reaches the children it starts
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test runner takes it along
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (in >= 0) ::dup2(in, 0);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Waits (bounded) for `pid` to exit; SIGKILLs its group if it does not.
void reap_within(pid_t pid, std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

RabbitServer::RabbitServer(std::chrono::seconds startup_timeout)
    : startup_timeout_(startup_timeout) {
  const char* script = std::getenv("SMARTTICKET_RABBITMQ_SERVER");
  script_ = script && *script ? script : kDefaultScript;
  if (::access(script_.c_str(), X_OK) != 0)
    throw std::runtime_error(
        "RabbitMQ is not installed: " + script_ +
        " is missing. These tests need a real broker: run scripts/setup (it installs Debian's "
        "rabbitmq-server) or `apt-get install -y rabbitmq-server`.");
  std::string templ = (fs::temp_directory_path() / "st-rabbitmq-XXXXXX").string();
  if (!::mkdtemp(templ.data()))
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  dir_ = templ;
  fs::create_directories(fs::path(dir_) / "home");
  // No plugins (the management UI is of no use to a test and slows the start).
  std::ofstream(fs::path(dir_) / "enabled_plugins") << "[].\n";
  static int counter = 0;
  node_ = "st-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "@localhost";
  amqp_port_ = free_loopback_port();
  dist_port_ = free_loopback_port();
  epmd_port_ = free_loopback_port();
  try {
    start_epmd();
    start();
  } catch (...) {
    if (running()) kill();
    stop_epmd();
    // Keep the directory: its logs say why.
    throw;
  }
}

RabbitServer::~RabbitServer() {
  if (running()) stop();
  stop_epmd();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string RabbitServer::url() const {
  return "amqp://guest:guest@127.0.0.1:" + std::to_string(amqp_port_) + "/";
}

void RabbitServer::start() {
  if (running()) return;
  spawn();
  wait_until_ready();
}

void RabbitServer::spawn() {
  const fs::path d(dir_);
  std::vector<std::string> env = broker_environment({
      "HOME=" + (d / "home").string(),  // where the Erlang cookie is created
      "RABBITMQ_NODENAME=" + node_,
      "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
      "RABBITMQ_NODE_PORT=" + std::to_string(amqp_port_),
      "RABBITMQ_DIST_PORT=" + std::to_string(dist_port_),
      "RABBITMQ_MNESIA_BASE=" + (d / "mnesia").string(),
      "RABBITMQ_LOG_BASE=" + (d / "log").string(),
      "RABBITMQ_ENABLED_PLUGINS_FILE=" + (d / "enabled_plugins").string(),
      "RABBITMQ_CONFIG_FILE=" + (d / "rabbitmq").string(),  // absent: defaults
      "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
      "ERL_EPMD_PORT=" + std::to_string(epmd_port_),
      "ERL_EPMD_ADDRESS=127.0.0.1",
  });
  std::vector<std::string> args{script_};
  auto argv = pointers(args);
  auto envp = pointers(env);
  pid_ = spawn_process(argv, envp, (d / "broker.out").string());
}

void RabbitServer::wait_until_ready() {
  const auto address = adapters::rabbitmq::BrokerAddress::parse(url());
  const auto deadline = std::chrono::steady_clock::now() + startup_timeout_;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("rabbitmq-server exited while starting (status " +
                               std::to_string(status) + "); its log:\n" + log_tail());
    }
    try {
      adapters::rabbitmq::AmqpConnection probe(address, {1000ms, 0}, "readiness probe");
      return;
    } catch (const std::exception& ex) {
      last_error = ex.what();
    }
    std::this_thread::sleep_for(250ms);
  }
  throw std::runtime_error("rabbitmq-server did not accept a login within " +
                           std::to_string(startup_timeout_.count()) + " s (" + last_error +
                           "); its log:\n" + log_tail());
}

void RabbitServer::reap(std::chrono::milliseconds grace) {
  reap_within(pid_, grace);
  // Whatever of the group outlived the script (the VM if the script was killed first).
  ::kill(-pid_, SIGKILL);
  pid_ = -1;
  paused_ = false;
}

void RabbitServer::pause() {
  if (!running() || paused_) return;
  ::kill(-pid_, SIGSTOP);
  paused_ = true;
}

void RabbitServer::resume() {
  if (!running() || !paused_) return;
  ::kill(-pid_, SIGCONT);
  paused_ = false;
}

void RabbitServer::stop(std::chrono::seconds grace) {
  if (!running()) return;
  resume();  // a stopped process cannot act on SIGTERM
  // The script turns SIGTERM into an orderly broker shutdown and waits for it.
  ::kill(pid_, SIGTERM);
  reap(grace);
}

void RabbitServer::kill() {
  if (!running()) return;
  ::kill(-pid_, SIGKILL);
  reap(5s);
}

void RabbitServer::start_epmd() {
  // The VM would otherwise start a daemonized epmd that outlives the test and that nobody
  // reaps; one of our own, as a child, is stopped and reaped like the broker.
  std::vector<std::string> args{kEpmd, "-port", std::to_string(epmd_port_), "-address",
                                "127.0.0.1"};
  std::vector<std::string> env = broker_environment({});
  auto argv = pointers(args);
  auto envp = pointers(env);
  epmd_pid_ = spawn_process(argv, envp, (fs::path(dir_) / "epmd.out").string());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!accepts_connections(epmd_port_)) {
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("epmd did not listen on port " + std::to_string(epmd_port_));
    std::this_thread::sleep_for(20ms);
  }
}

void RabbitServer::stop_epmd() {
  if (epmd_pid_ <= 0) return;
  ::kill(epmd_pid_, SIGTERM);
  reap_within(epmd_pid_, 5s);
  epmd_pid_ = -1;
}

std::string RabbitServer::log_tail(std::size_t max_bytes) const {
  std::string out = tail_of(fs::path(dir_) / "broker.out", max_bytes);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "log", ec))
    if (e.path().extension() == ".log")
      out += "\n--- " + e.path().filename().string() + "\n" + tail_of(e.path(), max_bytes);
  return out;
}

namespace {
std::unique_ptr<RabbitServer>& shared_slot() {
  static std::unique_ptr<RabbitServer> server;
  return server;
}
}  // namespace

RabbitServer& shared_rabbit_server() {
  // A broker that failed to start fails every later test at once, not after another wait.
  static std::string failure;
  auto& slot = shared_slot();
  if (!failure.empty()) throw std::runtime_error(failure);
  if (!slot) {
    try {
      slot = std::make_unique<RabbitServer>();
    } catch (const std::exception& ex) {
      failure = ex.what();
      throw;
    }
  }
  return *slot;
}

void stop_shared_rabbit_server() {
  shared_slot().reset();
}

}  // namespace st::test_support
