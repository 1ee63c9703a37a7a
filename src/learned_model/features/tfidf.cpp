#include "learned_model/features/tfidf.hpp"

#include <algorithm>
#include <cmath>

namespace st::learned_model {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = kFnvOffset) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace

template <typename F>
void TfidfVectorizer::for_each_term(std::string_view text, F&& f) const {
  const auto words = words_of(text);
  const auto min_n = static_cast<std::size_t>(std::max(1, options_.min_n));
  const auto max_n = static_cast<std::size_t>(std::max(options_.min_n, options_.max_n));
  if (options_.analyzer == Analyzer::words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::uint64_t h = kFnvOffset;
      for (std::size_t n = 1; n <= max_n && i + n <= words.size(); ++n) {
        if (n > 1) h = fnv1a(" ", h);
        h = fnv1a(words[i + n - 1], h);
        if (n >= min_n) f(h ^ n);  // the length keeps "a b" and a one-word "a b" apart
      }
    }
    return;
  }
  std::string padded;
  for (const auto w : words) {
    padded.assign(1, ' ');
    padded.append(w);
    padded.push_back(' ');
    for (std::size_t n = min_n; n <= max_n; ++n) {
      // A word shorter than n counts once, as a whole (as the padded word itself).
      if (padded.size() <= n) {
        f(fnv1a(padded));
        break;
      }
      for (std::size_t at = 0; at + n <= padded.size(); ++at) f(fnv1a(padded.substr(at, n)));
    }
  }
}

TfidfVectorizer::TfidfVectorizer(const std::vector<std::string>& documents, TfidfOptions options)
    : options_(options) {
  std::vector<std::uint32_t> df;
  std::vector<std::uint32_t> seen_in;  // last document that counted each term
  for (std::uint32_t d = 0; d < documents.size(); ++d) {
    for_each_term(documents[d], [&](std::uint64_t h) {
      auto [it, added] = ids_.try_emplace(h, static_cast<std::uint32_t>(df.size()));
      if (added) {
        df.push_back(0);
        seen_in.push_back(UINT32_MAX);
      }
      if (seen_in[it->second] != d) {
        seen_in[it->second] = d;
        ++df[it->second];
      }
    });
  }
  const double n = static_cast<double>(documents.size());
  idf_.resize(df.size());
  for (std::size_t t = 0; t < df.size(); ++t)
    idf_[t] = static_cast<float>(1.0 + std::log((1.0 + n) / (1.0 + df[t])));
}

SparseVector TfidfVectorizer::transform(std::string_view text) const {
  SparseVector v;
  for_each_term(text, [&](std::uint64_t h) {
    if (auto it = ids_.find(h); it != ids_.end()) v.push_back({it->second, 1.0f});
  });
  std::sort(v.begin(), v.end(), [](const Term& a, const Term& b) { return a.id < b.id; });
  SparseVector out;
  for (const Term& t : v) {
    if (!out.empty() && out.back().id == t.id)
      out.back().weight += 1.0f;
    else
      out.push_back(t);
  }
  double norm = 0;
  for (Term& t : out) {
    t.weight = static_cast<float>((1.0 + std::log(t.weight)) * idf_[t.id]);
    norm += static_cast<double>(t.weight) * t.weight;
  }
  if (norm > 0) {
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (Term& t : out) t.weight *= scale;
  }
  return out;
}

float dot(const SparseVector& a, const SparseVector& b) {
  float s = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].id < b[j].id)
      ++i;
    else if (b[j].id < a[i].id)
      ++j;
    else
      s += a[i++].weight * b[j++].weight;
  }
  return s;
}

}  // namespace st::learned_model
