#include "learning/neighbour_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace st::learning {

NeighbourIndex::NeighbourIndex(const std::vector<std::string>& documents,
                               std::vector<std::size_t> labels, TfidfOptions options)
    : vectorizer_(documents, options), labels_(std::move(labels)) {
  if (labels_.size() != documents.size())
    throw std::invalid_argument("neighbour index: one label per document");
  postings_.resize(vectorizer_.terms());
  for (std::uint32_t d = 0; d < documents.size(); ++d)
    for (const Term& t : vectorizer_.transform(documents[d]))
      postings_[t.id].push_back({d, t.weight});
}

std::vector<Neighbour> NeighbourIndex::nearest(std::string_view text, std::size_t k) const {
  // Scores accumulate term by term over the inverted lists: only documents that share an
  // n-gram with the query are touched. The buffers are reused by the thread's next query.
  thread_local std::vector<float> score;
  thread_local std::vector<std::uint32_t> touched;
  if (score.size() < labels_.size()) score.assign(labels_.size(), 0.0f);
  touched.clear();
  for (const Term& q : vectorizer_.transform(text)) {
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
  const auto by_similarity = [](const Neighbour& a, const Neighbour& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.document < b.document;
  };
  const std::size_t n = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    by_similarity);
  out.resize(n);
  return out;
}

}  // namespace st::learning
