#pragma once
// Which natural language a text is written in: the tickets service stores it on each new
// ticket, and the categorizer keeps the learned model away from languages it was not
// trained on.
#include <optional>
#include <string>
#include <string_view>

namespace st::ports {

class LanguageDetector {
 public:
  virtual ~LanguageDetector() = default;
  // The ISO 639-1 code ("en", "es"), or nullopt when it cannot be told reliably: a very short
  // text ("VPN down"), a mix, a language without a two-letter code. Thread-safe.
  virtual std::optional<std::string> detect(std::string_view text) const = 0;
};

}  // namespace st::ports
