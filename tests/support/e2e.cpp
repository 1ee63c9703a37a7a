#include "support/e2e.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <thread>

namespace st::e2e {

// ---------------------------------------------------------------------------------------------
// Where the server is

std::optional<Target> external_target() {
  // Parsed once: the environment does not change during a run.
  static const std::optional<Target> kTarget = []() -> std::optional<Target> {
    const char* url = std::getenv("SMARTTICKET_E2E_URL");
    if (url == nullptr || *url == '\0') return std::nullopt;
    static const std::regex kUrl(R"(^http://([A-Za-z0-9.\-]+):(\d{1,5})/?$)");
    std::cmatch m;
    if (!std::regex_match(url, m, kUrl)) {
      throw std::invalid_argument(std::string("SMARTTICKET_E2E_URL must look like "
                                              "http://127.0.0.1:5000, got '") +
                                  url + "'");
    }
    return Target{m[1].str(), static_cast<std::uint16_t>(std::stoi(m[2].str()))};
  }();
  return kTarget;
}

namespace {

struct SharedState {
  std::mutex mu;
  std::unique_ptr<ServerProcess> process;
  std::optional<std::string> start_error;  // remembered so later tests fail fast, not in 20 s
};

SharedState& shared_state() {
  static SharedState s;
  return s;
}

// Stops the shared process after the last test and checks the graceful shutdown contract.
class SharedServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    auto& s = shared_state();
    std::lock_guard lock(s.mu);
    if (!s.process) return;
    const ExitStatus st = s.process->stop();
    EXPECT_TRUE(st.clean()) << "the shared smartticket process did not exit 0 on SIGTERM: "
                            << st.describe() << "\n---- output tail ----\n"
                            << s.process->output_tail();
    s.process.reset();
  }
};

[[maybe_unused]] ::testing::Environment* const kSharedEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedServerEnvironment);

}  // namespace

Target shared_target() {
  if (auto ext = external_target()) return *ext;
  auto& s = shared_state();
  std::lock_guard lock(s.mu);
  if (s.start_error) throw std::runtime_error("shared server failed to start: " + *s.start_error);
  if (!s.process) {
    auto p = std::make_unique<ServerProcess>();
    try {
      p->start();
    } catch (const std::exception& e) {
      s.start_error = e.what();
      throw;
    }
    s.process = std::move(p);
  }
  return Target{"127.0.0.1", s.process->port()};
}

ServerProcess* shared_process() {
  auto& s = shared_state();
  std::lock_guard lock(s.mu);
  return s.process.get();
}

