#include "adapters/curl/curl_webhook_transport.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace st::adapters::curl {
namespace {

constexpr std::size_t kMaxResponseBytes = 64 * 1024;  // a receiver's answer is not read

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl could not be initialized");
  });
}

std::size_t discard_body(char*, std::size_t size, std::size_t count, void* user) {
  auto* seen = static_cast<std::size_t*>(user);
  *seen += size * count;
  return *seen > kMaxResponseBytes ? 0 : size * count;
}

struct Easy {
  CURL* curl = curl_easy_init();
  ~Easy() {
    if (curl) curl_easy_cleanup(curl);
  }
};

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

struct ParsedTarget {
  std::string host;  // without IPv6 brackets
  long port = 0;
};

// The host and port libcurl will connect to, as libcurl itself parses the URL.
std::optional<ParsedTarget> target_of(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) return std::nullopt;
  ParsedTarget out;
  out.host = host;
  curl_free(host);
  if (curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    out.port = std::strtol(port, nullptr, 10);
    curl_free(port);
  }
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (out.port <= 0) return std::nullopt;
  return out;
}

}  // namespace

CurlWebhookTransport::CurlWebhookTransport() {
  global_init_once();
}

std::vector<std::string> CurlWebhookTransport::resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return {};
  std::vector<std::string> out;
  for (auto* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* where = nullptr;
    if (a->ai_family == AF_INET)
      where = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    else if (a->ai_family == AF_INET6)
      where = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    if (where && inet_ntop(a->ai_family, where, text, sizeof text))
      if (std::find(out.begin(), out.end(), text) == out.end()) out.emplace_back(text);
  }
  freeaddrinfo(found);
  return out;
}

ports::WebhookReply CurlWebhookTransport::post(const ports::WebhookPost& post,
                                               std::chrono::milliseconds timeout,
                                               const ports::AddressCheck& allowed) {
  ports::WebhookReply reply;
  const auto target = target_of(post.url);
  if (!target) {
    reply.error = "the url cannot be parsed";
    return reply;
  }
  const auto addresses = resolve(target->host);
  if (addresses.empty()) {
    reply.error = "the host " + target->host + " does not resolve";
    return reply;
  }
  for (const auto& a : addresses)
    if (auto refusal = allowed(a)) {
      reply.error = "refused: " + target->host + " resolves to " + *refusal;
      return reply;
    }
  // Pinned: libcurl connects to the address just checked, not to a fresh lookup's.
  const auto& address = addresses.front();
  const bool v6 = address.find(':') != std::string::npos;
  HeaderList pinned;
  pinned.add(target->host + ":" + std::to_string(target->port) + ":" +
             (v6 ? "[" + address + "]" : address));

  Easy easy;
  if (!easy.curl) {
    reply.error = "libcurl could not create a handle";
    return reply;
  }
  HeaderList headers;
  headers.add("Content-Type: application/json");
  headers.add("Expect:");  // no 100-continue round trip before the body
  for (const auto& [name, value] : post.headers) headers.add(name + ": " + value);

  std::size_t seen = 0;
  const long total_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  CURL* c = easy.curl;
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_RESOLVE, pinned.list);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "smartticket-webhooks/" SMARTTICKET_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &seen);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, total_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // no proxy from the environment

  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && status > 0)) {
    reply.status = static_cast<int>(status);
    return reply;
  }
  reply.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
  reply.error = std::string("the request failed: ") + curl_easy_strerror(rc);
  return reply;
}

}  // namespace st::adapters::curl
