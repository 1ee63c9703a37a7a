#pragma once
// A stand-in for the Anthropic Messages API, for tests: an HTTP/1.1 server on 127.0.0.1
// (port chosen by the OS) that checks requests the way the real API does (x-api-key,
// anthropic-version, content-type, the body's shape, tool_choice naming a declared tool)
// and answers in the real API's shapes: a tool_use message, a text message, or one of its
// JSON errors. Tests switch what it answers, can script the next few answers, read back
// every request it received, and stop and restart it on the same port (an outage).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace st::fakes {

enum class AnthropicMode {
  tool_use,            // 200, a tool_use block calling the forced tool
  text,                // 200, text only: "Department: X\nConfidence: N"
  rate_limited,        // 429 rate_limit_error with retry-after
  overloaded,          // 529 overloaded_error
  server_error,        // 500 api_error
  slow,                // a tool_use answer after slow_delay (longer than client timeouts)
  malformed_json,      // 200 with a truncated JSON body
  unknown_department,  // 200, a tool_use naming a department not in the enum
  unauthorized,        // 401 authentication_error, whatever key is sent
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  nlohmann::json json;  // parsed body (null if it was not JSON)
  int status = 0;       // what the fake answered

  std::string header(const std::string& lower_name) const;
};

class FakeAnthropic {
 public:
  struct Options {
    std::string api_key = "sk-ant-test-0000";
    std::string retry_after = "1";  // seconds, sent with 429
    std::chrono::milliseconds slow_delay{3000};
    // The department a tool_use/text answer names; empty: the first one of the enum.
    std::string department;
    int confidence = 88;
    // The priority a tool_use answer names; empty: the answer has none (an older model).
    std::string priority;
    // Runners-up a tool_use answer names ("alternatives": [{department, confidence}]);
    // empty: the answer has none.
    std::vector<std::pair<std::string, int>> alternatives;
  };

  FakeAnthropic();
  explicit FakeAnthropic(Options options);
  ~FakeAnthropic();
  FakeAnthropic(const FakeAnthropic&) = delete;
  FakeAnthropic& operator=(const FakeAnthropic&) = delete;

  std::uint16_t port() const;
  // http://127.0.0.1:PORT (what ANTHROPIC_BASE_URL is set to).
  std::string base_url() const;

  // What every following request gets (until the next set_mode).
  void set_mode(AnthropicMode mode);
  // The next requests get these, one each, before the mode applies again.
  void script(std::vector<AnthropicMode> next);
  void set_department(std::string department, int confidence);
  void set_priority(std::string priority);
  void set_alternatives(std::vector<std::pair<std::string, int>> alternatives);

  // An outage: stop listening and drop every connection. restart() listens on the same port.
  void stop();
  void restart();

  // Most requests it was answering at the same time, since start or clear_requests().
  int peak_concurrency() const { return peak_.load(); }

  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const;
  void clear_requests();

  const Options& options() const { return options_; }

  struct Runtime;

 private:
  friend struct Runtime;
  struct Reply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0};
  };
  Reply answer(ReceivedRequest& request);
  Reply validate(const ReceivedRequest& request) const;
  void start_on(std::uint16_t port);

  Options options_;
  mutable std::mutex mutex_;
  AnthropicMode mode_ = AnthropicMode::tool_use;
  std::deque<AnthropicMode> script_;
  std::vector<ReceivedRequest> requests_;
  std::uint64_t sequence_ = 0;
  std::uint16_t port_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<int> peak_{0};
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace st::fakes
