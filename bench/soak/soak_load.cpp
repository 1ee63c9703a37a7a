// The soak run's load and its record: tickets created at a steady rate for a long time (each
// waiting for its routing, so a latency is the whole pipeline's), the server's RSS sampled as
// it goes, and per interval the p50/p99 latency and the RSS, as CSV and as an SVG chart.
// bench/soak/run starts the server and calls this; docs/reliability.md shows the chart.
//
//   soak_load --port P --pid PID [--key-file F] [--minutes 30] [--rate 100] [--interval 30]
//             --csv FILE --svg FILE
//
// Exit 0 when every ticket was accepted; the figures are for a reader to judge (no growth).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "chaos/load_driver.hpp"

namespace st::soak {
namespace {

using chaos::Clock;

struct Row {
  double minute = 0;  // the interval's end, in minutes since the start
  double rss_mib = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t accepted = 0;
  std::size_t failed = 0;
};

double rss_mib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// One panel: a polyline of (minute, value) in a box, with its scale written at the axis.
void panel(std::ostream& svg, const std::vector<Row>& rows, double Row::*field,
           const std::string& title, int top) {
  constexpr int kLeft = 70, kWidth = 620, kHeight = 160;
  double max_v = 0, max_t = 0;
  for (const auto& r : rows) {
    max_v = std::max(max_v, r.*field);
    max_t = std::max(max_t, r.minute);
  }
  max_v = max_v > 0 ? max_v * 1.15 : 1;
  max_t = max_t > 0 ? max_t : 1;
  svg << "<text x='" << kLeft << "' y='" << top - 8 << "' font-size='14'>" << title << "</text>\n";
  svg << "<rect x='" << kLeft << "' y='" << top << "' width='" << kWidth << "' height='" << kHeight
      << "' fill='none' stroke='#999'/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = max_v * i / 4;
    const int y = top + kHeight - kHeight * i / 4;
    svg << "<text x='" << kLeft - 6 << "' y='" << y + 4 << "' font-size='11' text-anchor='end'>"
        << std::lround(v) << "</text>\n";
    svg << "<line x1='" << kLeft << "' y1='" << y << "' x2='" << kLeft + kWidth << "' y2='" << y
        << "' stroke='#eee'/>\n";
  }
  svg << "<polyline fill='none' stroke='#1f6feb' stroke-width='2' points='";
  for (const auto& r : rows)
    svg << kLeft + r.minute / max_t * kWidth << ',' << top + kHeight - (r.*field) / max_v * kHeight
        << ' ';
  svg << "'/>\n";
  svg << "<text x='" << kLeft + kWidth << "' y='" << top + kHeight + 16
      << "' font-size='11' text-anchor='end'>" << std::lround(max_t) << " min</text>\n";
  svg << "<text x='" << kLeft << "' y='" << top + kHeight + 16 << "' font-size='11'>0</text>\n";
}

void write_svg(const std::string& file, const std::vector<Row>& rows, const std::string& caption) {
  std::ofstream svg(file);
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='720' height='470' "
         "font-family='sans-serif'>\n<rect width='720' height='470' fill='white'/>\n";
  svg << "<text x='70' y='20' font-size='13' fill='#555'>" << caption << "</text>\n";
  panel(svg, rows, &Row::rss_mib, "Server RSS (MiB)", 60);
  panel(svg, rows, &Row::p99_ms, "Create, routed in the answer: p99 per interval (ms)", 270);
  svg << "</svg>\n";
}

std::string random_tag() {
  std::mt19937_64 rng{std::random_device{}()};
  std::string tag = "soak";
  for (int i = 0; i < 8; ++i) tag.push_back(static_cast<char>('a' + rng() % 26));
  return tag;
}

int run(int argc, char** argv) {
  CLI::App app{"Soak: a steady load for a long time, RSS and p99 over time"};
  chaos::LoadOptions load;
  int pid = 0;
  double minutes = 30, interval_s = 30;
  std::string key_file, csv_file, svg_file;
  app.add_option("--port", load.port)->required();
  app.add_option("--pid", pid, "the server process, for its RSS")->required();
  app.add_option("--key-file", key_file);
  app.add_option("--minutes", minutes)->check(CLI::Range(0.1, 24 * 60.0));
  app.add_option("--rate", load.rate)->check(CLI::Range(1.0, 5000.0));
  app.add_option("--interval", interval_s, "seconds per row")->check(CLI::Range(1.0, 3600.0));
  app.add_option("--csv", csv_file)->required();
  app.add_option("--svg", svg_file)->required();
  CLI11_PARSE(app, argc, argv);
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    std::getline(in, load.key);
  }
  load.run_tag = random_tag();
  load.count = static_cast<int>(minutes * 60 * load.rate);
  load.respond_async = false;
  load.retry_budget = std::chrono::seconds(30);

  const auto started = Clock::now();
  std::vector<std::pair<double, double>> rss;  // (seconds, MiB)
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::thread sampler([&] {
    std::unique_lock lock(mutex);
    for (int i = 0; !done; ++i) {
      const std::chrono::duration<double> t = Clock::now() - started;
      rss.emplace_back(t.count(), rss_mib(pid));
      done_cv.wait_until(lock, started + std::chrono::milliseconds(1000 * (i + 1)),
                         [&] { return done; });
    }
  });
  const auto result = chaos::drive_load(load, started);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  done_cv.notify_all();
  sampler.join();

  const auto buckets = static_cast<std::size_t>(std::ceil(minutes * 60 / interval_s));
  std::vector<std::vector<double>> latencies(buckets);
  std::vector<Row> rows(buckets);
  for (const auto& a : result.attempts) {
    const auto b = std::min(buckets - 1, static_cast<std::size_t>(a.at_ms / 1000.0 / interval_s));
    if (a.status == 201 || a.status == 202) {
      latencies[b].push_back(a.latency_ms);
      ++rows[b].accepted;
    } else {
      ++rows[b].failed;
    }
  }
  for (std::size_t b = 0; b < buckets; ++b) {
    rows[b].minute = static_cast<double>(b + 1) * interval_s / 60;
    rows[b].p50_ms = quantile(latencies[b], 0.50);
    rows[b].p99_ms = quantile(latencies[b], 0.99);
    for (const auto& [t, mib] : rss)  // the last sample inside the interval
      if (t <= static_cast<double>(b + 1) * interval_s) rows[b].rss_mib = mib;
  }
  std::ofstream csv(csv_file);
  csv << "minute,rss_mib,p50_ms,p99_ms,accepted,failed\n";
  for (const auto& r : rows)
    csv << r.minute << ',' << r.rss_mib << ',' << r.p50_ms << ',' << r.p99_ms << ',' << r.accepted
        << ',' << r.failed << '\n';
  const auto missing =
      std::count_if(result.ids.begin(), result.ids.end(), [](const auto& id) { return !id; });
  std::ostringstream caption;
  caption << load.count << " tickets at " << load.rate << "/s for " << minutes
          << " min, one row per " << interval_s << " s; " << missing << " not accepted";
  write_svg(svg_file, rows, caption.str());
  std::cout << caption.str() << "\n";
  if (!rows.empty())
    std::cout << "RSS " << rows.front().rss_mib << " -> " << rows.back().rss_mib << " MiB; p99 "
              << rows.front().p99_ms << " -> " << rows.back().p99_ms << " ms\n";
  return missing == 0 ? 0 : 1;
}

}  // namespace
}  // namespace st::soak

int main(int argc, char** argv) {
  return st::soak::run(argc, argv);
}
