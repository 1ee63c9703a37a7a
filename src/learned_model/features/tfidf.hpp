#pragma once
// TF-IDF vectors of short texts, the representation behind the learned model's neighbour
// memory and its linear n-gram classifier. Terms are word n-grams or character n-grams taken
// inside words (each word padded with a space on both sides, so "print" yields " pr", "pri",
// ..., "nt "); they are identified by a 64-bit hash, so a vocabulary costs no strings.
// Weights: sublinear term frequency (1 + ln tf) times smoothed inverse document frequency
// (1 + ln((1 + n) / (1 + df))), and every vector has unit length, so a dot product is the
// cosine similarity.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace st::learned_model {

struct Term {
  std::uint32_t id = 0;
  float weight = 0;
};
using SparseVector = std::vector<Term>;  // sorted by id, unit length (or empty)

enum class Analyzer {
  words,           // word n-grams of min_n..max_n words
  chars_in_words,  // character n-grams of min_n..max_n bytes inside padded words
};

struct TfidfOptions {
  Analyzer analyzer = Analyzer::chars_in_words;
  int min_n = 3;
  int max_n = 5;
};

class TfidfVectorizer {
 public:
  TfidfVectorizer() = default;
  // Learns the vocabulary and document frequencies of `documents`.
  TfidfVectorizer(const std::vector<std::string>& documents, TfidfOptions options);

  // Terms never seen while fitting are left out (they say nothing about the documents).
  SparseVector transform(std::string_view text) const;
  std::size_t terms() const { return idf_.size(); }
  const TfidfOptions& options() const { return options_; }

 private:
  // Calls f(hash) for every term occurrence in `text`.
  template <typename F>
  void for_each_term(std::string_view text, F&& f) const;

  TfidfOptions options_;
  std::unordered_map<std::uint64_t, std::uint32_t> ids_;
  std::vector<float> idf_;
};

float dot(const SparseVector& a, const SparseVector& b);

}  // namespace st::learned_model
