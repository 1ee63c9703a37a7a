#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace st::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsRegistryTest, RendersCountersWithHelpTypeAndLabels) {
  Registry r;
  r.counter("calls_total", "Calls made", {{"outcome", "ok"}}).inc(3);
  r.counter("calls_total", "Calls made", {{"outcome", "failed"}}).inc();
  const auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP calls_total Calls made\n# TYPE calls_total counter\n"));
  EXPECT_TRUE(contains(text, "calls_total{outcome=\"ok\"} 3\n"));
  EXPECT_TRUE(contains(text, "calls_total{outcome=\"failed\"} 1\n"));
}

TEST(MetricsRegistryTest, TheSameNameAndLabelsGiveTheSameSeries) {
  Registry r;
  auto& a = r.counter("hits_total", "Hits");
  auto& b = r.counter("hits_total", "Hits");
  EXPECT_EQ(&a, &b);
  a.inc();
  b.inc();
  EXPECT_EQ(a.value(), 2u);
  EXPECT_TRUE(contains(r.render(), "hits_total 2\n"));
}

TEST(MetricsRegistryTest, RendersGauges) {
  Registry r;
  auto& g = r.gauge("in_flight", "Calls in flight");
  g.add(2);
  g.add(-1);
  EXPECT_TRUE(contains(r.render(), "# TYPE in_flight gauge\nin_flight 1\n"));
  g.set(0.5);
  EXPECT_TRUE(contains(r.render(), "in_flight 0.5\n"));
}

TEST(MetricsRegistryTest, RendersCumulativeHistogramBuckets) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "Latency", {0.1, 1}, {{"api", "x"}});
  h.observe(0.05);
  h.observe(0.1);  // a bound is inclusive
  h.observe(0.5);
  h.observe(7);
  const auto text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE latency_seconds histogram\n"));
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{api=\"x\",le=\"0.1\"} 2\n"));
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{api=\"x\",le=\"1\"} 3\n"));
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{api=\"x\",le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(contains(text, "latency_seconds_sum{api=\"x\"} 7.65"));
  EXPECT_TRUE(contains(text, "latency_seconds_count{api=\"x\"} 4\n"));
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  Registry r;
  r.counter("odd_total", "line one\nback\\slash", {{"v", "a\"b\\c\nd"}}).inc();
  const auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP odd_total line one\\nback\\\\slash\n"));
  EXPECT_TRUE(contains(text, "odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(MetricsRegistryTest, RejectsInvalidNamesAndTypeClashes) {
  Registry r;
  EXPECT_THROW(r.counter("1abc", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("a-b", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "x", {{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "x", {{"__reserved", "1"}}), std::invalid_argument);
  r.counter("taken", "x");
  EXPECT_THROW(r.gauge("taken", "x"), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "x", {2, 1}), std::invalid_argument);
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreAllCounted) {
  Registry r;
  auto& c = r.counter("n_total", "n");
  auto& h = r.histogram("d_seconds", "d", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.value(), 40'000u);
  EXPECT_EQ(h.snapshot().count, 40'000u);
  EXPECT_DOUBLE_EQ(h.snapshot().sum, 20'000.0);
}

TEST(MetricsRegistryTest, ConstantLabelsComeFirstOnEverySeriesButNeverTwice) {
  Registry r;
  r.set_constant_labels({{"service", "routing"}, {"instance", "pod-1"}});
  r.counter("events_total", "Events", {{"queue", "routing"}}).inc();
  r.gauge("backlog", "Backlog", {{"service", "tickets"}}).set(4);
  r.histogram("wait_seconds", "Wait", {1}).observe(0.5);
  const auto text = r.render();
  EXPECT_TRUE(
      contains(text, "events_total{service=\"routing\",instance=\"pod-1\",queue=\"routing\"} 1\n"));
  // The series' own label wins over the constant one of the same name.
  EXPECT_TRUE(contains(text, "backlog{instance=\"pod-1\",service=\"tickets\"} 4\n"));
  EXPECT_TRUE(
      contains(text, "wait_seconds_bucket{service=\"routing\",instance=\"pod-1\",le=\"1\"} 1\n"));
  EXPECT_TRUE(contains(text, "wait_seconds_count{service=\"routing\",instance=\"pod-1\"} 1\n"));
}

TEST(MetricsRegistryTest, CollectorsRunBeforeEachRender) {
  Registry r;
  auto& depth = r.gauge("queue_messages", "Depth");
  int scrapes = 0;
  r.add_collector([&] { depth.set(++scrapes * 10); });
  EXPECT_TRUE(contains(r.render(), "queue_messages 10\n"));
  EXPECT_TRUE(contains(r.render(), "queue_messages 20\n"));
}

TEST(MetricsRegistryTest, AnIncludedRegistryRendersWithTheIncludersConstantLabels) {
  Registry process;
  Registry component;
  process.set_constant_labels({{"service", "categorizer"}});
  process.include(component);
  component.counter("decisions_total", "Decisions").inc(2);
  process.counter("requests_total", "Requests").inc();
  const auto text = process.render();
  EXPECT_TRUE(contains(text, "decisions_total{service=\"categorizer\"} 2\n"));
  EXPECT_TRUE(contains(text, "requests_total{service=\"categorizer\"} 1\n"));
  EXPECT_THROW(process.include(process), std::invalid_argument);
}

TEST(MetricsRegistryTest, RejectsAnInvalidConstantLabelName) {
  Registry r;
  EXPECT_THROW(r.set_constant_labels({{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(r.set_constant_labels({{"9lives", "x"}}), std::invalid_argument);
}

TEST(Registry, ConcurrentScrapesRunACatchUpCollectorOneAtATime) {
  // A counter mirroring a total kept elsewhere (the outbox relay's), caught up at each scrape
  // with a pause between reading it and adding to it, as a preempted thread might have.
  Registry registry;
  auto& mirrored = registry.counter("relayed_total", "h");
  const std::uint64_t total = 7;
  registry.add_collector([&mirrored, total] {
    const auto seen = mirrored.value();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    if (total > seen) mirrored.inc(total - seen);
  });
  std::vector<std::thread> scrapes;
  for (int i = 0; i < 4; ++i) scrapes.emplace_back([&registry] { (void)registry.render(); });
  for (auto& t : scrapes) t.join();
  EXPECT_EQ(mirrored.value(), total);
}

}  // namespace
}  // namespace st::metrics
