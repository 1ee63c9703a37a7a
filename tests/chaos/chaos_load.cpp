// One row of the chaos table: a steady load of tickets against a running Smart Ticket (the
// cluster or the one-process server), one fault injected in the middle of it by a shell
// command, then the audit of what the system promised. scripts/chaos runs it once per fault.
//
//   chaos_load --port P --key-file F --name NAME --fault CMD [--recover CMD]
//              [--count 5000] [--rate 100] [--fault-at SECONDS] [--result-file FILE]
//
// The fault window starts when CMD starts; it ends when a ticket created through the whole
// pipeline (a synchronous create answered 201 with its department) succeeds again after CMD
// and RECOVER have returned. Exit 0 when nothing was lost or duplicated, every ticket has one
// routing record, analytics match exactly and every 5xx or failed connection fell inside the
// window (plus 5 s for clients to notice).
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "chaos/load_driver.hpp"
#include "chaos/pipeline_audit.hpp"

namespace st::chaos {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct Options {
  LoadOptions load;
  std::string name;
  std::string fault;
  std::string recover;
  double fault_at = -1;  // seconds after the load starts; default a third of the way in
  std::string result_file;
  int audit_seconds = 240;
};

struct Window {
  std::int64_t start_ms = -1;
  std::int64_t end_ms = -1;  // -1: never recovered
  std::vector<std::int64_t> probe_ids;
};

std::string random_tag() {
  std::mt19937_64 rng{std::random_device{}()};
  std::string tag = "chaos";
  for (int i = 0; i < 8; ++i) tag.push_back(static_cast<char>('a' + rng() % 26));
  return tag;
}

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

int run_shell(const std::string& what, const std::string& cmd) {
  if (cmd.empty()) return 0;
  const int rc = std::system(cmd.c_str());
  if (rc != 0) std::cerr << "chaos: " << what << " command exited " << rc << ": " << cmd << "\n";
  return rc;
}

// Sync creates (every 250 ms, bounded by 180 s) until one comes back routed: the pipeline
// works end to end again.
bool probe_until_routed(const Options& o, Window& w, Clock::time_point started) {
  e2e::Headers headers;
  if (!o.load.key.empty()) headers.emplace_back("Authorization", "Bearer " + o.load.key);
  const auto deadline = Clock::now() + 180s;
  for (int k = 0; Clock::now() < deadline; ++k) {
    try {
      e2e::HttpClient http("127.0.0.1", o.load.port, 10s);
      auto h = headers;
      h.emplace_back("Idempotency-Key", o.load.run_tag + "-probe-" + std::to_string(k));
      const auto r = http.post_json(
          "/api/tickets",
          {{"title", "Recovery probe " + o.load.run_tag + " p" + std::to_string(k)},
           {"description", "Is the helpdesk back? The printer on floor 3 is jammed."},
           {"user_name", "Chaos Probe"},
           {"user_email", "probe@example.com"}},
          h);
      if ((r.status == 201 || r.status == 202) && r.json.contains("ticket_id"))
        w.probe_ids.push_back(r.json["ticket_id"].get<std::int64_t>());
      if (r.status == 201 && r.json.contains("ticket") &&
          !r.json["ticket"]["department"].is_null()) {
        w.end_ms = ms_since(started);
        return true;
      }
    } catch (const std::exception&) {
      // not back yet
    }
    std::this_thread::sleep_for(250ms);
  }
  return false;
}

int run(const Options& o) {
  e2e::HttpClient http("127.0.0.1", o.load.port, 10s);
  if (!o.load.key.empty()) http.set_default_headers({{"Authorization", "Bearer " + o.load.key}});
  const auto before = analytics_snapshot(http, 60s);
  if (!before) {
    std::cerr << "chaos: no analytics snapshot before the run (is the system up?)\n";
    return 2;
  }

  Window window;
  const double fault_at = o.fault_at >= 0 ? o.fault_at : o.load.count / o.load.rate / 3;
  const auto load_start = Clock::now();
  std::thread fault([&] {
    std::this_thread::sleep_until(load_start + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(fault_at)));
    window.start_ms = ms_since(load_start);
    run_shell("fault", o.fault);
    run_shell("recover", o.recover);
    probe_until_routed(o, window, load_start);
  });
  LoadResult load = drive_load(o.load, load_start);
  fault.join();
  const std::int64_t start_ms = window.start_ms;
  const std::int64_t end_ms = window.end_ms < 0 ? -1 : window.end_ms + 5000;  // clients notice

  const AuditResult audit = audit_run(http, o.load.run_tag, load.ids, window.probe_ids, *before,
                                      std::chrono::seconds(o.audit_seconds));
  int server_errors = 0, no_answer = 0, outside = 0;
  std::map<std::string, int> refusals;  // the answers other than 201/202, by status (0: none)
  for (const auto& a : load.attempts) {
    if (a.status != 201 && a.status != 202) ++refusals[std::to_string(a.status)];
    const bool failed = a.status == 0 || a.status >= 500;
    if (a.status >= 500) ++server_errors;
    if (a.status == 0) ++no_answer;
    if (failed && (a.at_ms < start_ms || (end_ms >= 0 && a.at_ms > end_ms))) ++outside;
  }
  int never_accepted = 0;
  for (const auto& id : load.ids) never_accepted += id ? 0 : 1;

  const json row = {
      {"fault", o.name},
      {"tickets", o.load.count},
      {"accepted", audit.accepted},
      {"never_accepted", never_accepted},
      {"lost", audit.lost},
      {"duplicated", audit.duplicated},
      {"not_routed_once", audit.not_routed_once},
      {"analytics_match", audit.analytics_match},
      {"recovery_seconds",
       window.end_ms < 0 ? json(nullptr) : json((window.end_ms - window.start_ms) / 1000.0)},
      {"http_5xx", server_errors},
      {"no_answer", no_answer},
      {"failures_outside_window", outside},
      {"refusals", refusals},
      {"problems", audit.problems}};
  std::cout << row.dump() << std::endl;
  if (!o.result_file.empty()) std::ofstream(o.result_file, std::ios::app) << row.dump() << "\n";
  const bool ok = window.end_ms >= 0 && never_accepted == 0 && audit.lost == 0 &&
                  audit.duplicated == 0 && audit.not_routed_once == 0 && audit.analytics_match &&
                  outside == 0;
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace st::chaos

int main(int argc, char** argv) {
  st::chaos::Options o;
  std::string key_file;
  CLI::App app{"One chaos run: steady load, one fault, the audit"};
  app.add_option("--port", o.load.port, "the gateway's (or the server's) port")->required();
  app.add_option("--key-file", key_file, "a file holding an admin key (rate limit 0)");
  app.add_option("--name", o.name, "the fault's name in the table")->required();
  app.add_option("--fault", o.fault, "shell command that injects the fault")->required();
  app.add_option("--recover", o.recover, "shell command run after the fault returns");
  app.add_option("--count", o.load.count, "tickets to create")->check(CLI::Range(1, 1000000));
  app.add_option("--rate", o.load.rate, "tickets per second")->check(CLI::Range(1.0, 10000.0));
  app.add_option("--fault-at", o.fault_at, "seconds into the load (default: a third)");
  app.add_option("--workers", o.load.workers, "concurrent clients")->check(CLI::Range(1, 512));
  app.add_option("--audit-seconds", o.audit_seconds, "bound on the audit's waits");
  app.add_option("--result-file", o.result_file, "append the result row (JSON) here");
  CLI11_PARSE(app, argc, argv);
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    std::getline(in, o.load.key);
  }
  o.load.run_tag = st::chaos::random_tag();
  return st::chaos::run(o);
}
