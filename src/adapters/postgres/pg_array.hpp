#pragma once
// PostgreSQL array literals ('{"a","b",NULL}'), so that a whole batch travels as a few
// bound parameters ($1::text[]) of one statement instead of one statement per row. The
// literal is a parameter value, never SQL text: escaping here only has to satisfy the
// array parser (every element double-quoted, '"' and '\' backslash-escaped).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace st::adapters::postgres {

class ArrayLiteral {
 public:
  ArrayLiteral& add(std::string_view text) {
    separate();
    out_ += '"';
    for (char ch : text) {
      if (ch == '"' || ch == '\\') out_ += '\\';
      out_ += ch;
    }
    out_ += '"';
    return *this;
  }
  ArrayLiteral& add(const std::string& text) { return add(std::string_view(text)); }
  ArrayLiteral& add(const char* text) { return add(std::string_view(text)); }
  ArrayLiteral& add(const std::optional<std::string>& text) {
    if (text) return add(std::string_view(*text));
    separate();
    out_ += "NULL";
    return *this;
  }
  ArrayLiteral& add(std::int64_t n) {
    separate();
    out_ += std::to_string(n);
    return *this;
  }
  ArrayLiteral& add(int n) { return add(std::int64_t{n}); }
  ArrayLiteral& add(std::optional<int> n) {
    return add(n ? std::optional<std::int64_t>(*n) : std::nullopt);
  }
  ArrayLiteral& add(std::optional<std::int64_t> n) {
    if (n) return add(*n);
    separate();
    out_ += "NULL";
    return *this;
  }
  ArrayLiteral& add(bool b) {
    separate();
    out_ += b ? "t" : "f";
    return *this;
  }
  std::string str() const { return out_ + '}'; }

 private:
  void separate() {
    if (out_.size() > 1) out_ += ',';
  }
  std::string out_ = "{";
};

// The literal of a list of numbers or strings.
template <class T>
std::string array_of(const std::vector<T>& values) {
  ArrayLiteral a;
  for (const auto& v : values) a.add(v);
  return a.str();
}

}  // namespace st::adapters::postgres
