#include "domain/validation.hpp"

#include <array>
#include <cstdint>

namespace st::domain {
namespace {

using nlohmann::json;

// Decodes the code point starting at s[i] of text already known to be valid UTF-8 and
// advances i past it. Only used after is_valid_utf8 has accepted the text.
char32_t decode_at(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const std::size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
  char32_t cp = b0 & (0x7F >> n);
  for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

// The UTF-8 encodings of the Unicode spaces trim() removes besides ASCII whitespace:
// no-break space, the U+2000 block, line/paragraph separators, narrow no-break space,
// medium mathematical space, ideographic space and the BOM (pasted from editors).
constexpr std::array<std::string_view, 20> kUnicodeSpaces{
    "\u00A0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
    "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200A", "\u2028",
    "\u2029", "\u202F", "\u205F", "\u3000", "\uFEFF", "\u0085"};

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

enum class End { front, back };

// Length in bytes of the whitespace character at that end of s, 0 if none.
std::size_t space_at(std::string_view s, End end) {
  if (s.empty()) return 0;
  if (is_ascii_space(end == End::front ? s.front() : s.back())) return 1;
  for (std::string_view sp : kUnicodeSpaces)
    if (end == End::front ? s.starts_with(sp) : s.ends_with(sp)) return sp.size();
  return 0;
}

// C0 controls, DEL and C1 controls, except the line-structure characters people paste.
bool has_forbidden_control(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t cp = decode_at(s, i);
    if (cp == '\n' || cp == '\r' || cp == '\t') continue;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true;
  }
  return false;
}

ValidationError error(std::string_view field, std::string_view rule) {
  std::string message(field);
  message += ' ';
  message += rule;
  return ValidationError{std::string(field), std::move(message)};
}

// Locates a required field and insists on a JSON string; shared by the text and e-mail
// checks so both report missing/wrong-type fields with the same sentences.
std::variant<std::string, ValidationError> required_string(const json& body, const char* field) {
  if (!body.is_object()) return error("body", "must be a JSON object");
  const auto it = body.find(field);
  if (it == body.end()) return error(field, "is required");
  if (!it->is_string()) return error(field, "must be a string");
  const auto& raw = it->get_ref<const std::string&>();
  // The HTTP layer's JSON parser already rejects invalid UTF-8, but a json built in code
  // (or by another decoder) is not guaranteed to, and every later check assumes it.
  if (!is_valid_utf8(raw)) return error(field, "must be valid UTF-8 text");
  std::string value = trim(raw);
  if (value.empty()) return error(field, "must not be blank");
  return value;
}

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 "atext": what an unquoted local part may contain besides dots.
bool is_atext(char c) {
  if (is_ascii_alnum(c)) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(c) != std::string_view::npos;
}

bool is_valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  // Dot-atom form: dots separate non-empty runs, so no leading, trailing or doubled dot.
  if (local.front() == '.' || local.back() == '.') return false;
  char prev = 0;
  for (char c : local) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool is_valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  bool last_label_all_digits = false;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    last_label_all_digits = true;
    for (char c : label) {
      if (!is_ascii_alnum(c) && c != '-') return false;
      if (c < '0' || c > '9') last_label_all_digits = false;
    }
    start = end + 1;
  }
  // A numeric top-level label means a bare IP address ("a@10.0.0.1"), which is not a
  // deliverable address without the bracketed literal form we deliberately do not accept.
  return !last_label_all_digits;
}

}  // namespace

std::string trim(std::string_view s) {
  for (std::size_t n = space_at(s, End::front); n != 0; n = space_at(s, End::front))
    s.remove_prefix(n);
  for (std::size_t n = space_at(s, End::back); n != 0; n = space_at(s, End::back))
    s.remove_suffix(n);
  return std::string(s);
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // count non-continuation bytes
  return n;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    char32_t cp;
    char32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {  // C0/C1 leads could only encode ASCII: overlong
      n = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 3, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {  // F5..FF would exceed U+10FFFF
      n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return false;  // stray continuation byte or invalid lead byte
    }
    if (s.size() - i < n) return false;  // truncated sequence
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min) return false;                      // overlong encoding
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // UTF-16 surrogate halves
    if (cp > 0x10FFFF) return false;
    i += n;
  }
  return true;
}

bool is_valid_email(std::string_view s) {
  if (s.empty() || s.size() > kEmailMaxLength) return false;
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  // Spaces and control characters fall out here: neither is atext nor a domain character.
  return is_valid_local_part(s.substr(0, at)) && is_valid_domain(s.substr(at + 1));
}

