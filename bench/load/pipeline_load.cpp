// A constant-rate load generator for the create pipeline (wrk2-style), and the pipeline's own
// latency from the events' timestamps. bench/pipeline and bench/scaleout call it.
//
//   pipeline_load --port P [--key-file F] [--rate 500] [--duration 60] [--connections 32]
//                 [--wait] [--settle 30] [--window-from 0] [--trails]
//
// Request i is due at start + i/rate. A connection takes the next due request only when its
// previous answer came back, so when the server falls behind, requests leave late; each
// latency is measured from the request's *scheduled* time, not from when it was sent, which
// is what corrects coordinated omission (a stalled server cannot slow the clock it is judged
// by). Creates are asynchronous (`Prefer: respond-async`, 202 once stored) unless --wait.
//
// Before the first request it opens GET /api/events/stream and records, for every ticket, the
// `occurred_at_ms` of its ticket.created and first ticket.routed event; after the last request
// it waits (at most --settle seconds) for the routing of every accepted ticket, then reports
// routed - created per ticket (the pipeline's latency, measured by the services' own clocks)
// and how many of those tickets were routed per second between --window-from and the end of
// the sending (the pipeline's throughput under this load). The trail (GET
// /api/tickets/{id}/events) has the same events, but its created_at is whole seconds: with
// --trails it is read back only to check that each ticket's trail recorded both.
//
// Prints a human summary and two machine-readable lines:
//   RESULT sent=... accepted=... errors=... rps=... p50_ms=... p90_ms=... p99_ms=... max_ms=...
//   PIPELINE routed=... missing=... p50_ms=... p90_ms=... p99_ms=... max_ms=... routed_rps=...
//            by=claude:N,model:N,... stream_dropped=0|1
//   TRAILS checked=... complete=...                          (with --trails)
// Exit 0 when every request was accepted and every accepted ticket was seen routed.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/beast.hpp"