void SharedServerTest::SetUp() {
  try {
    target_ = shared_target();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  if (auto* p = shared_process()) log_offset_ = p->output_size();
  client_ = new_client();
}

void SharedServerTest::TearDown() {
  if (!HasFailure()) return;
  if (auto* p = shared_process()) {
    std::cerr << "---- shared smartticket output during this test ----\n"
              << p->output_tail(log_offset_) << "\n---- end ----\n";
  }
}

std::unique_ptr<HttpClient> SharedServerTest::new_client() const {
  auto client = std::make_unique<HttpClient>(target_.host, target_.port);
  client->set_default_headers(bearer(suite_key(shared_process())));
  return client;
}

std::unique_ptr<HttpClient> SharedServerTest::as(const ApiKey& key) const {
  auto client = new_client();
  client->set_default_headers(bearer(key.secret));
  return client;
}

void OwnServerTest::SetUp() {
  if (external_mode()) {
    GTEST_SKIP() << "needs its own smartticket process (restart, kill -9 or exact counts on a "
                    "fresh database); not possible against SMARTTICKET_E2E_URL";
  }
  try {
    server_ = std::make_unique<ServerProcess>();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
}

void OwnServerTest::TearDown() {
  client_.reset();
  if (server_ && server_->running()) {
    const ExitStatus st = server_->stop();
    EXPECT_TRUE(st.clean()) << "SIGTERM at the end of the test must end the process with exit "
                               "code 0: "
                            << st.describe();
  }
}

void OwnServerTest::start(const std::vector<std::string>& extra_args) {
  try {
    server_->start(extra_args);
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  reconnect();
}

void OwnServerTest::restart(const std::vector<std::string>& extra_args) {
  client_.reset();
  try {
    server_->restart(extra_args);
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  reconnect();
}

void OwnServerTest::reconnect() {
  client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  client_->set_default_headers(bearer(suite_key(server_.get())));
}

std::string suite_key(const ServerProcess* process) {
  std::string file;
  if (process) {
    file = process->data_dir() + "/admin.key";
  } else if (const char* f = std::getenv("SMARTTICKET_E2E_KEY_FILE"); f && *f) {
    file = f;
  }
  std::ifstream in(file);
  std::string key;
  if (in) std::getline(in, key);
  return key;
}

Headers bearer(const std::string& key) {
  if (key.empty()) return {};
  return {{"Authorization", "Bearer " + key}};
}

ApiKey create_key(HttpClient& admin, const json& body) {
  const Response r = admin.post_json("/api/keys", body);
  EXPECT_TRUE(IsSuccess(r, 201)) << r.describe();
  if (r.status != 201) return {};
  return {r.json["key"]["id"].get<std::string>(), r.json["secret"].get<std::string>()};
}

::testing::AssertionResult IsUnauthorized(const Response& r) {
  auto error = IsError(r, 401);
  if (!error) return error;
  if (!r.header("WWW-Authenticate").starts_with("Bearer"))
    return ::testing::AssertionFailure() << "no Bearer challenge: " << r.describe();
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Contract helpers

json ticket_body(std::string title, std::string description, std::string user_name,
                 std::string user_email) {
  return json{{"title", std::move(title)},
              {"description", std::move(description)},
              {"user_name", std::move(user_name)},
              {"user_email", std::move(user_email)}};
}

const std::vector<SampleTicket>& department_samples() {
  // Each text uses several unmistakable words of its department (those of the default
  // department descriptions among them), so any reasonable keyword categorizer agrees.
  static const std::vector<SampleTicket> kSamples{
      {"IT Support", "Laptop will not boot and my password reset fails",
       "My laptop shows a blue screen after the latest software update. I also cannot log in "
       "to my email account because the password reset link does not work, and the VPN "
       "network connection keeps dropping."},
      {"HR", "Question about my payroll and vacation leave",
       "My last paycheck was lower than expected and I would like someone from payroll to "
       "explain the salary deduction. I also want to know how many vacation days of annual "
       "leave I have left and how to enroll in the health benefits plan."},
      {"Facilities", "Broken air conditioning and a leaking ceiling in our office",
       "The air conditioning in the third floor office has been broken since Monday and the "
       "room is very hot. Water is leaking from the ceiling near the kitchen, and a light in "
       "the parking garage needs maintenance and repair."},
      {"Finance", "Expense reimbursement for an unpaid invoice",
       "I submitted an expense report with the hotel invoice and receipts for my business "
       "trip three weeks ago, but the reimbursement has still not been paid. Could finance "
       "check the budget code and the purchase order for the payment?"},
      {"General", "Quick follow up",
       "Could somebody please get in touch with me when there is a moment? Thank you."},
  };
  return kSamples;
}

const SampleTicket& sample_for(std::string_view department) {
  for (const auto& s : department_samples()) {
    if (s.department == department) return s;
  }
  throw std::invalid_argument("no sample ticket for department " + std::string(department));
}

std::string unique_tag() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::uniform_int_distribution<int> letter(0, 25);
  std::string tag = "zq";
  for (int i = 0; i < 10; ++i) tag += static_cast<char>('a' + letter(rng));
  return tag;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

Response create_ticket(HttpClient& http, const json& body, bool async) {
  Headers h;
  if (async) h.emplace_back("Prefer", "respond-async");
  return http.post_json("/api/tickets", body, h);
}

json create_routed(HttpClient& http, const json& body) {
  const Response r = create_ticket(http, body);
  if (r.status != 201 || !r.json.is_object() || !r.json.contains("ticket") ||
      !r.json["ticket"].is_object()) {
    ADD_FAILURE() << "POST /api/tickets: expected 201 with a ticket, got " << r.describe();
    return nullptr;
  }
  const json& t = r.json["ticket"];
  if (!t.contains("department") || !t["department"].is_string()) {
    ADD_FAILURE() << "POST /api/tickets answered before routing (department not set): "
                  << r.describe();
  }
  return t;
}

json wait_for_ticket(HttpClient& http, std::int64_t id,
                     const std::function<bool(const json&)>& ready,
                     std::chrono::milliseconds timeout) {
  json last;
  eventually(
      [&] {
        const Response r = http.get("/api/tickets/" + std::to_string(id));
        if (r.status != 200 || !r.json.is_object() || !r.json.contains("ticket")) return false;
        last = r.json["ticket"];
        return ready(last);
      },
      timeout, 50ms);
  return last;
}

json wait_until_routed(HttpClient& http, std::int64_t id, std::chrono::milliseconds timeout) {
  return wait_for_ticket(
      http, id,
      [](const json& t) { return t.contains("department") && t["department"].is_string(); },
      timeout);
}

std::map<std::int64_t, json> wait_all_routed(HttpClient& http, const std::vector<std::int64_t>& ids,
                                             std::chrono::milliseconds timeout) {
  std::map<std::int64_t, json> last;
  std::set<std::int64_t> pending(ids.begin(), ids.end());
  eventually(
      [&] {
        for (auto it = pending.begin(); it != pending.end();) {
          const Response r = http.get("/api/tickets/" + std::to_string(*it));
          if (r.status == 200 && r.json.is_object() && r.json.contains("ticket")) {
            last[*it] = r.json["ticket"];
            if (last[*it].value("department", json()).is_string()) {
              it = pending.erase(it);
              continue;
            }
          }
          ++it;
        }
        return pending.empty();
      },
      timeout, 100ms);
  return last;
}

std::vector<json> list_all(HttpClient& http, const std::string& query, int limit, int max_pages) {
  std::vector<json> all;
  std::set<std::string> seen_cursors;
  std::string cursor;
  for (int page = 0; page < max_pages; ++page) {
    std::string target = "/api/tickets?";
    if (!query.empty()) target += query + "&";
    target += "limit=" + std::to_string(limit);
    if (!cursor.empty()) target += "&cursor=" + url_encode(cursor);
    const Response r = http.get(target);
    if (r.status != 200 || !r.json.is_object() || !r.json.contains("tickets") ||
        !r.json["tickets"].is_array()) {
      ADD_FAILURE() << "GET " << target << ": " << r.describe();
      return all;
    }
    for (const auto& t : r.json["tickets"]) all.push_back(t);
    const json next = r.json.value("next_cursor", json());
    if (next.is_null()) return all;
    cursor = next.is_string() ? next.get<std::string>() : next.dump();
    if (!seen_cursors.insert(cursor).second) {
      ADD_FAILURE() << "GET /api/tickets returned the same next_cursor twice: " << cursor;
      return all;
    }
  }
  ADD_FAILURE() << "GET /api/tickets: more than " << max_pages << " pages; cursor never ends";
  return all;
}

Census census(HttpClient& http) {
  Census c;
  for (const auto& t : list_all(http)) {
    ++c.count;
    if (t.contains("id") && t["id"].is_number_integer()) {
      c.newest_id = std::max(c.newest_id, t["id"].get<std::int64_t>());
    }
  }
  return c;
}

namespace {

::testing::AssertionResult check_error_body(const Response& r,
                                            const std::optional<std::string>& field) {
  std::string ct = r.header("Content-Type");
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ct.rfind("application/json", 0) != 0) {
    return ::testing::AssertionFailure() << "error is not application/json: " << r.describe();
  }
  if (!r.is_json || !r.json.is_object()) {
    return ::testing::AssertionFailure() << "error body is not a JSON object: " << r.describe();
  }
  const json& j = r.json;
  if (!j.contains("success") || j["success"] != false) {
    return ::testing::AssertionFailure() << "error body lacks success:false: " << r.describe();
  }
  if (!j.contains("error") || !j["error"].is_string() || j["error"].get<std::string>().empty()) {
    return ::testing::AssertionFailure()
           << "error body lacks a non-empty 'error': " << r.describe();
  }
  if (!j.contains("code") || !j["code"].is_string() || j["code"].get<std::string>().empty()) {
    return ::testing::AssertionFailure() << "error body lacks a non-empty 'code': " << r.describe();
  }
  if (field) {
    if (!j.contains("field") || j["field"] != *field) {
      return ::testing::AssertionFailure()
             << "error should name field '" << *field << "': " << r.describe();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult IsError(const Response& r, int status,
                                   std::optional<std::string> field) {
  if (r.status != status) {
    return ::testing::AssertionFailure()
           << "expected status " << status << ", got " << r.describe();
  }
  return check_error_body(r, field);
}

::testing::AssertionResult IsErrorOneOf(const Response& r, const std::vector<int>& statuses) {
  if (std::find(statuses.begin(), statuses.end(), r.status) == statuses.end()) {
    auto failure = ::testing::AssertionFailure() << "expected one of statuses";
    for (int s : statuses) failure << " " << s;
    return failure << ", got " << r.describe();
  }
  return check_error_body(r, std::nullopt);
}

::testing::AssertionResult IsSuccess(const Response& r, int status) {
  if (r.status != status) {
    return ::testing::AssertionFailure()
           << "expected status " << status << ", got " << r.describe();
  }
  if (!r.is_json || !r.json.is_object() || !r.json.contains("success") ||
      r.json["success"] != true) {
    return ::testing::AssertionFailure()
           << "expected a JSON object with success:true, got " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

bool is_iso8601_utc(const json& v) {
  static const std::regex kIso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$)");
  return v.is_string() && std::regex_match(v.get<std::string>(), kIso);
}

::testing::AssertionResult IsTicketObject(const json& t) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << " in ticket " << t.dump();
  };
  if (!t.is_object()) return fail("not an object");
  if (!t.contains("id") || !t["id"].is_number_integer() || t["id"].get<std::int64_t>() <= 0) {
    return fail("id is not a positive integer");
  }
  for (const char* k : {"title", "description", "user_name", "user_email"}) {
    if (!t.contains(k) || !t[k].is_string()) return fail(std::string(k) + " is not a string");
  }
  for (const char* k : {"department", "confidence_score", "categorized_by"}) {
    if (!t.contains(k)) return fail(std::string("missing key ") + k);
  }
  // ISO 639-1, or null when undetermined.
  if (!t.contains("language") ||
      !(t["language"].is_null() ||
        (t["language"].is_string() && t["language"].get_ref<const std::string&>().size() == 2)))
    return fail("language is neither null nor a two-letter code");
  const bool routed = !t["department"].is_null();
  if (routed && !t["department"].is_string()) return fail("department is neither null nor text");
  // The three routing fields are set together (null until the ticket is routed).
  if (t["confidence_score"].is_null() == routed || t["categorized_by"].is_null() == routed) {
    return fail("department, confidence_score and categorized_by are not all set/null together");
  }
  if (routed) {
    if (!t["confidence_score"].is_number()) return fail("confidence_score is not a number");
    const double c = t["confidence_score"].get<double>();
    if (c < 0 || c > 100) return fail("confidence_score outside 0..100");
    static const std::set<std::string> kBy{"claude", "model", "keywords", "manual"};
    if (!t["categorized_by"].is_string() ||
        kBy.count(t["categorized_by"].get<std::string>()) == 0) {
      return fail("categorized_by is not claude|model|keywords|manual");
    }
  }
  static const std::set<std::string> kStatuses{"pending", "in_progress", "waiting_on_customer",
                                               "resolved"};
  if (!t.contains("status") || !t["status"].is_string() ||
      kStatuses.count(t["status"].get<std::string>()) == 0) {
    return fail("status is not pending|in_progress|waiting_on_customer|resolved");
  }
  static const std::set<std::string> kPriorities{"low", "normal", "high", "urgent"};
  if (!t.contains("priority") || !t["priority"].is_string() ||
      kPriorities.count(t["priority"].get<std::string>()) == 0) {
    return fail("priority is not low|normal|high|urgent");
  }
  for (const char* k : {"created_at", "updated_at"}) {
    if (!t.contains(k) || !is_iso8601_utc(t[k]))
      return fail(std::string(k) + " is not ISO-8601 UTC");
  }
  return ::testing::AssertionSuccess();
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double num(const json& v) {
  return v.is_number() ? v.get<double>() : std::nan("");
}

bool is_offline_categorizer(const json& categorized_by) {
  return categorized_by == "model" || categorized_by == "keywords";
}

CommandResult run_binary(const std::string& args) {
  const std::string command = "timeout 120 " + ServerProcess::binary_path() + " " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace st::e2e
