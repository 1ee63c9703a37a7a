#pragma once
// Synchronous HTTP/1.1 clients for the end-to-end suite. They talk to 127.0.0.1 only and every
// operation is bounded by a deadline, so a hung server fails a test instead of hanging the run.
// Boost stays out of this header (pimpl) to keep the test files quick to compile.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace st::e2e {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // Parsed body when it is valid JSON (whatever the content type says); null otherwise.
  nlohmann::json json;
  bool is_json = false;

  // Header lookup is case-insensitive, as in HTTP; an absent header gives "".
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // "status 400, content-type ..., body ..." for assertion messages (body truncated).
  std::string describe() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any method (even a made-up one), any headers, any body bytes. No header is added except
  // Host, Content-Length (when a body is given) and User-Agent, so malformed input can be sent.
  // Throws std::runtime_error on connection errors or timeouts.
  Response request(std::string_view method, std::string_view target,
                   std::optional<std::string> body = std::nullopt, const Headers& headers = {});

  Response get(std::string_view target, const Headers& headers = {});
  // Serializes `body` and sends it with Content-Type: application/json.
  Response post_json(std::string_view target, const nlohmann::json& body,
                     const Headers& headers = {});
  Response put_json(std::string_view target, const nlohmann::json& body,
                    const Headers& headers = {});

  // Headers added to every request that does not carry that header already, e.g. the
  // suite's `Authorization: Bearer <key>`.
  void set_default_headers(Headers headers) { default_headers_ = std::move(headers); }
  void clear_default_headers() { default_headers_.clear(); }

  // How many TCP connections this client has opened so far (keep-alive checks).
  int connections_opened() const;
  void close();

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 private:
  struct Impl;
  std::string host_;
  std::uint16_t port_;
  Headers default_headers_;
  std::unique_ptr<Impl> impl_;
};

// What came back on a raw socket: the bytes, and the status/body if they form a response.
struct RawResult {
  std::string data;
  int status = -1;  // -1 when no status line was received
  std::string body;
  bool peer_closed = false;
};

// Sends `bytes` verbatim on a fresh connection and reads one response (Content-Length or
// chunked framing) or until the peer closes or the timeout passes. Write errors are tolerated:
// a server may answer and close before it has read everything (e.g. a 413). With
// `until_close`, reading goes on until the peer closes (several pipelined responses).
RawResult raw_exchange(const std::string& host, std::uint16_t port, std::string_view bytes,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       bool until_close = false);

// A Server-Sent Events subscription. The constructor connects, sends the GET and reads the
// response head (bounded); next_data() then yields the `data:` payload of each event.
class SseStream {
 public:
  SseStream(const std::string& host, std::uint16_t port, std::string_view target,
            std::chrono::milliseconds head_timeout = std::chrono::seconds(10),
            const Headers& headers = {});
  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  int status() const;
  std::string header(std::string_view name) const;
  // The next event's data (multi-line data joined with '\n'), or nullopt once the deadline
  // passes or the stream ends.
  std::optional<std::string> next_data(std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace st::e2e
