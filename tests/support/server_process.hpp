#pragma once
// Runs the built `smartticket serve` binary as a child process for the end-to-end suite:
// a private data directory, a port picked by the OS (--port=0, read back from the server's
// "listening on http://127.0.0.1:PORT" line), graceful stop, kill -9 and restart on the same
// data. Every wait is bounded, so a broken server fails the test instead of hanging it.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace st::e2e {

// How the child ended.
struct ExitStatus {
  bool exited = false;                // returned from main / called exit
  int code = -1;                      // exit code when exited
  int signal = 0;                     // terminating signal otherwise
  bool killed_after_timeout = false;  // it ignored SIGTERM and had to be SIGKILLed

  bool clean() const { return exited && code == 0 && !killed_after_timeout; }
  std::string describe() const;
};

class ServerProcess {
 public:
  // Creates a fresh data directory under /tmp (mkdtemp); the process is not started yet.
  ServerProcess();
  // Stops the process if it still runs (SIGTERM, then SIGKILL), prints its output when the
  // current test has failed, and removes the data directory.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `serve --target=all --port=0 --data-dir=DIR` plus `extra_args`, waits (bounded) for
  // the port line and for GET /api/health to answer 200. Throws std::runtime_error (with the
  // server's output) when that does not happen.
  void start(const std::vector<std::string>& extra_args = {});
  // SIGTERM and wait up to `grace`; SIGKILL after that (reported in the ExitStatus).
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(20));
  // SIGINT instead of SIGTERM; same bounded wait.
  ExitStatus interrupt(std::chrono::milliseconds grace = std::chrono::seconds(20));
  // SIGKILL: the process gets no chance to clean up (crash simulation).
  ExitStatus kill9();
  // stop() (if running) then start() again on the same data directory.
  ExitStatus restart(const std::vector<std::string>& extra_args = {});

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  // Everything the server wrote to stdout/stderr so far, across restarts.
  std::string output() const;
  // The last `max_bytes` of output from byte offset `from` on.
  std::string output_tail(std::size_t from = 0, std::size_t max_bytes = 8192) const;
  std::size_t output_size() const;

  // SMARTTICKET_BIN, or an exception explaining that it must be set.
  static std::string binary_path();

 private:
  ExitStatus signal_and_wait(int sig, std::chrono::milliseconds grace);
  void reader_loop(int fd);
  void join_reader();

  std::string data_dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int read_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
  bool reader_eof_ = false;
  std::atomic<bool> stop_reader_{false};
};

}  // namespace st::e2e
