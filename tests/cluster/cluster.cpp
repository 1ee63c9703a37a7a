#include "cluster/cluster.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace st::cluster {

namespace {
std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
std::string source_dir() {
  return env_or("SMARTTICKET_SOURCE_DIR", ".");
}
}  // namespace

std::string dir() {
  return env_or("SMARTTICKET_CLUSTER_DIR", "./data/cluster");
}

std::uint16_t gateway_port() {
  return static_cast<std::uint16_t>(std::stoi(env_or("SMARTTICKET_CLUSTER_PORT", "5000")));
}

std::uint16_t amqp_port() {
  return static_cast<std::uint16_t>(std::stoi(env_or("SMARTTICKET_AMQP_PORT", "5672")));
}

std::uint16_t service_port(const std::string& name) {
  const int base = gateway_port();
  if (name == "tickets") return static_cast<std::uint16_t>(base + 1);
  if (name == "categorizer") return static_cast<std::uint16_t>(base + 2);
  if (name == "routing") return static_cast<std::uint16_t>(base + 3);
  if (name == "analytics") return static_cast<std::uint16_t>(base + 4);
  if (name.starts_with("categorizer-"))
    return static_cast<std::uint16_t>(base + 20 + std::stoi(name.substr(12)));
  if (name.starts_with("routing-"))
    return static_cast<std::uint16_t>(base + 30 + std::stoi(name.substr(8)));
  return static_cast<std::uint16_t>(base);
}

pid_t pid_of(const std::string& component) {
  std::ifstream in(dir() + "/pids/" + component + ".pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) throw std::runtime_error("no pid recorded for " + component);
  return static_cast<pid_t>(pid);
}

bool script(const std::string& args, std::chrono::seconds timeout) {
  const std::string cmd = "timeout " + std::to_string(timeout.count()) + " " + source_dir() +
                          "/scripts/cluster " + args + " >>" + dir() + "/test-script.log 2>&1";
  return std::system(cmd.c_str()) == 0;
}

namespace {
// Running, as opposed to gone or a zombie nobody has reaped yet (in a container the
// process that would reap it may not exist).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) return false;
  return state != "Z" && state != "X";
}
}  // namespace

void kill_hard(const std::string& component) {
  const pid_t pid = pid_of(component);
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 500 && running(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace st::cluster
