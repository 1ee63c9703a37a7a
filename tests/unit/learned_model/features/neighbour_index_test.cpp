#include "learned_model/features/neighbour_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <thread>

namespace st::learned_model {
namespace {

const std::vector<std::string> kDocs{
    "sudden disruption of multiple product connections after a network update",
    "invoice for march was charged twice on the corporate card",
    "the office heating does not work on the third floor",
    "vpn connection drops every hour since the update",
};
const std::vector<std::size_t> kLabels{0, 1, 2, 0};

TEST(NeighbourIndex, ARewordedTicketFindsItsOriginalFirst) {
  const NeighbourIndex index(kDocs, kLabels);
  const auto n =
      index.nearest("sudden disruption in multiple product connections after network updates", 3);
  ASSERT_FALSE(n.empty());
  EXPECT_EQ(n[0].document, 0u);
  EXPECT_EQ(n[0].label, 0u);
  EXPECT_GT(n[0].similarity, 0.6f);
  for (std::size_t i = 1; i < n.size(); ++i) EXPECT_LE(n[i].similarity, n[i - 1].similarity);
}

TEST(NeighbourIndex, AnExactCopyHasSimilarityOne) {
  const NeighbourIndex index(kDocs, kLabels);
  const auto n = index.nearest(kDocs[2], 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].document, 2u);
  EXPECT_NEAR(n[0].similarity, 1.0f, 1e-5);
}

TEST(NeighbourIndex, ReturnsAtMostKAndOnlyDocumentsThatShareSomething) {
  const NeighbourIndex index(kDocs, kLabels);
  EXPECT_EQ(index.nearest("vpn", 10).size(), 1u);  // one document mentions a vpn
  EXPECT_EQ(index.nearest("the", 1).size(), 1u);
  EXPECT_TRUE(index.nearest("zzz qqq", 5).empty());
  EXPECT_TRUE(index.nearest("", 5).empty());
  EXPECT_TRUE(index.nearest("update", 0).empty());
}

TEST(NeighbourIndex, RefusesLabelsThatDoNotMatchTheDocuments) {
  EXPECT_THROW(NeighbourIndex(kDocs, {0, 1}), std::invalid_argument);
}

TEST(NeighbourIndex, ConcurrentQueriesGetTheSameAnswers) {
  const NeighbourIndex index(kDocs, kLabels);
  const auto expected = index.nearest("vpn drops after the network update", 4);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const auto got = index.nearest("vpn drops after the network update", 4);
        if (got.size() != expected.size() || got[0].document != expected[0].document ||
            got[0].similarity != expected[0].similarity)
          ++mismatches;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace st::learned_model

namespace st::learned_model {
namespace {

// Many documents, so that the rare-n-gram pre-selection is used: its answers must be those
// of scoring every document.
TEST(NeighbourIndex, PreSelectionFindsWhatScoringEveryDocumentFinds) {
  std::mt19937 rng(11);
  const std::vector<std::string> words{
      "printer", "invoice", "vpn",      "heating", "laptop", "refund",   "password", "network",
      "office",  "payment", "monitor",  "account", "server", "backup",   "update",   "license",
      "budget",  "travel",  "contract", "meeting", "report", "database", "router",   "keyboard"};
  std::vector<std::string> docs;
  std::vector<std::size_t> labels;
  for (int d = 0; d < 3000; ++d) {
    std::string text;
    for (int w = 0; w < 12; ++w)
      text += words[rng() % words.size()] + std::to_string(rng() % 40) + " ";
    docs.push_back(text);
    labels.push_back(static_cast<std::size_t>(d % 3));
  }
  const NeighbourIndex index(docs, labels);
  const TfidfVectorizer same(docs, {});
  std::vector<SparseVector> vectors;  // every document's vector, for scoring them all
  for (const auto& d : docs) vectors.push_back(same.transform(d));
  for (int q = 0; q < 100; ++q) {
    // A rewording: a document without its first word.
    const std::string& original = docs[static_cast<std::size_t>(q) * 6];
    const std::string query = original.substr(original.find(' ') + 1);
    std::vector<float> all;
    const auto q_vector = same.transform(query);
    for (const auto& v : vectors) all.push_back(dot(q_vector, v));
    const auto got = index.nearest(query, 5);
    ASSERT_EQ(got.size(), 5u);
    EXPECT_EQ(got[0].document, static_cast<std::size_t>(q) * 6) << query;
    EXPECT_NEAR(got[0].similarity, *std::max_element(all.begin(), all.end()), 1e-5);
    for (const auto& n : got) EXPECT_NEAR(n.similarity, all[n.document], 1e-5);  // exact cosines
  }
}

}  // namespace
}  // namespace st::learned_model
