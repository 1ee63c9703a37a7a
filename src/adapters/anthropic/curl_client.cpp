#include "adapters/anthropic/curl_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include "adapters/anthropic/messages_protocol.hpp"

namespace st::adapters::anthropic {

namespace {

// Idle handles kept for reuse; more callers than this simply create a handle.
constexpr std::size_t kMaxPooledHandles = 16;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl could not be initialized");
  });
}

struct Collected {
  std::string body;
  std::size_t max_bytes = 0;
  std::optional<std::string> retry_after;
  std::string request_id;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* c = static_cast<Collected*>(user);
  const std::size_t n = size * count;
  if (c->body.size() + n > c->max_bytes) return 0;  // too big: curl aborts the transfer
  c->body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* c = static_cast<Collected*>(user);
  const std::string_view line(data, size * count);
  if (header_is(line, "retry-after"))
    c->retry_after = std::string(trim(line.substr(std::string_view("retry-after:").size())));
  else if (header_is(line, "request-id"))
    c->request_id = std::string(trim(line.substr(std::string_view("request-id:").size())));
  return size * count;
}

}  // namespace

struct CurlClient::Handle {
  CURL* curl = nullptr;
  Handle() : curl(curl_easy_init()) {
    if (!curl) throw std::runtime_error("libcurl could not create a handle");
  }
  ~Handle() { curl_easy_cleanup(curl); }
};

CurlClient::CurlClient(CurlClientOptions options) : options_(std::move(options)) {
  global_init_once();
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  url_ = base + std::string(kMessagesPath);
}

CurlClient::~CurlClient() = default;

std::unique_ptr<CurlClient::Handle> CurlClient::take_handle() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      auto h = std::move(pool_.back());
      pool_.pop_back();
      return h;
    }
  }
  return std::make_unique<Handle>();
}

void CurlClient::give_back(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < kMaxPooledHandles) pool_.push_back(std::move(handle));
}

std::variant<HttpReply, TransportFailure> CurlClient::post_messages(
    const std::string& body, std::chrono::milliseconds timeout) {
  auto handle = take_handle();
  CURL* curl = handle->curl;
  // reset keeps the handle's connection cache and TLS session, drops the options.
  curl_easy_reset(curl);

  struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
  } headers;
  const std::string key_header = "x-api-key: " + options_.api_key;
  const std::string version_header = "anthropic-version: " + std::string(kApiVersion);
  for (const std::string* h : {&key_header, &version_header}) {
    headers.list = curl_slist_append(headers.list, h->c_str());
  }
  headers.list = curl_slist_append(headers.list, "content-type: application/json");
  headers.list = curl_slist_append(headers.list, "accept: application/json");
  // No "Expect: 100-continue" round trip before the body.
  headers.list = curl_slist_append(headers.list, "Expect:");

  Collected collected;
  collected.max_bytes = options_.max_response_bytes;
  const auto total_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  const auto connect_ms =
      std::clamp<long>(static_cast<long>(options_.connect_timeout.count()), 1, total_ms);

  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "smartticket/" SMARTTICKET_VERSION);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collected);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &collected);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
  // Worker threads: no signals for DNS timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);

  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // Drop the pointers to this call's locals before the handle is reused.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  give_back(std::move(handle));

  if (rc != CURLE_OK) {
    TransportFailure f;
    f.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    f.message = std::string("request to ") + url_ + " failed: " + curl_easy_strerror(rc);
    if (rc == CURLE_WRITE_ERROR) f.message += " (response larger than allowed)";
    return f;
  }
  return HttpReply{status, std::move(collected.body), std::move(collected.retry_after),
                   std::move(collected.request_id)};
}

}  // namespace st::adapters::anthropic
