#include "fakes/anthropic/fake_anthropic.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <thread>

#include "http/beast.hpp"

namespace st::fakes {

namespace asio = http::asio;
namespace beast = http::beast;
namespace bhttp = http::bhttp;
using http::tcp;
using nlohmann::json;

// Note: arguments of co_await'ed calls are named locals (GCC 12 coroutine bug).

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

json error_body(const std::string& type, const std::string& message) {
  return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
}

}  // namespace

std::string ReceivedRequest::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return "";
}

struct FakeAnthropic::Runtime {
  explicit Runtime(FakeAnthropic& fake) : fake(fake), acceptor(ioc) {}

  void listen(std::uint16_t port) {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(ep.protocol());
    // A server process the test forks later must not inherit the listening socket: it
    // would keep the port bound (no restart) and swallow connections during an "outage".
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    asio::co_spawn(ioc, accept_loop(), asio::detached);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }

  ~Runtime() {
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
      asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      beast::error_code ec;
      co_await bhttp::async_read(stream, buffer, req,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ReceivedRequest received;
      received.method = std::string(req.method_string());
      received.target = std::string(req.target());
      for (const auto& field : req)
        received.headers.emplace_back(lower(std::string(field.name_string())),
                                      std::string(field.value()));
      received.body = req.body();
      received.json = json::parse(received.body, nullptr, false);
      if (received.json.is_discarded()) received.json = nullptr;
      const int now = ++fake.in_flight_;
      for (int peak = fake.peak_.load();
           now > peak && !fake.peak_.compare_exchange_weak(peak, now);) {
      }
      const Reply reply = fake.answer(received);
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, reply.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status),
                                              req.version()};
      res.set(bhttp::field::content_type, "application/json");
      for (const auto& [k, v] : reply.headers) res.set(k, v);
      res.keep_alive(req.keep_alive());
      res.body() = reply.body;
      res.prepare_payload();
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      --fake.in_flight_;
      if (ec || !req.keep_alive()) co_return;
    }
  }

  FakeAnthropic& fake;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
};

FakeAnthropic::FakeAnthropic() : FakeAnthropic(Options{}) {}

FakeAnthropic::FakeAnthropic(Options options) : options_(std::move(options)) {
  start_on(0);
}

FakeAnthropic::~FakeAnthropic() {
  stop();
}

void FakeAnthropic::start_on(std::uint16_t port) {
  auto rt = std::make_unique<Runtime>(*this);
  rt->listen(port);
  std::lock_guard lock(mutex_);
  port_ = rt->acceptor.local_endpoint().port();
  runtime_ = std::move(rt);
}

void FakeAnthropic::stop() {
  std::unique_ptr<Runtime> rt;
  {
    std::lock_guard lock(mutex_);
    rt = std::move(runtime_);
  }
  rt.reset();  // joins its threads outside the lock (sessions take it)
}

void FakeAnthropic::restart() {
  stop();
  start_on(port());
}

std::uint16_t FakeAnthropic::port() const {
  std::lock_guard lock(mutex_);
  return port_;
}

std::string FakeAnthropic::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeAnthropic::set_mode(AnthropicMode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
}

void FakeAnthropic::script(std::vector<AnthropicMode> next) {
  std::lock_guard lock(mutex_);
  script_.insert(script_.end(), next.begin(), next.end());
}

void FakeAnthropic::set_department(std::string department, int confidence) {
  std::lock_guard lock(mutex_);
  options_.department = std::move(department);
  options_.confidence = confidence;
}

void FakeAnthropic::set_priority(std::string priority) {
  std::lock_guard lock(mutex_);
  options_.priority = std::move(priority);
}

void FakeAnthropic::set_alternatives(std::vector<std::pair<std::string, int>> alternatives) {
  std::lock_guard lock(mutex_);
  options_.alternatives = std::move(alternatives);
}

std::vector<ReceivedRequest> FakeAnthropic::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeAnthropic::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void FakeAnthropic::clear_requests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
  peak_ = in_flight_.load();
}

