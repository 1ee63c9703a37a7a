#include "services/categorizer/caching_categorizer.hpp"

namespace st::services::categorizer {

namespace {

void append_normalized(std::string& out, std::string_view text) {
  bool pending_space = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty() && out.back() != '\x1f' && out.back() != '\x1e') out += ' ';
    pending_space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

}  // namespace

CachingCategorizer::CachingCategorizer(ports::Categorizer& inner, CacheOptions options,
                                       metrics::Registry* metrics, NowFunction now)
    : inner_(inner), options_(options), now_(std::move(now)) {
  if (metrics) {
    const metrics::Labels labels{{"strategy", std::string(inner_.name())}};
    hits_ = &metrics->counter("smartticket_categorizer_cache_hits_total",
                              "Answers served from the categorization cache", labels);
    misses_ = &metrics->counter("smartticket_categorizer_cache_misses_total",
                                "Lookups the categorization cache could not answer", labels);
  }
}

std::string CachingCategorizer::key_of(const ports::CategorizationRequest& request) {
  std::string key;
  key.reserve(request.title.size() + request.description.size() + 64);
  append_normalized(key, request.title);
  key += '\x1f';
  append_normalized(key, request.description);
  // The answer depends on the allowed departments: a new or retired one is a new question.
  for (const auto& d : request.departments) {
    key += '\x1e';
    key += d;
  }
  return key;
}

std::optional<ports::Categorization> CachingCategorizer::categorize(
    const ports::CategorizationRequest& request) {
  if (options_.capacity == 0) return inner_.categorize(request);
  const auto key = key_of(request);
  {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      if (it->second->expires > now_()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        if (hits_) hits_->inc();
        return it->second->value;
      }
      lru_.erase(it->second);
      index_.erase(it);
    }
  }
  if (misses_) misses_->inc();
  auto answer = inner_.categorize(request);
  if (!answer) return answer;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {  // a concurrent miss stored it first
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front({key, *answer, now_() + options_.ttl});
  index_.emplace(key, lru_.begin());
  while (lru_.size() > options_.capacity) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return answer;
}

std::size_t CachingCategorizer::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace st::services::categorizer
