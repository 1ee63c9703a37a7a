#pragma once
// Turns free text into the tokens the keyword categorizer compares: lower-cased words split on
// punctuation, each reduced by a light suffix stemmer. The same functions normalize both the
// keyword tables and ticket text, so a keyword matches every inflection that stems alike.
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace st::services::categorizer {

// Longest token kept in full; longer "words" (URLs, hashes, base64) are cut to this length,
// which is far above any keyword, so they simply never match.
inline constexpr std::size_t kMaxTokenBytes = 48;

// Calls sink(std::string_view token) for every word of text, in order. A token is a run of
// ASCII letters/digits or non-ASCII letters; ASCII letters and Latin-1 capitals are
// lower-cased; apostrophes inside a word are dropped ("employee's" -> "employees", "don't"
// -> "dont"); everything else (punctuation, symbols, Unicode spaces/quotes/dashes) splits.
// A sink that also takes a bool is told whether sentence or list punctuation (. , ; : ! ? or
// a line break) came between this token and the previous one, so phrases can stop there:
// "it is very hot. Water is leaking" contains no "hot water". Hyphens, slashes and "&" do not
// break ("Wi-Fi", "A/C", "P&L" stay phrases).
// The view passed to sink is only valid during the call. No allocation.
template <class Sink>
void for_each_token(std::string_view text, Sink&& sink);

// Reduces a lower-case token to its stem in place; returns the new length. Tokens with digits
// or non-ASCII bytes are left alone. Examples: printers/printing/printed/printer -> "print",
// passwords -> "password", reimbursed/reimbursement/reimburse -> "reimburs", taxes -> "tax".
std::size_t stem_in_place(char* word, std::size_t length);

std::string stem(std::string_view lower_word);

// for_each_token + stem, collected; convenient for building rule tables and for tests.
std::vector<std::string> normalize(std::string_view text);

// ---- implementation of the template ----

namespace detail {

// Classifies the UTF-8 sequence at text[i]: returns its byte length and sets `word` when it
// belongs inside a token. Writes the lower-cased bytes of word characters to out.
std::size_t scan_char(std::string_view text, std::size_t i, bool& word, char* out);

// Sentence and list punctuation: ASCII . , ; : ! ? CR LF, and the ellipsis and ideographic
// full stop.
bool is_phrase_break(std::string_view text, std::size_t i);

}  // namespace detail

template <class Sink>
void for_each_token(std::string_view text, Sink&& sink) {
  char buf[kMaxTokenBytes + 4];
  std::size_t len = 0;
  bool after_break = false;
  const auto flush = [&] {
    if constexpr (std::is_invocable_v<Sink&, std::string_view, bool>)
      sink(std::string_view(buf, len), after_break);
    else
      sink(std::string_view(buf, len));
    len = 0;
    after_break = false;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    // Apostrophe (ASCII or U+2019) between two word characters is elided, not a split.
    const bool ascii_apos = c == '\'';
    const bool curly_apos = c == '\xE2' && text.compare(i, 3, "\xE2\x80\x99") == 0;
    if ((ascii_apos || curly_apos) && len > 0) {
      const std::size_t next = i + (ascii_apos ? 1 : 3);
      bool next_is_word = false;
      char tmp[4];
      if (next < text.size()) detail::scan_char(text, next, next_is_word, tmp);
      if (next_is_word) {
        i = next;
        continue;
      }
    }
    bool word = false;
    char out[4];
    const std::size_t n = detail::scan_char(text, i, word, out);
    if (word) {
      if (len + n <= kMaxTokenBytes)
        for (std::size_t k = 0; k < n; ++k) buf[len++] = out[k];
    } else {
      if (len > 0) flush();
      if (detail::is_phrase_break(text, i)) after_break = true;
    }
    i += n;
  }
  if (len > 0) flush();
}

}  // namespace st::services::categorizer
