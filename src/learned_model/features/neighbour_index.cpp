#include "learned_model/features/neighbour_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace st::learned_model {

namespace {

// Candidates scored exactly per neighbour asked for (and at least kMinCandidates): enough
// that the rare-n-gram pre-selection does not change which neighbours are found.
constexpr std::size_t kCandidatesPerNeighbour = 8;
constexpr std::size_t kMinCandidates = 32;
// Below this many postings in all the query's lists, scoring every document is cheaper than
// pre-selecting (short tickets, small memories).
constexpr std::size_t kExhaustiveBudget = 50'000;

bool more_similar(const Neighbour& a, const Neighbour& b) {
  return a.similarity != b.similarity ? a.similarity > b.similarity : a.document < b.document;
}

std::vector<Neighbour> best(std::vector<Neighbour> all, std::size_t k) {
  const std::size_t n = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    more_similar);
  all.resize(n);
  return all;
}

}  // namespace

NeighbourIndex::NeighbourIndex(const std::vector<std::string>& documents,
                               std::vector<std::size_t> labels, TfidfOptions options)
    : vectorizer_(documents, options), labels_(std::move(labels)) {
  if (labels_.size() != documents.size())
    throw std::invalid_argument("neighbour index: one label per document");
  postings_.resize(vectorizer_.terms());
  documents_.reserve(documents.size());
  for (std::uint32_t d = 0; d < documents.size(); ++d) {
    documents_.push_back(vectorizer_.transform(documents[d]));
    for (const Term& t : documents_.back()) postings_[t.id].push_back({d, t.weight});
  }
  common_df_ = std::max<std::size_t>(1, documents.size() / 10);
}

std::vector<Neighbour> NeighbourIndex::exhaustive(const SparseVector& query, std::size_t k) const {
  // Scores accumulate term by term over the inverted lists: only documents that share an
  // n-gram with the query are touched. The buffers are reused by the thread's next query.
  thread_local std::vector<float> score;
  thread_local std::vector<std::uint32_t> touched;
  if (score.size() < labels_.size()) score.assign(labels_.size(), 0.0f);
  touched.clear();
  for (const Term& q : query) {
    for (const Posting& p : postings_[q.id]) {
      if (score[p.document] == 0.0f) touched.push_back(p.document);
      score[p.document] += q.weight * p.weight;
    }
  }
  std::vector<Neighbour> out;
  out.reserve(touched.size());
  for (const std::uint32_t d : touched) {
    if (score[d] > 0.0f) out.push_back({labels_[d], d, std::min(1.0f, score[d])});
    score[d] = 0.0f;
  }
  return best(std::move(out), k);
}

std::vector<Neighbour> NeighbourIndex::nearest(std::string_view text, std::size_t k) const {
  if (k == 0) return {};
  const SparseVector query = vectorizer_.transform(text);
  std::size_t postings = 0;
  for (const Term& q : query) postings += postings_[q.id].size();
  if (postings <= kExhaustiveBudget) return exhaustive(query, k);
  const std::size_t wanted = std::max(kMinCandidates, k * kCandidatesPerNeighbour);
  // Pre-selection on the rare n-grams only.
  thread_local std::vector<float> partial;
  thread_local std::vector<std::uint32_t> touched;
  if (partial.size() < labels_.size()) partial.assign(labels_.size(), 0.0f);
  touched.clear();
  for (const Term& q : query) {
    if (postings_[q.id].size() > common_df_) continue;
    for (const Posting& p : postings_[q.id]) {
      if (partial[p.document] == 0.0f) touched.push_back(p.document);
      partial[p.document] += q.weight * p.weight;
    }
  }
  if (touched.size() < wanted) {
    for (const std::uint32_t d : touched) partial[d] = 0.0f;
    return exhaustive(query, k);
  }
  std::vector<Neighbour> candidates;
  candidates.reserve(touched.size());
  for (const std::uint32_t d : touched) {
    candidates.push_back({labels_[d], d, partial[d]});
    partial[d] = 0.0f;
  }
  candidates = best(std::move(candidates), wanted);
  // Exact cosines of the candidates, through a dense copy of the query.
  thread_local std::vector<float> dense;
  if (dense.size() < vectorizer_.terms()) dense.assign(vectorizer_.terms(), 0.0f);
  for (const Term& q : query) dense[q.id] = q.weight;
  for (Neighbour& c : candidates) {
    float s = 0;
    for (const Term& t : documents_[c.document]) s += dense[t.id] * t.weight;
    c.similarity = std::min(1.0f, s);
  }
  for (const Term& q : query) dense[q.id] = 0.0f;
  return best(std::move(candidates), k);
}

}  // namespace st::learned_model
