#include "adapters/cld2/cld2_language_detector.hpp"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <climits>

namespace st::adapters::cld2 {

namespace {

// "en" and "zh-Hant" give their ISO 639-1 part; three-letter codes ("haw") and CLD2's own
// ("un", "xx-Qaai") give nothing.
std::optional<std::string> iso_639_1(const char* code) {
  const std::string_view c = code ? code : "";
  const auto base = c.substr(0, c.find('-'));
  if (base.size() != 2 || base == "un" || base == "xx") return std::nullopt;
  for (char ch : base)
    if (ch < 'a' || ch > 'z') return std::nullopt;
  return std::string(base);
}

}  // namespace

std::optional<std::string> Cld2LanguageDetector::detect(std::string_view text) const {
  if (text.empty() || text.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  CLD2::CLDHints hints{nullptr, "", CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language top3[3];
  int percent3[3];
  double scores3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  // Checks the UTF-8 (tickets are validated, but this adapter does not rely on it): invalid
  // input answers UNKNOWN_LANGUAGE.
  const auto language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, &hints, /*flags=*/0, top3,
      percent3, scores3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable, &valid_prefix);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE || top3[0] != language ||
      percent3[0] < kMinPercent)
    return std::nullopt;
  return iso_639_1(CLD2::LanguageCode(language));
}

}  // namespace st::adapters::cld2
