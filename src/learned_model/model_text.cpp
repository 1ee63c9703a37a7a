#include "learned_model/model_text.hpp"

#include <utility>

#include "services/categorizer/text_normalizer.hpp"

namespace st::learned_model {

namespace {

// The keyword categorizer's tokenizer and stemmer: both strategies read the same words.
using services::categorizer::for_each_token;
using services::categorizer::kMaxTokenBytes;
using services::categorizer::stem_in_place;

constexpr std::pair<ModelFeatures, std::string_view> kNames[] = {
    {ModelFeatures::words, "words"},
    {ModelFeatures::stems, "stems"},
    {ModelFeatures::words_nostop, "words-nostop"},
    {ModelFeatures::stems_nostop, "stems-nostop"},
};

// Words that say nothing about a department. fastText averages the vectors of every word of
// a ticket, so in a long, polite e-mail they drown the few words that matter.
constexpr std::string_view kStopWords[] = {
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "dear",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "greetings",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hers",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "kind",
    "kindly",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "please",
    "regards",
    "same",
    "she",
    "should",
    "sincerely",
    "so",
    "some",
    "such",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    // contractions, as the tokenizer spells them without the apostrophe
    "im",
    "ive",
    "id",
    "ill",
    "dont",
    "doesnt",
    "didnt",
    "cant",
    "isnt",
    "wont",
    "youre",
};

bool is_stop_word(std::string_view w) {
  for (std::string_view s : kStopWords)
    if (s == w) return true;
  return false;
}

void append_tokens(std::string_view text, ModelFeatures features, std::string& out) {
  std::string unescaped;
  if (text.find("\\n") != std::string_view::npos) {
    unescaped.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
        unescaped.push_back('\n');
        ++i;
      } else {
        unescaped.push_back(text[i]);
      }
    }
    text = unescaped;
  }
  char word[kMaxTokenBytes + 4];
  const bool stems = features == ModelFeatures::stems || features == ModelFeatures::stems_nostop;
  const bool nostop =
      features == ModelFeatures::words_nostop || features == ModelFeatures::stems_nostop;
  for_each_token(text, [&](std::string_view token) {
    if (nostop && is_stop_word(token)) return;
    std::size_t n = token.size();
    if (stems) {
      token.copy(word, n);
      word[n] = '\0';  // stem_in_place may restore one letter
      n = stem_in_place(word, n);
      token = std::string_view(word, n);
    }
    if (token.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out.append(token);
  });
}

}  // namespace

std::string_view to_string(ModelFeatures f) {
  for (const auto& [features, name] : kNames)
    if (features == f) return name;
  return "stems";
}

std::optional<ModelFeatures> parse_model_features(std::string_view name) {
  for (const auto& [features, n] : kNames)
    if (n == name) return features;
  return std::nullopt;
}

std::string model_text(std::string_view text, ModelFeatures features) {
  std::string out;
  out.reserve(text.size());
  append_tokens(text, features, out);
  return out;
}

std::string model_text(std::string_view title, std::string_view description,
                       ModelFeatures features) {
  std::string out;
  out.reserve(title.size() + description.size() + 1);
  append_tokens(title, features, out);
  append_tokens(description, features, out);
  return out;
}

}  // namespace st::learned_model
