#pragma once
// Removes the personal data a ticket's text most often carries before it leaves for the
// Anthropic API (setting claude_redact_pii): e-mail addresses, phone numbers, payment card
// numbers and IBANs become "[email]", "[phone]", "[card]" and "[iban]". Pure functions.
//
// Built to miss little while leaving ordinary numbers alone: a card is 13-19 digits (single
// spaces or dashes between groups allowed) that pass the Luhn check; an IBAN passes its
// mod-97 check; a phone number needs a phone's shape (a leading "+", an area code in
// parentheses, the 3-3-4 grouping, a national number starting with a single 0) or a word
// like "phone"/"Telefon"/"móvil" just before it. Order numbers, dates, times, IP addresses
// and digit runs failing those checks stay as written.
#include <string>
#include <string_view>

namespace st::adapters::anthropic {

inline constexpr std::string_view kEmailPlaceholder = "[email]";
inline constexpr std::string_view kPhonePlaceholder = "[phone]";
inline constexpr std::string_view kCardPlaceholder = "[card]";
inline constexpr std::string_view kIbanPlaceholder = "[iban]";

// The text with every e-mail address, IBAN, card number and phone number replaced.
std::string redact_pii(std::string_view text);

// The Luhn check over a string of digits (other characters are not allowed).
bool passes_luhn(std::string_view digits);
// The IBAN check (ISO 13616 mod 97) over letters and digits without spaces.
bool passes_iban_check(std::string_view compact);

}  // namespace st::adapters::anthropic
