#include "chaos/load_driver.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "support/http_client.hpp"

namespace st::chaos {
namespace {

// A few realistic tickets, one per default department, so routing has real work to do.
struct Sample {
  const char* title;
  const char* description;
};
constexpr Sample kSamples[] = {
    {"Laptop will not boot", "My laptop shows a black screen after the update and will not start."},
    {"Refund for a double charge", "My card was charged twice for the same invoice this month."},
    {"Cannot log in to the portal", "The password reset link says expired every time I try."},
    {"Question about my contract", "When does my subscription renew and can I change the plan?"},
    {"VPN drops every few minutes", "The VPN disconnects constantly since yesterday afternoon."},
    {"Invoice address is wrong", "Please correct the billing address on invoice 4471."},
};

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

std::string chaos_title(const std::string& run_tag, int index) {
  const auto& s = kSamples[static_cast<std::size_t>(index) % std::size(kSamples)];
  return std::string(s.title) + " " + run_tag + " #" + std::to_string(index);
}

LoadResult drive_load(const LoadOptions& o, Clock::time_point started) {
  LoadResult result;
  result.ids.resize(static_cast<std::size_t>(o.count));
  result.started = started;
  std::atomic<int> next{0};
  std::mutex attempts_mutex;
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);

  auto worker = [&] {
    std::unique_ptr<e2e::HttpClient> http;
    std::vector<Attempt> mine;
    for (int i = next++; i < o.count; i = next++) {
      const auto due = result.started + std::chrono::duration_cast<Clock::duration>(interval * i);
      std::this_thread::sleep_until(due);
      const nlohmann::json body = {
          {"title", chaos_title(o.run_tag, i)},
          {"description", kSamples[static_cast<std::size_t>(i) % std::size(kSamples)].description},
          {"user_name", "Chaos Client"},
          {"user_email", "chaos@example.com"}};
      e2e::Headers headers = {{"Idempotency-Key", o.run_tag + "-" + std::to_string(i)}};
      if (o.respond_async) headers.emplace_back("Prefer", "respond-async");
      if (!o.key.empty()) headers.emplace_back("Authorization", "Bearer " + o.key);
      // Bounded: the retry budget, and at most one attempt per 100 ms.
      while (Clock::now() < due + o.retry_budget) {
        int status = 0;
        const auto sent = Clock::now();
        auto attempt = [&] {
          const std::chrono::duration<double, std::milli> took = Clock::now() - sent;
          return Attempt{ms_since(result.started), status, took.count()};
        };
        try {
          if (!http)
            http = std::make_unique<e2e::HttpClient>(
                "127.0.0.1", o.port, std::chrono::seconds(o.respond_async ? 5 : 15));
          const auto r = http->post_json("/api/tickets", body, headers);
          status = r.status;
          if ((status == 201 || status == 202) && r.json.contains("ticket_id")) {
            mine.push_back(attempt());
            result.ids[static_cast<std::size_t>(i)] = r.json["ticket_id"].get<std::int64_t>();
            break;
          }
        } catch (const std::exception&) {
          http.reset();  // the connection is gone; the next attempt opens a new one
        }
        mine.push_back(attempt());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    std::lock_guard lock(attempts_mutex);
    result.attempts.insert(result.attempts.end(), mine.begin(), mine.end());
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < o.workers; ++w) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return result;
}

}  // namespace st::chaos
