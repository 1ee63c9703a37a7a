#include "metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace st::metrics {

namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Shortest text that reads back as the same double: 0.1 prints "0.1".
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
}

std::string label_text(const Labels& constant, const Labels& labels,
                       const std::string& extra_name = {}, const std::string& extra_value = {}) {
  if (constant.empty() && labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  auto own = [&labels](const std::string& key) {
    return std::any_of(labels.begin(), labels.end(), [&](const auto& l) { return l.first == key; });
  };
  for (const auto* set : {&constant, &labels})
    for (const auto& [k, v] : *set) {
      // A series' own label wins over a constant one of the same name (a label may appear
      // once).
      if (set == &constant && own(k)) continue;
      if (!first) out += ',';
      first = false;
      out += k + "=\"" + escape(v, true) + "\"";
    }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
    throw std::invalid_argument("histogram bounds must be strictly ascending");
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // The +Inf bucket and _count must agree; derive both from the buckets.
  s.count = running;
  return s;
}

std::vector<double> latency_buckets_seconds() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

Registry::Series& Registry::series(const std::string& name, const std::string& help, Type type,
                                   const Labels& labels) {
  if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& [k, v] : labels)
    if (!valid_name(k, false) || k.starts_with("__") || k == "le")
      throw std::invalid_argument("invalid label name '" + k + "' on metric " + name);
  auto [it, inserted] = families_.try_emplace(name, Family{type, help, {}});
  Family& family = it->second;
  if (family.type != type)
    throw std::invalid_argument("metric " + name + " is already registered as another type");
  for (auto& s : family.series)
    if (s->labels == labels) return *s;
  family.series.push_back(std::make_unique<Series>());
  family.series.back()->labels = labels;
  return *family.series.back();
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, help, Type::counter, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, help, Type::gauge, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, help, Type::histogram, labels);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(bounds);
  if (s.histogram->bounds() != bounds)
    throw std::invalid_argument("histogram " + name + " is already registered with other bounds");
  return *s.histogram;
}

void Registry::set_constant_labels(Labels labels) {
  for (const auto& [k, v] : labels)
    if (!valid_name(k, false) || k.starts_with("__") || k == "le")
      throw std::invalid_argument("invalid constant label name '" + k + "'");
  std::lock_guard lock(mutex_);
  constant_labels_ = std::move(labels);
}

void Registry::add_collector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

void Registry::include(const Registry& other) {
  if (&other == this) throw std::invalid_argument("a registry cannot include itself");
  std::lock_guard lock(mutex_);
  included_.push_back(&other);
}

std::string Registry::render() const {
  std::vector<std::function<void()>> collectors;
  std::vector<const Registry*> included;
  Labels constant;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
    included = included_;
    constant = constant_labels_;
  }
  // Outside mutex_: a collector sets gauges, which may register series.
  {
    std::lock_guard collecting(collect_mutex_);
    for (auto& collect : collectors) collect();
  }
  std::string out;
  render_families(out, constant);
  for (const auto* other : included) other->render_families(out, constant);
  return out;
}

void Registry::render_families(std::string& out, const Labels& constant) const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::counter ? "counter"
                       : family.type == Type::gauge ? "gauge"
                                                    : "histogram";
    out += "# HELP " + name + " " + escape(family.help, false) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& s : family.series) {
      if (s->counter)
        out += name + label_text(constant, s->labels) + " " + std::to_string(s->counter->value()) +
               "\n";
      if (s->gauge)
        out +=
            name + label_text(constant, s->labels) + " " + format_number(s->gauge->value()) + "\n";
      if (s->histogram) {
        const auto snap = s->histogram->snapshot();
        const auto& bounds = s->histogram->bounds();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          const std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
          out += name + "_bucket" + label_text(constant, s->labels, "le", le) + " " +
                 std::to_string(snap.cumulative[i]) + "\n";
        }
        out +=
            name + "_sum" + label_text(constant, s->labels) + " " + format_number(snap.sum) + "\n";
        out += name + "_count" + label_text(constant, s->labels) + " " +
               std::to_string(snap.count) + "\n";
      }
    }
  }
}

}  // namespace st::metrics
