#pragma once
// The learned model's memory of labeled tickets: the most similar earlier tickets to a new
// one, by cosine similarity of character n-gram TF-IDF vectors (tfidf.hpp). Many tickets are
// rewordings of earlier ones ("Sudden disruption of ..." / "Sudden disruption in ..."), and
// those nearly always belong where the earlier one went, which a bag-of-words classifier
// only partly remembers. Immutable once built; any number of threads may query it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "learned_model/features/tfidf.hpp"

namespace st::learned_model {

struct Neighbour {
  std::size_t label = 0;
  std::size_t document = 0;
  float similarity = 0;  // 0..1
};

class NeighbourIndex {
 public:
  NeighbourIndex(const std::vector<std::string>& documents, std::vector<std::size_t> labels,
                 TfidfOptions options = {});

  // The k most similar documents, most similar first; fewer when fewer share any n-gram.
  // Similarities are exact cosines. A long query against a large memory would touch most
  // documents through its common n-grams, so there candidates are found through the query's
  // rarer n-grams (those in at most a tenth of the documents: a rewording shares many of
  // them), and only the best of those are scored on every n-gram. The nearest document is
  // then the one scoring every document would find; the runners-up may differ among
  // documents that share little with the query.
  std::vector<Neighbour> nearest(std::string_view text, std::size_t k) const;
  std::size_t size() const { return labels_.size(); }

 private:
  struct Posting {
    std::uint32_t document;
    float weight;
  };
  std::vector<Neighbour> exhaustive(const SparseVector& query, std::size_t k) const;

  TfidfVectorizer vectorizer_;
  std::vector<std::size_t> labels_;
  std::vector<std::vector<Posting>> postings_;  // by term id
  std::vector<SparseVector> documents_;         // by document
  std::size_t common_df_ = 0;                   // terms in more documents are "common"
};

}  // namespace st::learned_model