// The checks the real API makes before it looks at the model's answer; an empty body
// means the request passed.
FakeAnthropic::Reply FakeAnthropic::validate(const ReceivedRequest& r) const {
  auto bad = [](int status, const std::string& type, const std::string& message) {
    return Reply{status, error_body(type, message).dump(), {}, {}};
  };
  if (r.target != "/v1/messages") return bad(404, "not_found_error", "Not found: " + r.target);
  if (r.method != "POST") return bad(405, "invalid_request_error", "Method not allowed");
  const auto key = r.header("x-api-key");
  if (key.empty()) return bad(401, "authentication_error", "x-api-key header is required");
  if (key != options_.api_key) return bad(401, "authentication_error", "invalid x-api-key");
  if (r.header("anthropic-version").empty())
    return bad(400, "invalid_request_error", "anthropic-version: header is required");
  if (r.header("anthropic-version") != "2023-06-01")
    return bad(400, "invalid_request_error", "anthropic-version: unknown version");
  if (r.header("content-type").rfind("application/json", 0) != 0)
    return bad(400, "invalid_request_error", "content-type must be application/json");
  const auto& j = r.json;
  if (!j.is_object())
    return bad(400, "invalid_request_error", "The request body is not valid JSON");
  if (!j.contains("model") || !j["model"].is_string())
    return bad(400, "invalid_request_error", "model: Field required");
  if (!j.contains("max_tokens") || !j["max_tokens"].is_number_integer() ||
      j["max_tokens"].get<int>() < 1)
    return bad(400, "invalid_request_error", "max_tokens: Field required");
  if (!j.contains("messages") || !j["messages"].is_array() || j["messages"].empty())
    return bad(400, "invalid_request_error", "messages: at least one message is required");
  for (const auto& m : j["messages"])
    if (!m.is_object() || !m.contains("role") || !m.contains("content") ||
        (m["role"] != "user" && m["role"] != "assistant"))
      return bad(400, "invalid_request_error", "messages: each needs a role and content");
  if (j["messages"].front()["role"] != "user")
    return bad(400, "invalid_request_error", "messages: the first message must use the user role");
  if (j.contains("system") && !j["system"].is_string() && !j["system"].is_array())
    return bad(400, "invalid_request_error", "system: Input should be a valid string");
  std::vector<std::string> tool_names;
  if (j.contains("tools")) {
    if (!j["tools"].is_array()) return bad(400, "invalid_request_error", "tools: must be a list");
    for (const auto& t : j["tools"]) {
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string() ||
          !t.contains("input_schema") || !t["input_schema"].is_object() ||
          t["input_schema"].value("type", "") != "object")
        return bad(400, "invalid_request_error",
                   "tools: each tool needs a name and an input_schema of type object");
      tool_names.push_back(t["name"]);
    }
  }
  if (j.contains("tool_choice")) {
    const auto& c = j["tool_choice"];
    if (!c.is_object() || !c.contains("type"))
      return bad(400, "invalid_request_error", "tool_choice: type is required");
    if (c["type"] == "tool" && (!c.contains("name") || !c["name"].is_string() ||
                                std::find(tool_names.begin(), tool_names.end(),
                                          c["name"].get<std::string>()) == tool_names.end()))
      return bad(400, "invalid_request_error", "tool_choice: the named tool is not in tools");
  }
  return {0, "", {}, {}};
}

FakeAnthropic::Reply FakeAnthropic::answer(ReceivedRequest& r) {
  AnthropicMode mode;
  std::uint64_t n;
  Options o;
  {
    std::lock_guard lock(mutex_);
    mode = mode_;
    if (!script_.empty()) {
      mode = script_.front();
      script_.pop_front();
    }
    n = ++sequence_;
    o = options_;
  }
  Reply reply = validate(r);
  if (reply.status == 0 && mode == AnthropicMode::unauthorized)
    reply = {401, error_body("authentication_error", "invalid x-api-key").dump(), {}, {}};
  if (reply.status == 0) {
    // The department: configured, else the first allowed answer of the forced tool.
    const auto& j = r.json;
    std::string tool_name = "tool";
    std::vector<std::string> allowed;
    if (j.contains("tool_choice") && j["tool_choice"].contains("name"))
      tool_name = j["tool_choice"]["name"];
    if (j.contains("tools"))
      for (const auto& t : j["tools"])
        if (t["name"] == tool_name) {
          const auto& props = t["input_schema"].value("properties", json::object());
          if (props.contains("department") && props["department"].contains("enum"))
            allowed = props["department"]["enum"].get<std::vector<std::string>>();
        }
    std::string department = !o.department.empty() ? o.department
                             : allowed.empty()     ? std::string("General")
                                                   : allowed.front();
    if (mode == AnthropicMode::unknown_department) department = "Astrology";
    const auto id = std::to_string(n);
    const long input_tokens = static_cast<long>(r.body.size() / 4);
    json content;
    if (mode == AnthropicMode::text) {
      content = json::array({{{"type", "text"},
                              {"text", "Department: " + department +
                                           "\nConfidence: " + std::to_string(o.confidence)}}});
    } else {
      content = json::array({{{"type", "tool_use"},
                              {"id", "toolu_fake_" + id},
                              {"name", tool_name},
                              {"input",
                               {{"department", department},
                                {"confidence", o.confidence},
                                {"reason", "The fake always names " + department + "."}}}}});
      if (!o.priority.empty()) content[0]["input"]["priority"] = o.priority;
      if (!o.alternatives.empty()) {
        json alternatives = json::array();
        for (const auto& [name, confidence] : o.alternatives)
          alternatives.push_back({{"department", name}, {"confidence", confidence}});
        content[0]["input"]["alternatives"] = std::move(alternatives);
      }
    }
    json message{{"id", "msg_fake_" + id},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", j.value("model", "") + "-fake"},
                 {"content", content},
                 {"stop_reason", mode == AnthropicMode::text ? "end_turn" : "tool_use"},
                 {"stop_sequence", nullptr},
                 {"usage", {{"input_tokens", input_tokens}, {"output_tokens", 40}}}};
    reply = {200, message.dump(), {}, {}};
    switch (mode) {
      case AnthropicMode::rate_limited:
        reply = {429,
                 error_body("rate_limit_error",
                            "Number of request tokens has exceeded your per-minute rate limit")
                     .dump(),
                 {{"retry-after", o.retry_after}},
                 {}};
        break;
      case AnthropicMode::overloaded:
        reply = {529, error_body("overloaded_error", "Overloaded").dump(), {}, {}};
        break;
      case AnthropicMode::server_error:
        reply = {500, error_body("api_error", "Internal server error").dump(), {}, {}};
        break;
      case AnthropicMode::slow:
        reply.delay = o.slow_delay;
        break;
      case AnthropicMode::malformed_json:
        reply.body = reply.body.substr(0, reply.body.size() / 2);
        break;
      default:
        break;
    }
  }
  reply.headers.emplace_back("request-id", "req_fake_" + std::to_string(n));
  r.status = reply.status;
  std::lock_guard lock(mutex_);
  requests_.push_back(r);
  return reply;
}

}  // namespace st::fakes