std::variant<std::string, ValidationError> required_text(const json& body, const char* field,
                                                         TextLimits limits) {
  auto value = required_string(body, field);
  if (auto* e = std::get_if<ValidationError>(&value)) return std::move(*e);
  auto& text = std::get<std::string>(value);
  if (has_forbidden_control(text)) return error(field, "must not contain control characters");
  const std::size_t length = utf8_length(text);
  if (length < limits.min || length > limits.max)
    return error(field, "must be between " + std::to_string(limits.min) + " and " +
                            std::to_string(limits.max) + " characters");
  return std::move(text);
}

std::variant<NewTicket, ValidationError> validate_new_ticket(const json& body) {
  if (!body.is_object()) return error("body", "must be a JSON object");
  NewTicket ticket;
  // Fixed order (title, description, user_name, user_email): a body with several problems
  // always reports the same field, which keeps client behaviour and tests deterministic.
  struct TextField {
    const char* name;
    TextLimits limits;
    std::string* out;
  };
  const std::array<TextField, 3> text_fields{
      {{"title", kTitleLimits, &ticket.title},
       {"description", kDescriptionLimits, &ticket.description},
       {"user_name", kUserNameLimits, &ticket.user_name}}};
  for (const TextField& f : text_fields) {
    auto value = required_text(body, f.name, f.limits);
    if (auto* e = std::get_if<ValidationError>(&value)) return std::move(*e);
    *f.out = std::move(std::get<std::string>(value));
  }

  auto email = required_string(body, "user_email");
  if (auto* e = std::get_if<ValidationError>(&email)) return std::move(*e);
  auto& address = std::get<std::string>(email);
  if (utf8_length(address) > kEmailMaxLength)
    return error("user_email",
                 "must be at most " + std::to_string(kEmailMaxLength) + " characters");
  if (!is_valid_email(address)) return error("user_email", "must be a valid email address");
  ticket.user_email = std::move(address);
  return ticket;
}

std::variant<NewComment, ValidationError> validate_new_comment(const json& body) {
  if (!body.is_object()) return error("body", "must be a JSON object");
  auto text = required_text(body, "body", kCommentBodyLimits);
  if (auto* e = std::get_if<ValidationError>(&text)) return std::move(*e);
  NewComment comment{std::move(std::get<std::string>(text))};
  if (const auto it = body.find("public"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return error("public", "must be true or false");
    comment.is_public = it->get<bool>();
  }
  return comment;
}

namespace {

// One priority's object of a PUT /api/sla/policies body, over `policy`.
std::optional<ValidationError> read_sla_policy(const nlohmann::json& j, const std::string& name,
                                               SlaPolicy& policy) {
  if (!j.is_object())
    return ValidationError{name, name +
                                     " must be an object of first_response_seconds, "
                                     "resolution_seconds and escalation"};
  for (const auto& [key, value] : j.items()) {
    const std::string field = name + "." + key.substr(0, 50);
    if (key == "first_response_seconds" || key == "resolution_seconds") {
      if (!value.is_number_integer() || value.get<long long>() < kMinSlaSeconds ||
          value.get<long long>() > kMaxSlaSeconds)
        return ValidationError{field, field + " must be a whole number of seconds from 1 to " +
                                          std::to_string(kMaxSlaSeconds)};
      (key == "first_response_seconds" ? policy.first_response_seconds
                                       : policy.resolution_seconds) = value.get<std::int64_t>();
    } else if (key == "escalation") {
      const auto e = value.is_null()     ? std::optional(Escalation::none)
                     : value.is_string() ? parse_escalation(value.get_ref<const std::string&>())
                                         : std::nullopt;
      if (!e)
        return ValidationError{
            field, field + " must be one of: " + std::string(kEscalationChoices) + " (or null)"};
      policy.escalation = *e;
    } else {
      return ValidationError{field, "unknown field " + field +
                                        " (first_response_seconds, resolution_seconds, "
                                        "escalation)"};
    }
  }
  if (policy.first_response_seconds > policy.resolution_seconds)
    return ValidationError{name + ".first_response_seconds",
                           name + ": the first response cannot be due after the resolution"};
  return std::nullopt;
}

}  // namespace

std::variant<SlaPolicyChanges, ValidationError> validate_sla_policies(const nlohmann::json& body,
                                                                      const SlaPolicies& current) {
  if (!body.is_object() || body.empty())
    return ValidationError{"", "the body must be an object naming at least one priority (" +
                                   std::string(kPriorityChoices) + ")"};
  SlaPolicyChanges out;
  for (const auto& [name, value] : body.items()) {
    const auto priority = parse_priority(name);
    if (!priority)
      return ValidationError{name, "unknown priority '" + name.substr(0, 50) +
                                       "' (one of: " + std::string(kPriorityChoices) + ")"};
    SlaPolicy policy = current.of(*priority);
    if (auto error = read_sla_policy(value, name, policy)) return *error;
    out[*priority] = policy;
  }
  return out;
}

}  // namespace st::domain
