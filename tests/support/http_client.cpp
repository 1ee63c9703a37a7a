// <utility> first: Boost 1.74's Asio headers use std::exchange without including it.
#include <utility>

#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace st::e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Runs the io_context until the pending operation (and its tcp_stream timer) completes.
void drive(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

tcp::endpoint endpoint_of(const std::string& host, std::uint16_t port) {
  // The suite only ever talks to loopback; "localhost" is accepted for convenience.
  const std::string addr = host == "localhost" ? "127.0.0.1" : host;
  return tcp::endpoint(net::ip::make_address(addr), port);
}

void connect_stream(net::io_context& ioc, beast::tcp_stream& stream, const std::string& host,
                    std::uint16_t port, std::chrono::milliseconds timeout) {
  beast::error_code ec;
  stream.expires_after(timeout);
  stream.async_connect(endpoint_of(host, port), [&](beast::error_code e) { ec = e; });
  drive(ioc);
  if (ec) {
    throw std::runtime_error("connect to " + host + ":" + std::to_string(port) +
                             " failed: " + ec.message());
  }
  stream.socket().set_option(tcp::no_delay(true));
}

Response to_response(http::response<http::string_body>&& msg) {
  Response r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  auto parsed = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    r.json = std::move(parsed);
    r.is_json = true;
  }
  return r;
}

}  // namespace

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

bool Response::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& kv) { return iequals(kv.first, name); });
}

std::string Response::describe() const {
  constexpr std::size_t kMaxBody = 600;
  std::string b = body.size() > kMaxBody ? body.substr(0, kMaxBody) + "...(truncated)" : body;
  return "status " + std::to_string(status) + ", content-type '" + header("Content-Type") +
         "', body: " + b;
}

// ---------------------------------------------------------------------------------------------
// HttpClient

struct HttpClient::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout;
  bool connected = false;
  int connects = 0;

  void reset() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    buffer.clear();
    connected = false;
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (impl_ && impl_->connected) impl_->reset();
}

int HttpClient::connections_opened() const {
  return impl_->connects;
}

Response HttpClient::request(std::string_view method, std::string_view target,
                             std::optional<std::string> body, const Headers& headers) {
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, "smartticket-e2e");
  for (const auto& [name, value] : headers) req.insert(name, value);
  // Defaults (the suite's API key) unless the test sent that header itself.
  for (const auto& [name, value] : default_headers_)
    if (req.find(name) == req.end()) req.insert(name, value);
  if (body) {
    req.body() = std::move(*body);
    req.prepare_payload();
  }

  auto& im = *impl_;
  // A keep-alive connection may have been closed by the server while idle; in that case (and
  // only when nothing of the response arrived) the request is sent once more on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = im.connected;
    if (!im.connected) {
      connect_stream(im.ioc, im.stream, host_, port_, im.timeout);
      im.connected = true;
      ++im.connects;
      im.buffer.clear();
    }

    beast::error_code ec;
    im.stream.expires_after(im.timeout);
    http::async_write(im.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    drive(im.ioc);
    if (ec) {
      im.reset();
      if (reused && attempt == 0) continue;
      throw std::runtime_error(std::string(method) + " " + std::string(target) +
                               ": write failed: " + ec.message());
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (req.method() == http::verb::head) parser.skip(true);
    im.stream.expires_after(im.timeout);
    http::async_read(im.stream, im.buffer, parser,
                     [&](beast::error_code e, std::size_t) { ec = e; });
    drive(im.ioc);
    if (ec) {
      const bool nothing_received = !parser.got_some();
      im.reset();
      if (reused && attempt == 0 && nothing_received && ec != beast::error::timeout) continue;
      throw std::runtime_error(std::string(method) + " " + std::string(target) +
                               ": reading the response failed: " + ec.message());
    }
    auto msg = parser.release();
    if (!msg.keep_alive()) im.reset();
    return to_response(std::move(msg));
  }
  throw std::runtime_error("unreachable: request retry loop exhausted");
}

Response HttpClient::get(std::string_view target, const Headers& headers) {
  return request("GET", target, std::nullopt, headers);
}

Response HttpClient::post_json(std::string_view target, const nlohmann::json& body,
                               const Headers& headers) {
  Headers h = headers;
  h.emplace_back("Content-Type", "application/json");
  return request("POST", target, body.dump(), h);
}

Response HttpClient::put_json(std::string_view target, const nlohmann::json& body,
                              const Headers& headers) {
  Headers h = headers;
  h.emplace_back("Content-Type", "application/json");
  return request("PUT", target, body.dump(), h);
}

// ---------------------------------------------------------------------------------------------
// Raw socket exchange: plain POSIX sockets, so nothing validates or rewrites the bytes.

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