namespace st::bench {
namespace {

namespace asio = http::asio;
namespace beast = http::beast;
namespace bhttp = http::bhttp;
using http::tcp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Millis = std::int64_t;

struct Options {
  std::uint16_t port = 0;
  std::string key;
  double rate = 500;
  double duration_s = 60;
  int connections = 32;
  bool wait_for_routing = false;
  double settle_s = 30;
  double window_from_s = 0;
  bool check_trails = false;
};

// One realistic ticket per default department, so every stage has real work to do; the run
// tag and the index make each text unique (no categorization cache hit).
struct Sample {
  const char* title;
  const char* description;
};
constexpr Sample kSamples[] = {
    {"VPN drops every few minutes", "Since this morning my VPN drops and I cannot reach files."},
    {"Payslip shows the wrong tax code", "My November payslip has the wrong tax code."},
    {"Air conditioning broken in room 4.12", "The air conditioning on floor four is not working."},
    {"Expense report reimbursement pending", "I sent my expense report three weeks ago."},
    {"Question about the company picnic", "Where can I find the schedule for the picnic?"},
};

struct Sent {
  double latency_ms = 0;  // from the scheduled time to the whole answer
  int status = 0;         // 0: no answer (refused, reset, timed out)
};

struct TicketEvents {
  Millis created = 0;
  Millis routed = 0;
  std::string categorized_by;
};

// Everything the coroutines share; they all run on one thread, so no locks.
struct Run {
  Options options;
  tcp::endpoint server;
  std::string run_tag;
  Clock::time_point start;
  std::int64_t total = 0;
  std::int64_t next = 0;
  int senders_left = 0;
  std::vector<Sent> sent;
  std::vector<std::int64_t> accepted_ids;
  std::map<std::int64_t, TicketEvents> events;  // by ticket id, every ticket the stream saw
  Millis first_due_wall_ms = 0;                 // the start, on the services' clock
  bool stream_dropped = false;
  // --trails: each accepted ticket's audit trail read back after the run. The trail is
  // written by analytics, which may still be catching up: incomplete ones are read again.
  std::vector<std::int64_t> trails_to_read;
  std::vector<std::int64_t> trails_incomplete;
  std::size_t next_trail = 0;
  int trail_readers_left = 0;
  std::int64_t trails_complete = 0;      // both ticket.created and ticket.routed recorded
  tcp::socket* stream_socket = nullptr;  // open while the reader reads
};

Millis wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bhttp::request<bhttp::string_body> create_request(const Run& run, std::int64_t i) {
  const auto& s = kSamples[static_cast<std::size_t>(i) % std::size(kSamples)];
  const json body = {{"title", std::string(s.title) + " " + run.run_tag + " #" + std::to_string(i)},
                     {"description", s.description},
                     {"user_name", "Bench User"},
                     {"user_email", "bench" + std::to_string(i % 1000) + "@example.com"}};
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/tickets", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  if (!run.options.key.empty()) req.set(bhttp::field::authorization, "Bearer " + run.options.key);
  if (!run.options.wait_for_routing) req.set("Prefer", "respond-async");
  req.keep_alive(true);
  req.body() = body.dump();
  req.prepare_payload();
  return req;
}

// One connection: takes the next due request whenever it is free, until all are taken.
asio::awaitable<void> sender(Run& run) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  beast::flat_buffer buffer;
  asio::steady_timer timer(ex);
  bool connected = false;
  const std::chrono::duration<double> interval(1.0 / run.options.rate);
  for (std::int64_t i = run.next++; i < run.total; i = run.next++) {
    const auto due = run.start + std::chrono::duration_cast<Clock::duration>(interval * i);
    beast::error_code ec;
    timer.expires_at(due);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    stream.expires_after(std::chrono::seconds(30));
    if (!connected) {
      co_await stream.async_connect(run.server, asio::redirect_error(asio::use_awaitable, ec));
      connected = !ec;
    }
    bhttp::response<bhttp::string_body> res;
    if (connected) {
      auto req = create_request(run, i);
      co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec)
        co_await bhttp::async_read(stream, buffer, res,
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    const std::chrono::duration<double, std::milli> took = Clock::now() - due;
    auto& record = run.sent[static_cast<std::size_t>(i)];
    record.latency_ms = took.count();
    if (ec) {
      stream.socket().close(ec);
      buffer.clear();
      connected = false;
      continue;
    }
    record.status = res.result_int();
    if (record.status == 201 || record.status == 202) {
      const auto answer = json::parse(res.body(), nullptr, false);
      if (answer.is_object() && answer.contains("ticket_id") &&
          answer["ticket_id"].is_number_integer())
        run.accepted_ids.push_back(answer["ticket_id"].get<std::int64_t>());
    }
    if (res.need_eof()) {
      stream.socket().close(ec);
      connected = false;
    }
  }
  --run.senders_left;
}

void record_event(Run& run, std::string_view line) {
  const auto event = json::parse(line, nullptr, false);
  if (!event.is_object() || !event.contains("ticket") || !event["ticket"].is_object() ||
      !event.contains("occurred_at_ms") || !event["occurred_at_ms"].is_number_integer())
    return;
  const auto type = event.value("event_type", "");
  const auto id = event["ticket"].value("id", std::int64_t{0});
  const auto at = event["occurred_at_ms"].get<Millis>();
  auto& t = run.events[id];
  if (type == "ticket.created") {
    t.created = at;
  } else if (type == "ticket.routed" && t.routed == 0) {
    t.routed = at;
    if (event.contains("data") && event["data"].is_object())
      t.categorized_by = event["data"].value("categorized_by", "");
  }
}

// Reads the event stream until it is closed; starts the senders once it is open.
asio::awaitable<void> event_reader(Run& run) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket socket(ex);
  beast::error_code ec;
  co_await socket.async_connect(run.server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw std::runtime_error("cannot connect to the server: " + ec.message());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/events/stream", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!run.options.key.empty()) req.set(bhttp::field::authorization, "Bearer " + run.options.key);
  co_await bhttp::async_write(socket, req, asio::redirect_error(asio::use_awaitable, ec));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> head;
  if (!ec)
    co_await bhttp::async_read_header(socket, buffer, head,
                                      asio::redirect_error(asio::use_awaitable, ec));
  if (ec || head.get().result_int() != 200)
    throw std::runtime_error(
        "GET /api/events/stream did not answer 200 (a key of an agent or "
        "an admin is needed)");
  run.stream_socket = &socket;

  // The stream is open: every ticket created from now on is seen. Start sending.
  run.start = Clock::now() + std::chrono::milliseconds(100);
  run.first_due_wall_ms = wall_ms() + 100;
  run.senders_left = run.options.connections;
  for (int c = 0; c < run.options.connections; ++c) asio::co_spawn(ex, sender(run), asio::detached);

  std::string pending;  // an incomplete last line
  for (;;) {
    const auto data = buffer.data();
    pending.append(static_cast<const char*>(data.data()), data.size());
    buffer.consume(buffer.size());
    std::size_t from = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', from)) {
      const std::string_view line(pending.data() + from, nl - from);
      if (line.rfind("data: ", 0) == 0) record_event(run, line.substr(6));
      from = nl + 1;
    }
    pending.erase(0, from);
    auto space = buffer.prepare(64 * 1024);
    const auto n =
        co_await socket.async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
    buffer.commit(n);
    if (ec) break;
  }
  run.stream_socket = nullptr;
  // Closed by us after the settle wait is fine; closed before is the server dropping a reader
  // that fell behind (or a server gone), and the pipeline figures are then incomplete.
  if (ec != asio::error::operation_aborted) run.stream_dropped = true;
}

bool all_routed(const Run& run) {
  return std::all_of(run.accepted_ids.begin(), run.accepted_ids.end(), [&](std::int64_t id) {
    const auto it = run.events.find(id);
    return it != run.events.end() && it->second.routed != 0;
  });
}

// Reads the trails (GET /api/tickets/{id}/events) of trails_to_read not yet taken.
asio::awaitable<void> trail_reader(Run& run) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  beast::flat_buffer buffer;
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  co_await stream.async_connect(run.server, asio::redirect_error(asio::use_awaitable, ec));
  for (auto i = run.next_trail++; i < run.trails_to_read.size(); i = run.next_trail++) {
    const auto id = run.trails_to_read[i];
    if (ec) {  // this reader's connection failed: the rest it takes count as unread
      run.trails_incomplete.push_back(id);
      continue;
    }
    const auto target = "/api/tickets/" + std::to_string(id) + "/events";
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!run.options.key.empty()) req.set(bhttp::field::authorization, "Bearer " + run.options.key);
    bhttp::response<bhttp::string_body> res;
    stream.expires_after(std::chrono::seconds(30));
    co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec)
      co_await bhttp::async_read(stream, buffer, res,
                                 asio::redirect_error(asio::use_awaitable, ec));
    const auto trail = json::parse(res.body(), nullptr, false);
    bool created = false, routed = false;
    if (!ec && res.result_int() == 200 && trail.is_object() && trail.contains("events") &&
        trail["events"].is_array()) {
      for (const auto& e : trail["events"]) {
        if (!e.is_object()) continue;
        created = created || e.value("event_type", "") == "ticket.created";
        routed = routed || e.value("event_type", "") == "ticket.routed";
      }
    }
    if (created && routed)
      ++run.trails_complete;
    else
      run.trails_incomplete.push_back(id);
  }
  --run.trail_readers_left;
}

