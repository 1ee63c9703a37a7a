#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/http_client.hpp"

namespace st::e2e {

namespace {

constexpr auto kPortLineTimeout = std::chrono::seconds(20);
constexpr auto kReadyTimeout = std::chrono::seconds(20);
constexpr auto kReaderDrainTimeout = std::chrono::seconds(3);

ExitStatus decode(int wstatus) {
  ExitStatus s;
  if (WIFEXITED(wstatus)) {
    s.exited = true;
    s.code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  }
  return s;
}

}  // namespace

std::string ExitStatus::describe() const {
  std::string out = exited ? "exited with code " + std::to_string(code)
                           : "killed by signal " + std::to_string(signal) + " (" +
                                 (signal > 0 ? std::string(strsignal(signal)) : "?") + ")";
  if (killed_after_timeout) out += " after ignoring the stop signal until the grace period ended";
  return out;
}

std::string ServerProcess::binary_path() {
  const char* bin = std::getenv("SMARTTICKET_BIN");
  if (bin == nullptr || *bin == '\0') {
    throw std::runtime_error(
        "SMARTTICKET_BIN is not set: point it at the built smartticket binary "
        "(ctest sets it), or set SMARTTICKET_E2E_URL to test a running deployment");
  }
  return bin;
}

ServerProcess::ServerProcess() {
  char tmpl[] = "/tmp/smartticket-e2e-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
  }
  data_dir_ = tmpl;
}

ServerProcess::~ServerProcess() {
  if (running()) stop();
  // Only here can a per-test server still show its log, so print it when the test failed.
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- smartticket output (data dir " << data_dir_ << ") ----\n"
              << output_tail(0, 16384) << "\n---- end of smartticket output ----\n";
  }
  std::error_code ignored;
  std::filesystem::remove_all(data_dir_, ignored);
}

void ServerProcess::start(const std::vector<std::string>& extra_args) {
  if (running()) throw std::runtime_error("ServerProcess::start: already running");
  const std::string bin = binary_path();

  // argv is built before fork: between fork and exec only async-signal-safe calls are allowed.
  // Access control stays on (the default). The suite's admin key is not rate-limited, since
  // a test may send thousands of requests in a minute, and neither are calls without a key:
  // every test's anonymous calls come from 127.0.0.1 and would share one budget. Tests of
  // those limits set them again (a later flag wins).
  std::vector<std::string> args{bin,
                                "serve",
                                "--target=all",
                                "--port=0",
                                "--data-dir=" + data_dir_,
                                "--rate-limit-admin=0",
                                "--rate-limit-anonymous=0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2 failed: ") + std::strerror(errno));
  }
  {
    // Mark restarts in the log so a dump shows which run printed what.
    std::lock_guard lock(mu_);
    if (!output_.empty()) output_ += "\n---- harness: process started again ----\n";
  }
  const std::size_t run_offset = output_size();

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: the server must not outlive a crashed or killed test runner.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::execv(argv[0], argv.data());
    static const char kMsg[] = "e2e harness: execv of SMARTTICKET_BIN failed\n";
    [[maybe_unused]] auto w = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  port_ = 0;
  read_fd_ = fds[0];
  reader_eof_ = false;
  stop_reader_ = false;
  reader_ = std::thread([this, fd = fds[0]] { reader_loop(fd); });

  // 1. The port line.
  static const std::regex kPortLine(R"(listening on http://127\.0\.0\.1:(\d+))");
  {
    std::unique_lock lock(mu_);
    std::smatch m;
    const bool seen = cv_.wait_for(lock, kPortLineTimeout, [&] {
      const std::string fresh = output_.substr(run_offset);
      if (std::regex_search(fresh, m, kPortLine)) {
        port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
        return true;
      }
      return reader_eof_;
    });
    if (!seen || port_ == 0) {
      lock.unlock();
      const ExitStatus st = signal_and_wait(SIGKILL, std::chrono::seconds(5));
      throw std::runtime_error(
          std::string("smartticket did not print 'listening on http://127.0.0.1:PORT' ") +
          (seen ? "before its output ended" : "within 20 s") + "; process " + st.describe() +
          "\n---- output ----\n" + output_tail(run_offset));
    }
  }

  // 2. Readiness: /api/health answers 200.
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      join_reader();
      throw std::runtime_error("smartticket exited during startup: " + decode(wstatus).describe() +
                               "\n---- output ----\n" + output_tail(run_offset));
    }
    try {
      HttpClient probe("127.0.0.1", port_, std::chrono::seconds(2));
      const Response r = probe.get("/api/health");
      if (r.status == 200) return;
      last = r.describe();
    } catch (const std::exception& e) {
      last = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const ExitStatus st = signal_and_wait(SIGKILL, std::chrono::seconds(5));
  throw std::runtime_error("smartticket on port " + std::to_string(port_) +
                           " never answered GET /api/health with 200 (last: " + last +
                           "); process " + st.describe() + "\n---- output ----\n" +
                           output_tail(run_offset));
}

ExitStatus ServerProcess::stop(std::chrono::milliseconds grace) {
  return signal_and_wait(SIGTERM, grace);
}

ExitStatus ServerProcess::interrupt(std::chrono::milliseconds grace) {
  return signal_and_wait(SIGINT, grace);
}

ExitStatus ServerProcess::kill9() {
  return signal_and_wait(SIGKILL, std::chrono::seconds(10));
}

ExitStatus ServerProcess::restart(const std::vector<std::string>& extra_args) {
  ExitStatus st;
  if (running()) st = stop();
  start(extra_args);
  return st;
}

ExitStatus ServerProcess::signal_and_wait(int sig, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return {};
  ::kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int wstatus = 0;
  bool reaped = false;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      reaped = r == pid_;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ExitStatus st;
  if (!reaped) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
    }
    st = decode(wstatus);
    st.killed_after_timeout = sig != SIGKILL;
  } else {
    st = decode(wstatus);
  }
  pid_ = -1;
  join_reader();
  return st;
}

void ServerProcess::reader_loop(int fd) {
  char buf[4096];
  while (!stop_reader_) {
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, 100);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r > 0) {
      std::lock_guard lock(mu_);
      output_.append(buf, static_cast<std::size_t>(r));
      cv_.notify_all();
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fd);
  std::lock_guard lock(mu_);
  reader_eof_ = true;
  cv_.notify_all();
}

void ServerProcess::join_reader() {
  if (!reader_.joinable()) return;
  {
    // Let the reader drain what the process wrote before it exited; a grandchild holding the
    // pipe open must not block us forever, hence the bound.
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kReaderDrainTimeout, [&] { return reader_eof_; });
  }
  stop_reader_ = true;
  reader_.join();
  read_fd_ = -1;
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

std::size_t ServerProcess::output_size() const {
  std::lock_guard lock(mu_);
  return output_.size();
}

std::string ServerProcess::output_tail(std::size_t from, std::size_t max_bytes) const {
  std::lock_guard lock(mu_);
  if (from >= output_.size()) return {};
  std::size_t start = from;
  if (output_.size() - start > max_bytes) start = output_.size() - max_bytes;
  return (start > from ? "...(earlier output omitted)...\n" : "") + output_.substr(start);
}

}  // namespace st::e2e
