#include "services/categorizer/model_text.hpp"

#include "services/categorizer/text_normalizer.hpp"

namespace st::services::categorizer {

std::string_view to_string(ModelFeatures f) {
  return f == ModelFeatures::words ? "words" : "stems";
}

std::optional<ModelFeatures> parse_model_features(std::string_view name) {
  if (name == "words") return ModelFeatures::words;
  if (name == "stems") return ModelFeatures::stems;
  return std::nullopt;
}

namespace {

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
  for_each_token(text, [&](std::string_view token) {
    std::size_t n = token.size();
    if (features == ModelFeatures::stems) {
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

}  // namespace st::services::categorizer
