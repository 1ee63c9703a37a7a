#pragma once
// ports::LanguageDetector on CLD2 (Compact Language Detector 2, Debian libcld2-dev): n-gram
// tables compiled into the library, no model file, no I/O, microseconds per ticket.
#include "ports/language_detector.hpp"

namespace st::adapters::cld2 {

class Cld2LanguageDetector final : public ports::LanguageDetector {
 public:
  // CLD2's own reliability flag, and at least this much of the text scored in the language.
  static constexpr int kMinPercent = 60;

  std::optional<std::string> detect(std::string_view text) const override;
};

}  // namespace st::adapters::cld2