// True once `data` holds one complete response (head plus Content-Length or chunked body).
bool response_complete(const std::string& data, std::string* body_out) {
  const auto head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string head = lower(std::string_view(data).substr(0, head_end));
  const std::size_t body_start = head_end + 4;
  if (const auto pos = head.find("\r\ncontent-length:"); pos != std::string::npos) {
    const std::size_t len = std::strtoull(head.c_str() + pos + 17, nullptr, 10);
    if (data.size() - body_start < len) return false;
    *body_out = data.substr(body_start, len);
    return true;
  }
  if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    // Decode chunks until the terminating zero-size chunk.
    std::string body;
    std::size_t p = body_start;
    while (true) {
      const auto eol = data.find("\r\n", p);
      if (eol == std::string::npos) return false;
      const std::size_t size = std::strtoull(data.c_str() + p, nullptr, 16);
      if (size == 0) {
        *body_out = body;
        return data.find("\r\n", eol + 2) != std::string::npos;
      }
      if (data.size() < eol + 2 + size + 2) return false;
      body.append(data, eol + 2, size);
      p = eol + 2 + size + 2;
    }
  }
  return false;  // close-delimited: only the peer's FIN completes it
}

}  // namespace

RawResult raw_exchange(const std::string& host, std::uint16_t port, std::string_view bytes,
                       std::chrono::milliseconds timeout, bool until_close) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  const std::string ip = host == "localhost" ? "127.0.0.1" : host;
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    throw std::runtime_error("raw_exchange: not an IPv4 address: " + host);
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error(std::string("raw_exchange: connect: ") + std::strerror(errno));
  }

  RawResult result;
  std::size_t sent = 0;
  bool can_write = true;
  char buf[16384];
  // Interleave writing and reading: a server may answer (413) while the body is still going.
  while (remaining_ms(deadline) > 0) {
    pollfd p{fd.get(),
             static_cast<short>(POLLIN | (can_write && sent < bytes.size() ? POLLOUT : 0)), 0};
    const int n = ::poll(&p, 1, std::min(remaining_ms(deadline), 100));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if ((p.revents & POLLOUT) != 0) {
      const ssize_t w =
          ::send(fd.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        sent += static_cast<std::size_t>(w);
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        can_write = false;  // the peer stopped reading; whatever it answered is still readable
      }
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t r = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (r > 0) {
        result.data.append(buf, static_cast<std::size_t>(r));
        if (!until_close && response_complete(result.data, &result.body)) break;
      } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        result.peer_closed = true;
        break;
      }
    }
  }
  if (result.data.rfind("HTTP/1.", 0) == 0 && result.data.size() >= 12) {
    result.status = std::atoi(result.data.c_str() + 9);
    if (result.body.empty() && !response_complete(result.data, &result.body)) {
      const auto head_end = result.data.find("\r\n\r\n");
      if (head_end != std::string::npos) result.body = result.data.substr(head_end + 4);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// SseStream

struct SseStream::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  std::size_t consumed = 0;  // bytes of the body already split into lines
  std::string data;          // data of the event being assembled
  bool have_data = false;
  bool ended = false;
};

SseStream::SseStream(const std::string& host, std::uint16_t port, std::string_view target,
                     std::chrono::milliseconds head_timeout, const Headers& headers)
    : impl_(std::make_unique<Impl>()) {
  auto& im = *impl_;
  connect_stream(im.ioc, im.stream, host, port, head_timeout);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host + ":" + std::to_string(port));
  req.set(http::field::accept, "text/event-stream");
  req.set(http::field::cache_control, "no-cache");
  for (const auto& [name, value] : headers) req.insert(name, value);
  beast::error_code ec;
  im.stream.expires_after(head_timeout);
  http::async_write(im.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  drive(im.ioc);
  if (ec) throw std::runtime_error("SSE request write failed: " + ec.message());
  im.parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  im.stream.expires_after(head_timeout);
  http::async_read_header(im.stream, im.buffer, im.parser,
                          [&](beast::error_code e, std::size_t) { ec = e; });
  drive(im.ioc);
  if (ec) throw std::runtime_error("SSE response head not received: " + ec.message());
  im.parser.eager(true);
}

SseStream::~SseStream() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->stream.socket().close(ignored);
}

int SseStream::status() const {
  return static_cast<int>(impl_->parser.get().result_int());
}

std::string SseStream::header(std::string_view name) const {
  const auto& msg = impl_->parser.get();
  const auto it = msg.find(name);
  return it == msg.end() ? std::string() : std::string(it->value());
}

std::optional<std::string> SseStream::next_data(std::chrono::steady_clock::time_point deadline) {
  auto& im = *impl_;
  while (true) {
    auto& body = im.parser.get().body();
    std::size_t nl;
    while ((nl = body.find('\n', im.consumed)) != std::string::npos) {
      std::string line = body.substr(im.consumed, nl - im.consumed);
      im.consumed = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {  // a blank line dispatches the event
        if (im.have_data) {
          im.have_data = false;
          return std::exchange(im.data, std::string());
        }
        continue;
      }
      if (line.rfind("data:", 0) == 0) {
        std::string value = line.substr(5);
        if (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (im.have_data) im.data += '\n';
        im.data += value;
        im.have_data = true;
      }
      // Other fields (event:, id:, retry:) and ":" comments (keep-alives) are not needed here.
    }
    if (im.ended || im.parser.is_done()) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    beast::error_code ec;
    im.stream.expires_at(deadline);
    http::async_read_some(im.stream, im.buffer, im.parser,
                          [&](beast::error_code e, std::size_t) { ec = e; });
    drive(im.ioc);
    if (ec) {
      // A timeout closes the stream (tcp_stream semantics); either way no more data comes.
      im.ended = true;
      if (ec == beast::error::timeout) return std::nullopt;
    }
  }
}

}  // namespace st::e2e
