#include "services/categorizer/text_normalizer.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace st::services::categorizer {
namespace detail {

namespace {

// Code points that separate words although they are not ASCII: Latin-1 punctuation and
// symbols, general punctuation (curly quotes, dashes, zero-width characters), arrows, maths,
// box drawing and dingbats, CJK punctuation, full-width ASCII punctuation, private use,
// variation selectors, the replacement character and emoji. Anything else non-ASCII counts as
// a letter, which keeps accented and non-Latin words whole without Unicode tables.
bool is_separator(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xE000 && cp <= 0xF8FF) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFF00 && cp <= 0xFF20) || cp == 0xFFFD ||
         (cp >= 0x1F000 && cp <= 0x1FAFF);
}

}  // namespace

std::size_t scan_char(std::string_view text, std::size_t i, bool& word, char* out) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    const bool lower = b0 >= 'a' && b0 <= 'z';
    const bool upper = b0 >= 'A' && b0 <= 'Z';
    const bool digit = b0 >= '0' && b0 <= '9';
    word = lower || upper || digit;
    out[0] = static_cast<char>(upper ? b0 + ('a' - 'A') : b0);
    return 1;
  }
  std::size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  word = false;
  if (n == 1 || i + n > text.size()) return 1;  // stray or truncated byte: a separator
  char32_t cp = b0 & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 1;
    cp = (cp << 6) | (b & 0x3F);
  }
  word = !is_separator(cp);
  for (std::size_t k = 0; k < n; ++k) out[k] = text[i + k];
  // Latin-1 capitals (U+00C0-U+00DE) lower-case by +0x20, which in UTF-8 touches only the
  // second byte; the common case of "É" vs "é" is then matched without Unicode tables.
  if (n == 2 && cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) out[1] = static_cast<char>(out[1] + 0x20);
  return n;
}

bool is_phrase_break(std::string_view text, std::size_t i) {
  switch (text[i]) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '\n':
    case '\r':
      return true;
    case '\xE2':
      return text.compare(i, 3, "\u2026") == 0;  // horizontal ellipsis
    case '\xE3':
      return text.compare(i, 3, "\u3002") == 0;  // ideographic full stop
    default:
      return false;
  }
}

}  // namespace detail

namespace {

// Words kept verbatim because their regular stem would collide with an unrelated keyword of
// another department ("accounting" vs an IT "account", "charger" vs a Finance "charge", the
// product "Windows" vs an office window) or because the suffix rules would mangle them.
// Checked before and after the plural step, so only the singular needs listing unless the
// plural itself is special.
constexpr std::string_view kProtected[] = {
    "windows",  "teams", "news",  "locker", "accounting", "accountant", "charger",
    "payment",  "ios",   "macos", "gas",    "sales",      "series",     "always",
    "career",    // not "car"
    "building",  // not a software "build"
    "router",    // not "route", which tickets use about routing
    "server",    // not "serve"
    "fired",     // not "fir", the stem of "fire" (alarm, drill, exit)
    "mice",      // not "mic"
    "toner",     // not "ton" ("a ton of emails")
    "speaker",   // not "speak" ("I want to speak to someone")
    "donation",  // not "don"
    "gutter",    // not "gut"
};

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool ends_with(const char* w, std::size_t n, std::string_view suffix) {
  return n >= suffix.size() && std::string_view(w + n - suffix.size(), suffix.size()) == suffix;
}

bool has_vowel(const char* w, std::size_t n) {
  return std::any_of(w, w + n, is_vowel);
}

// "stopp" -> "stop", "scann" -> "scan"; f, l, s and z stay doubled so "staff", "install",
// "pass" and "buzz" keep their spelling (and match their uninflected form).
std::size_t undouble(const char* w, std::size_t n) {
  if (n >= 4 && w[n - 1] == w[n - 2] && !is_vowel(w[n - 1]) && w[n - 1] != 'f' && w[n - 1] != 'l' &&
      w[n - 1] != 's' && w[n - 1] != 'z')
    return n - 1;
  return n;
}

bool is_protected(const char* w, std::size_t n) {
  const std::string_view word(w, n);
  return std::find(std::begin(kProtected), std::end(kProtected), word) != std::end(kProtected);
}

// Step 1: plurals. "policies" -> "policy", "taxes" -> "tax", "passes" -> "pass",
// "printers" -> "printer"; "virus", "status", "access", "analysis" are not plurals.
std::size_t strip_plural(char* w, std::size_t n) {
  if (ends_with(w, n, "sses")) return n - 2;
  if (n > 4 && ends_with(w, n, "ies")) {
    w[n - 3] = 'y';
    return n - 2;
  }
  if (n >= 5 && (ends_with(w, n, "xes") || ends_with(w, n, "ches") || ends_with(w, n, "shes") ||
                 ends_with(w, n, "zes")))
    return n - 2;
  if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
    return n - 1;
  return n;
}

// Step 2: verb inflections. "printed"/"printing" -> "print", "applied" -> "apply",
// "jammed" -> "jam". A stem must keep three letters and a vowel ("need", "string" stay).
std::size_t strip_inflection(char* w, std::size_t n) {
  if (n > 4 && ends_with(w, n, "ied")) {
    w[n - 3] = 'y';
    return n - 2;
  }
  std::size_t stem = n;
  if (ends_with(w, n, "ing"))
    stem = n - 3;
  else if (ends_with(w, n, "ed"))
    stem = n - 2;
  if (stem == n || stem < 3 || !has_vowel(w, stem)) return n;
  const std::size_t undoubled = undouble(w, stem);
  if (undoubled != stem) return undoubled;
  // "updated"/"activating" lost an "e": restore it so step 3 treats them like
  // "update"/"activate" (and "activation").
  if (stem >= 5 && ends_with(w, stem, "at")) {
    w[stem] = 'e';
    return stem + 1;
  }
  return stem;
}

// Step 3: agent and derivational suffixes, "er" first so "conditioner" and "conditioning"
// both continue to "condit". "printer" -> "print", "reimbursement" -> "reimburse",
// "installation" -> "install", "connection" -> "connect", "update" -> "upd".
std::size_t strip_derivational(char* w, std::size_t n) {
  if (n >= 5 && ends_with(w, n, "er")) n = undouble(w, n - 2);
  constexpr std::array<std::string_view, 4> kSuffixes{"ation", "ment", "ion", "ate"};
  for (std::string_view suffix : kSuffixes) {
    if (!ends_with(w, n, suffix)) continue;
    // The first suffix that fits decides, even when its stem is too short: "station" must
    // not fall through to "ion" and become "stat".
    if (n - suffix.size() >= 3) n -= suffix.size();
    break;
  }
  return n;
}

}  // namespace

std::size_t stem_in_place(char* w, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (w[i] < 'a' || w[i] > 'z') return n;  // numbers, codes, non-Latin words: verbatim
  if (is_protected(w, n)) return n;
  n = strip_plural(w, n);
  if (is_protected(w, n)) return n;
  n = strip_inflection(w, n);
  n = strip_derivational(w, n);
  // Step 4: a final silent "e" goes, so "leave"/"leaving" and "file"/"filing" agree.
  if (n >= 4 && w[n - 1] == 'e') --n;
  return n;
}

std::string stem(std::string_view lower_word) {
  std::string w(lower_word);
  w.push_back('\0');  // room for the "e" strip_inflection may restore
  w.resize(stem_in_place(w.data(), lower_word.size()));
  return w;
}

std::vector<std::string> normalize(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&out](std::string_view token) { out.push_back(stem(token)); });
  return out;
}

}  // namespace st::services::categorizer
