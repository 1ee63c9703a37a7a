#pragma once
// The text a learned model sees: the same tokens and stems as the keyword categorizer
// (services/categorizer/text_normalizer.hpp), on one line, separated by single spaces.
// Training and prediction both go through these functions, so a model never meets text
// shaped differently from what it learned on.
#include <optional>
#include <string>
#include <string_view>

namespace st::learned_model {

enum class ModelFeatures {
  words,         // lower-cased tokens as written
  stems,         // tokens reduced by the keyword categorizer's stemmer ("printers" -> "print")
  words_nostop,  // words without function words and greetings ("the", "could", "dear")
  stems_nostop,  // stems without them
};

std::string_view to_string(ModelFeatures f);
std::optional<ModelFeatures> parse_model_features(std::string_view name);

// Normalized text of a whole ticket. A literal backslash-n (exports often escape line breaks
// that way) counts as a line break rather than gluing an "n" to the next word.
std::string model_text(std::string_view text, ModelFeatures features = ModelFeatures::stems);
// Title and description as one text: the title first, as people write the gist there.
std::string model_text(std::string_view title, std::string_view description,
                       ModelFeatures features = ModelFeatures::stems);

}  // namespace st::learned_model
