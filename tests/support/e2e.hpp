#pragma once
// Shared pieces of the end-to-end suite: where the server is (a process the suite starts, or
// an existing deployment given by SMARTTICKET_E2E_URL), fixtures, and helpers that speak the
// public API contract (docs: /work/shared/spec/api.md).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace st::e2e {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct Target {
  std::string host;
  std::uint16_t port = 0;
};

// The deployment named by SMARTTICKET_E2E_URL (http://HOST:PORT), if any. In that mode the
// suite starts no process and skips the tests that must restart, kill or isolate one.
std::optional<Target> external_target();
inline bool external_mode() {
  return external_target().has_value();
}

// The process shared by the read-mostly suites: started on first use, stopped (and checked for
// a clean exit) by a global test environment at the end. Throws if it cannot be started.
Target shared_target();
// The shared process, or nullptr in external mode / before it was started.
ServerProcess* shared_process();

// The API key the suite sends: the admin key a server it started wrote to <data dir>/admin.key,
// or, against an external deployment, the key in the file SMARTTICKET_E2E_KEY_FILE names.
// Empty when there is none (a server in the open mode). Its rate limit is switched off.
std::string suite_key(const ServerProcess* process);
// `Authorization: Bearer <key>` (nothing for an empty key).
Headers bearer(const std::string& key);

// A key made through POST /api/keys with an admin's client; records a failure (and returns
// empty fields) unless the answer is a 201.
struct ApiKey {
  std::string id;
  std::string secret;
};
ApiKey create_key(HttpClient& admin, const json& body);
// A 401 of the contract, with the Bearer challenge.
::testing::AssertionResult IsUnauthorized(const Response& r);

// Fixture for tests that can run against the shared server (or an external deployment).
// They must not depend on global counts: other tests add tickets to the same server.
class SharedServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  HttpClient& http() { return *client_; }
  Target target() const { return target_; }
  std::unique_ptr<HttpClient> new_client() const;
  // A client that sends `key` only (a requester's, an agent's).
  std::unique_ptr<HttpClient> as(const ApiKey& key) const;

 private:
  Target target_;
  std::unique_ptr<HttpClient> client_;
  std::size_t log_offset_ = 0;
};

// Fixture for tests that need their own process (exact counts, restarts, kill -9). Skipped in
// external mode. Call start() in the test (it may need extra flags).
class OwnServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Stops the process with SIGTERM and expects the graceful-shutdown contract (exit code 0).
  void TearDown() override;
  // Starts the process and (re)creates the client; fails the test on error.
  void start(const std::vector<std::string>& extra_args = {});
  // Restarts on the same data dir; the client is recreated for the new port.
  void restart(const std::vector<std::string>& extra_args = {});
  void reconnect();
  ServerProcess& server() { return *server_; }
  HttpClient& http() { return *client_; }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

// --- contract helpers ------------------------------------------------------------------------

// A valid POST /api/tickets body.
json ticket_body(std::string title, std::string description, std::string user_name = "Ann Lee",
                 std::string user_email = "ann.lee@example.com");

// One realistic ticket per default department (and a vague one for General).
struct SampleTicket {
  std::string department;
  std::string title;
  std::string description;
};
const std::vector<SampleTicket>& department_samples();
const SampleTicket& sample_for(std::string_view department);

// A random lowercase word that appears in no department's vocabulary; put it into a ticket's
// text to find exactly that test's tickets with ?q= on a shared server.
std::string unique_tag();

// Percent-encodes everything but unreserved characters (RFC 3986), for paths and queries.
std::string url_encode(std::string_view s);

// Repeats `probe` (every `interval`) until it returns true or `timeout` passes.
bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout = 15s,
                std::chrono::milliseconds interval = 50ms);

// POST /api/tickets with `Prefer: respond-async` when `async`.
Response create_ticket(HttpClient& http, const json& body, bool async = false);
// Creates a ticket synchronously and returns the ticket object from the response; records a
// test failure (and returns null) unless the answer is a 201 carrying a routed ticket.
json create_routed(HttpClient& http, const json& body);
// Polls GET /api/tickets/{id} until `ready(ticket)`; returns the last ticket seen (or null).
json wait_for_ticket(HttpClient& http, std::int64_t id,
                     const std::function<bool(const json&)>& ready,
                     std::chrono::milliseconds timeout = 15s);
json wait_until_routed(HttpClient& http, std::int64_t id, std::chrono::milliseconds timeout = 15s);
// The same for many tickets under ONE deadline (a per-ticket wait would multiply the bound by
// the number of tickets when the pipeline is broken). Returns id -> last ticket seen.
std::map<std::int64_t, json> wait_all_routed(HttpClient& http, const std::vector<std::int64_t>& ids,
                                             std::chrono::milliseconds timeout);

// Walks every page of GET /api/tickets?{query}&limit={limit} following next_cursor. Records a
// failure on a non-200 page, a repeated cursor or more than `max_pages` pages.
std::vector<json> list_all(HttpClient& http, const std::string& query = "", int limit = 200,
                           int max_pages = 500);

// How many tickets exist and the newest id: compared before/after to prove nothing was created.
struct Census {
  std::size_t count = 0;
  std::int64_t newest_id = 0;
  bool operator==(const Census&) const = default;
};
Census census(HttpClient& http);

// An error answer of the contract: `status`, JSON content type, {success:false, error, code}
// and, when given, `field`.
::testing::AssertionResult IsError(const Response& r, int status,
                                   std::optional<std::string> field = std::nullopt);
// The same, accepting any of `statuses`.
::testing::AssertionResult IsErrorOneOf(const Response& r, const std::vector<int>& statuses);
// `status` and a JSON object body with success:true.
::testing::AssertionResult IsSuccess(const Response& r, int status);

// A ticket object with every documented key and sane types.
::testing::AssertionResult IsTicketObject(const json& t);
// ISO-8601 UTC, e.g. 2026-11-25T19:51:35Z (fractional seconds allowed).
bool is_iso8601_utc(const json& v);
// Today's date in UTC as YYYY-MM-DD.
std::string utc_today();

// Whether `categorized_by` names a strategy that decides without a network: the learned model,
// or the keywords when the model is unsure. Which of the two decides a given text is the
// model's business; these tests are about the pipeline around it.
bool is_offline_categorizer(const json& categorized_by);

// Runs the smartticket binary (SMARTTICKET_BIN) with `args`, a shell fragment, bounded by
// coreutils' timeout; returns its exit code and its output (stdout and stderr).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_binary(const std::string& args);

// Numeric JSON value as double (integers and floats alike); NaN when not a number.
double num(const json& v);

}  // namespace st::e2e