// After the senders: wait (bounded) for the routing of every accepted ticket, read the trails
// when asked, then stop.
asio::awaitable<void> finisher(Run& run) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  beast::error_code ec;
  const auto send_deadline =
      Clock::now() + std::chrono::duration<double>(run.options.duration_s * 2 + 60);
  while ((run.senders_left > 0 || run.start == Clock::time_point{}) &&
         Clock::now() < send_deadline) {
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  const auto settle_deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(run.options.settle_s));
  while (!all_routed(run) && !run.stream_dropped && Clock::now() < settle_deadline) {
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (run.stream_socket) run.stream_socket->close(ec);
  if (!run.options.check_trails) co_return;
  // Passes over the trails still incomplete, a second apart, for at most --settle seconds.
  constexpr int kTrailConnections = 8;
  auto ex = co_await asio::this_coro::executor;
  run.trails_incomplete = run.accepted_ids;
  const auto trails_deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(std::max(1.0, run.options.settle_s)));
  while (!run.trails_incomplete.empty() && Clock::now() < trails_deadline) {
    run.trails_to_read = std::move(run.trails_incomplete);
    run.trails_incomplete.clear();
    run.next_trail = 0;
    run.trail_readers_left = kTrailConnections;
    for (int c = 0; c < kTrailConnections; ++c)
      asio::co_spawn(ex, trail_reader(run), asio::detached);
    // Bounded: every request of a reader times out.
    while (run.trail_readers_left > 0) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (run.trails_incomplete.empty()) break;
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

int report(const Run& run) {
  const auto& o = run.options;
  std::vector<double> latencies;
  std::int64_t errors = 0;
  for (const auto& s : run.sent) {
    if (s.status == 201 || s.status == 202)
      latencies.push_back(s.latency_ms);
    else
      ++errors;
  }
  std::vector<double> pipeline;
  std::map<std::string, std::int64_t> by;
  std::int64_t in_window = 0;
  const Millis window_from = run.first_due_wall_ms + std::llround(o.window_from_s * 1000);
  const Millis window_to = run.first_due_wall_ms + std::llround(o.duration_s * 1000);
  for (const auto id : run.accepted_ids) {
    const auto it = run.events.find(id);
    if (it == run.events.end() || it->second.routed == 0 || it->second.created == 0) continue;
    // Clocks of different processes may disagree a little: a negative span reads as 0.
    pipeline.push_back(
        static_cast<double>(std::max<Millis>(0, it->second.routed - it->second.created)));
    ++by[it->second.categorized_by];
    if (it->second.routed >= window_from && it->second.routed < window_to) ++in_window;
  }
  const auto missing = static_cast<std::int64_t>(run.accepted_ids.size() - pipeline.size());
  const double window_s = std::max(0.001, o.duration_s - o.window_from_s);
  const double achieved = static_cast<double>(latencies.size()) / o.duration_s;

  std::cout << "requests: " << run.total << " at " << o.rate << "/s for " << o.duration_s
            << " s over " << o.connections << " connections ("
            << (o.wait_for_routing ? "each waiting for its routing" : "asynchronous creates")
            << "); latency from each request's scheduled time\n";
  std::cout << "pipeline: ticket.created -> ticket.routed, occurred_at_ms of the events\n";
  std::string by_text;
  for (const auto& [name, n] : by)
    by_text += (by_text.empty() ? "" : ",") + name + ":" + std::to_string(n);
  std::printf(
      "RESULT sent=%lld accepted=%zu errors=%lld rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
      "max_ms=%.2f\n",
      static_cast<long long>(run.total), latencies.size(), static_cast<long long>(errors), achieved,
      percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
      percentile(latencies, 100));
  std::printf(
      "PIPELINE routed=%zu missing=%lld p50_ms=%.0f p90_ms=%.0f p99_ms=%.0f max_ms=%.0f "
      "routed_rps=%.1f by=%s stream_dropped=%d\n",
      pipeline.size(), static_cast<long long>(missing), percentile(pipeline, 50),
      percentile(pipeline, 90), percentile(pipeline, 99), percentile(pipeline, 100),
      static_cast<double>(in_window) / window_s, by_text.empty() ? "-" : by_text.c_str(),
      run.stream_dropped ? 1 : 0);
  const auto accepted = static_cast<std::int64_t>(run.accepted_ids.size());
  const bool trails_ok = !o.check_trails || run.trails_complete == accepted;
  if (o.check_trails)
    std::printf("TRAILS checked=%lld complete=%lld\n", static_cast<long long>(accepted),
                static_cast<long long>(run.trails_complete));
  std::fflush(stdout);
  return errors == 0 && missing == 0 && !run.stream_dropped && trails_ok ? 0 : 1;
}

int main_(int argc, char** argv) {
  CLI::App app{"Constant-rate creates (coordinated omission corrected) and the pipeline's latency"};
  Options o;
  std::string key_file;
  app.add_option("--port", o.port, "the server (or gateway) on 127.0.0.1")->required();
  app.add_option("--key-file", key_file, "an agent's or admin's key (rate limit 0)");
  app.add_option("--rate", o.rate, "requests per second")->check(CLI::Range(0.1, 100000.0));
  app.add_option("--duration", o.duration_s, "seconds of sending")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--connections", o.connections)->check(CLI::Range(1, 1000));
  app.add_flag("--wait", o.wait_for_routing, "each create waits for its routing (201)");
  app.add_option("--settle", o.settle_s, "seconds to wait for the last routings")
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--window-from", o.window_from_s,
                 "routed/s counts routings from this many seconds after the start (a warm-up)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_flag("--trails", o.check_trails,
               "read back each accepted ticket's trail: ticket.created and ticket.routed recorded");
  CLI11_PARSE(app, argc, argv);
  if (o.window_from_s >= o.duration_s) {
    std::cerr << "pipeline_load: --window-from must be less than --duration\n";
    return 2;
  }
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    std::getline(in, o.key);
  }

  Run run;
  run.options = o;
  run.server = tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port);
  run.total = std::llround(o.rate * o.duration_s);
  run.sent.resize(static_cast<std::size_t>(run.total));
  std::mt19937_64 rng{std::random_device{}()};
  run.run_tag = "load";
  for (int i = 0; i < 6; ++i) run.run_tag.push_back(static_cast<char>('a' + rng() % 26));

  asio::io_context ioc;
  std::exception_ptr failed;
  asio::co_spawn(ioc, event_reader(run), [&](std::exception_ptr e) {
    failed = e;
    if (e) ioc.stop();  // the stream never opened: nothing was sent
  });
  asio::co_spawn(ioc, finisher(run), asio::detached);
  ioc.run();
  if (failed) std::rethrow_exception(failed);
  return report(run);
}

}  // namespace
}  // namespace st::bench

int main(int argc, char** argv) {
  try {
    return st::bench::main_(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "pipeline_load: " << e.what() << "\n";
    return 1;
  }
}
