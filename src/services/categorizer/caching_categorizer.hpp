#pragma once
// An LRU cache with a time-to-live in front of a costly strategy (Claude): a ticket whose
// normalized title and description (and department list) were answered within the TTL gets
// the same answer without a call. Only answers are cached, never "cannot decide", so the
// fallbacks' decisions during an outage are not remembered once Claude is back.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "metrics/registry.hpp"
#include "ports/categorizer.hpp"

namespace st::services::categorizer {

struct CacheOptions {
  std::size_t capacity = 1000;  // entries; 0 disables the cache
  std::chrono::seconds ttl{3600};
};

class CachingCategorizer final : public ports::Categorizer {
 public:
  using NowFunction = std::function<std::chrono::steady_clock::time_point()>;

  CachingCategorizer(ports::Categorizer& inner, CacheOptions options,
                     metrics::Registry* metrics = nullptr,
                     NowFunction now = &std::chrono::steady_clock::now);

  std::optional<ports::Categorization> categorize(
      const ports::CategorizationRequest& request) override;
  std::string_view name() const override { return inner_.name(); }
  ports::CategorizerHealth health() override { return inner_.health(); }

  std::size_t size() const;

  // Lower-cased, whitespace runs collapsed to one space, trimmed; fields and departments
  // separated by control characters that user text cannot contain after validation.
  static std::string key_of(const ports::CategorizationRequest& request);

 private:
  struct Entry {
    std::string key;
    ports::Categorization value;
    std::chrono::steady_clock::time_point expires;
  };

  ports::Categorizer& inner_;
  const CacheOptions options_;
  const NowFunction now_;
  metrics::Counter* hits_ = nullptr;
  metrics::Counter* misses_ = nullptr;

  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace st::services::categorizer
