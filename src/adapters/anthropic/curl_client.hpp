#pragma once
// POST {base_url}/v1/messages over libcurl (HTTPS in production, plain HTTP to a local fake
// in tests). Each call takes an easy handle from a small pool, so connections (and TLS
// sessions) are reused across tickets instead of paying a handshake per call.
// Thread-safe. The API key goes into a request header only; no message this class
// produces contains it.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace st::adapters::anthropic {

struct HttpReply {
  long status = 0;
  std::string body;
  std::optional<std::string> retry_after;  // the Retry-After header, if sent
  std::string request_id;                  // the request-id header, for support tickets
};

struct TransportFailure {
  bool timed_out = false;  // connect or total timeout; otherwise a connection error
  std::string message;
};

struct CurlClientOptions {
  std::string base_url = "https://api.anthropic.com";
  std::string api_key;
  std::chrono::milliseconds connect_timeout{1000};
  std::size_t max_response_bytes = 1 << 20;
};

class CurlClient {
 public:
  explicit CurlClient(CurlClientOptions options);
  ~CurlClient();
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  // One POST of `body` (JSON) with the Messages API headers, bounded by `timeout` in total.
  std::variant<HttpReply, TransportFailure> post_messages(const std::string& body,
                                                          std::chrono::milliseconds timeout);

  const std::string& url() const { return url_; }

 private:
  struct Handle;
  std::unique_ptr<Handle> take_handle();
  void give_back(std::unique_ptr<Handle> handle);

  CurlClientOptions options_;
  std::string url_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Handle>> pool_;
};

}  // namespace st::adapters::anthropic
