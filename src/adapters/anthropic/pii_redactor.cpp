#include "adapters/anthropic/pii_redactor.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

namespace st::adapters::anthropic {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_alnum(char c) {
  return is_digit(c) || is_ascii_letter(c);
}
// Part of a word for the phone keywords: ASCII letters and any byte of a UTF-8 sequence.
bool is_word_byte(char c) {
  return is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80;
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// A match may start at `at` only when no letter or digit runs into it from the left.
bool starts_word(std::string_view text, std::size_t at) {
  return at == 0 || !is_ascii_alnum(text[at - 1]);
}

// A digit run may start at `at` only at the start of a number: not inside a word, nor at a
// later group of "1234 5678 ...".
bool starts_number(std::string_view text, std::size_t at) {
  if (!starts_word(text, at)) return false;
  return at < 2 ||
         !(text[at - 1] == ' ' || text[at - 1] == '-' || text[at - 1] == '.' ||
           text[at - 1] == '/') ||
         !is_digit(text[at - 2]);
}

// Where a matcher says a match starting at `at` ends (0: no match there).
using Matcher = std::size_t (*)(std::string_view text, std::size_t at);

std::string replace_matches(std::string_view text, Matcher match, std::string_view placeholder) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const auto end = match(text, i); end > i) {
      out += placeholder;
      i = end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// ---- e-mail ------------------------------------------------------------------------------

bool is_local_char(char c) {
  return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_domain_char(char c) {
  return is_ascii_alnum(c) || c == '.' || c == '-';
}

std::size_t match_email(std::string_view text, std::size_t at) {
  if (!is_ascii_alnum(text[at]) || (at > 0 && is_local_char(text[at - 1]) && text[at - 1] != '.'))
    return 0;
  std::size_t i = at;
  while (i < text.size() && is_local_char(text[i])) ++i;
  if (i >= text.size() || text[i] != '@') return 0;
  const std::size_t domain = i + 1;
  std::size_t end = domain;
  while (end < text.size() && is_domain_char(text[end])) ++end;
  while (end > domain && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
  const auto name = text.substr(domain, end - domain);
  if (name.empty() || !is_ascii_alnum(name.front()) || name.find("..") != name.npos) return 0;
  const auto dot = name.rfind('.');
  if (dot == name.npos) return 0;
  const auto tld = name.substr(dot + 1);
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_ascii_letter)) return 0;
  return end;
}

// ---- digit runs in groups (cards, IBANs) -------------------------------------------------

// A run of characters accepted by `keep`, with single separators from `separators` between
// them: the compact text and, for each place the run could end (the end of a group), the
// compact length there and the text position after it.
struct Grouped {
  std::string compact;
  std::vector<std::pair<std::size_t, std::size_t>> ends;  // {compact length, text end}
};

template <class Keep>
Grouped grouped_run(std::string_view text, std::size_t at, Keep keep, std::string_view separators) {
  Grouped g;
  std::size_t i = at;
  while (i < text.size()) {
    if (keep(text[i])) {
      g.compact += upper(text[i++]);
      continue;
    }
    g.ends.emplace_back(g.compact.size(), i);
    if (separators.find(text[i]) != separators.npos && i + 1 < text.size() && keep(text[i + 1])) {
      ++i;
      continue;
    }
    return g;
  }
  g.ends.emplace_back(g.compact.size(), i);
  return g;
}

std::size_t match_card(std::string_view text, std::size_t at) {
  if (!is_digit(text[at]) || !starts_number(text, at)) return 0;
  const auto run = grouped_run(text, at, is_digit, " -");
  // The longest group boundary that makes a valid number: "4111 1111 1111 1111 2024" is a
  // card and a year.
  for (auto it = run.ends.rbegin(); it != run.ends.rend(); ++it) {
    const auto [digits, end] = *it;
    if (end < text.size() && is_ascii_letter(text[end])) continue;
    if (digits >= 13 && digits <= 19 &&
        passes_luhn(std::string_view(run.compact).substr(0, digits)))
      return end;
  }
  return 0;
}

std::size_t match_iban(std::string_view text, std::size_t at) {
  if (at + 4 > text.size() || !starts_word(text, at) || !is_ascii_letter(text[at]) ||
      !is_ascii_letter(text[at + 1]) || !is_digit(text[at + 2]) || !is_digit(text[at + 3]))
    return 0;
  const auto run = grouped_run(text, at, is_ascii_alnum, " ");
  for (auto it = run.ends.rbegin(); it != run.ends.rend(); ++it) {
    const auto [length, end] = *it;
    if (passes_iban_check(std::string_view(run.compact).substr(0, length))) return end;
  }
  return 0;
}

// ---- phone numbers -----------------------------------------------------------------------

// Words that announce a phone number (compared as word prefixes, lower case).
constexpr std::string_view kPhoneWords[] = {
    "phone", "tel",     "t\xc3\xa9l", "mobil",  "m\xc3\xb3vil", "movil",   "cell",
    "call",  "fax",     "whatsapp",   "sms",    "handy",        "ruf",     "anruf",
    "llam",  "contact", "kontakt",    "portab", "joindre",      "durchwa", "reach"};
// Words that may stand between such a word and the number ("call me at", "Telefon: unter").
constexpr std::string_view kLinkWords[] = {"me",
                                           "at",
                                           "on",
                                           "is",
                                           "my",
                                           "our",
                                           "us",
                                           "the",
                                           "number",
                                           "no",
                                           "nr",
                                           "num",
                                           "mi",
                                           "es",
                                           "al",
                                           "el",
                                           "en",
                                           "a",
                                           "au",
                                           "le",
                                           "est",
                                           "mon",
                                           "ma",
                                           "de",
                                           "du",
                                           "ist",
                                           "meine",
                                           "mein",
                                           "unter",
                                           "sie",
                                           "mich",
                                           "uns",
                                           "or",
                                           "and",
                                           "y",
                                           "et",
                                           "und",
                                           "o",
                                           "ou",
                                           "oder",
                                           "n\xc3\xbamero",
                                           "numero",
                                           "nummer",
                                           "n\xc3\xbam"};

bool word_starts_with_any(std::string_view word, const auto& stems) {
  return std::any_of(std::begin(stems), std::end(stems),
                     [&](std::string_view s) { return word.starts_with(s); });
}
bool word_is_any(std::string_view word, const auto& words) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

// A phone word ends the few words before `at`, with only link words after it.
bool announced_as_phone(std::string_view text, std::size_t at) {
  std::size_t i = at;
  for (int words = 0; words < 5; ++words) {
    while (i > 0 && !is_word_byte(text[i - 1])) {
      if (is_digit(text[i - 1])) return false;
      --i;
    }
    const std::size_t end = i;
    while (i > 0 && is_word_byte(text[i - 1])) --i;
    if (i == end) return false;
    std::string word(text.substr(i, end - i));
    std::transform(word.begin(), word.end(), word.begin(), lower);
    if (word_starts_with_any(word, kPhoneWords)) return true;
    if (!word_is_any(word, kLinkWords)) return false;
  }
  return false;
}

std::size_t match_phone(std::string_view text, std::size_t at) {
  const char first = text[at];
  if (!(is_digit(first) || first == '+' || first == '(') || !starts_number(text, at)) return 0;
  if (at > 0) {
    const char before = text[at - 1];
    // Part of an identifier: "#0171234567", "INV-0171234567", "a/0171234567".
    if (before == '#' || before == '/' || before == '_' || before == '@' || before == '+') return 0;
    if ((before == '-' || before == '.') && at > 1 && is_ascii_alnum(text[at - 2])) return 0;
  }
  const bool plus = first == '+';
  std::size_t i = plus ? at + 1 : at;
  std::vector<std::size_t> groups;
  bool parenthesized = false;
  std::size_t end = 0;
  while (i < text.size()) {
    if (text[i] == '(' && (groups.empty() || text[i - 1] == ' ')) {
      std::size_t j = i + 1;
      while (j < text.size() && is_digit(text[j])) ++j;
      if (j == i + 1 || j - i - 1 > 5 || j >= text.size() || text[j] != ')') break;
      groups.push_back(j - i - 1);
      parenthesized = true;
      i = j + 1;
      end = i;
      if (i < text.size() && (text[i] == ' ' || text[i] == '-') && i + 1 < text.size() &&
          is_digit(text[i + 1]))
        ++i;
      continue;
    }
    if (!is_digit(text[i])) break;
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    groups.push_back(i - start);
    end = i;
    if (i + 1 < text.size() &&
        (text[i] == ' ' || text[i] == '-' || text[i] == '.' || text[i] == '/') &&
        (is_digit(text[i + 1]) || text[i + 1] == '('))
      ++i;
    else
      break;
  }
  if (groups.empty() || end == 0) return 0;
  // What follows must not continue the number: a letter, or "/"/":"/"," and a digit (a date
  // "03/15/2024", a time "10:30", "1,234,567").
  if (end < text.size()) {
    const char next = text[end];
    if (is_ascii_alnum(next)) return 0;
    if ((next == '/' || next == ':' || next == ',' || next == '.' || next == '-') &&
        end + 1 < text.size() && is_digit(text[end + 1]))
      return 0;
  }
  std::size_t digits = 0;
  for (auto g : groups) digits += g;
  if (digits < 7 || digits > 15) return 0;
  if (plus) return digits >= 8 ? end : 0;
  const bool date_like = groups.size() == 3 &&
                         ((groups[0] == 4 && groups[1] == 2 && groups[2] == 2) ||
                          (groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2)));
  if (date_like) return 0;
  if (parenthesized) return end;
  if (groups == std::vector<std::size_t>{3, 3, 4}) return end;
  const std::size_t first_digit = first == '(' ? at + 1 : at;
  if (text[first_digit] == '0' && first_digit + 1 < text.size() && text[first_digit + 1] != '0' &&
      ((groups.size() >= 2 && digits >= 9 && digits <= 12) || (digits == 10 || digits == 11)))
    return end;
  return announced_as_phone(text, at) ? end : 0;
}

}  // namespace

bool passes_luhn(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool passes_iban_check(std::string_view compact) {
  if (compact.size() < 15 || compact.size() > 34) return false;
  if (!is_ascii_letter(compact[0]) || !is_ascii_letter(compact[1]) || !is_digit(compact[2]) ||
      !is_digit(compact[3]))
    return false;
  // The country and check digits move to the end; letters count as 10-35.
  const std::string rearranged = std::string(compact.substr(4)) + std::string(compact.substr(0, 4));
  int remainder = 0;
  for (char c : rearranged) {
    if (is_digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (is_ascii_letter(c)) {
      const int value = upper(c) - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

std::string redact_pii(std::string_view text) {
  // E-mail first (an address may hold digits), IBANs before cards (an IBAN holds a long
  // digit run), cards before phones (a card's digits could look like one).
  auto out = replace_matches(text, match_email, kEmailPlaceholder);
  out = replace_matches(out, match_iban, kIbanPlaceholder);
  out = replace_matches(out, match_card, kCardPlaceholder);
  return replace_matches(out, match_phone, kPhonePlaceholder);
}

}  // namespace st::adapters::anthropic
