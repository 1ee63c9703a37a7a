#pragma once
// A small metrics registry that renders the Prometheus text exposition format (0.0.4):
// counters, gauges and histograms, each series named by a metric name and a label set.
// Updating a metric is lock-free (atomics); only registering a series and rendering take
// the registry's lock. Metrics live as long as the registry, so references stay valid.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace st::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  // For a counter that follows a total kept elsewhere (read at scrape time): moves it up to
  // `total`; never down. One scraper at a time.
  void advance_to(std::uint64_t total) {
    if (total > value()) inc(total - value());
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // Upper bounds, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, from 5 ms to 30 s: a network call to an API.
std::vector<double> latency_buckets_seconds();

class Registry {
 public:
  // Returns the series for (name, labels), creating it on first use. Throws
  // std::invalid_argument for an invalid name or label name, or when `name` is already
  // registered as another type.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});

  // Labels every series of this registry carries when rendered (a distributed process's
  // service and instance). Set before the first render.
  void set_constant_labels(Labels labels);
  // Runs at each render, before any series is read: sets the gauges that are read from
  // elsewhere at scrape time (queue depths, dead letters). It must not throw past itself
  // (a failing source leaves its gauges at their last value) and must not render.
  void add_collector(std::function<void()> collect);
  // Another registry rendered with this one (its families must not repeat one of ours): a
  // component that keeps its own. `other` must outlive this registry.
  void include(const Registry& other);

  // Every series, families sorted by name, in the text exposition format.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<std::unique_ptr<Series>> series;
  };
  Series& series(const std::string& name, const std::string& help, Type type, const Labels& labels);
  void render_families(std::string& out, const Labels& constant) const;

  mutable std::mutex mutex_;
  // Scrapes run the collectors one at a time: a collector that catches a counter up with a
  // total (value → inc by the difference) would count twice if two ran at once.
  mutable std::mutex collect_mutex_;
  std::map<std::string, Family> families_;
  Labels constant_labels_;
  std::vector<std::function<void()>> collectors_;
  std::vector<const Registry*> included_;
};

}  // namespace st::metrics
