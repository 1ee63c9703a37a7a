// How one declared setting reads, stores and shows its value (the declarations are in
// settings_table.cpp).
#include <charconv>
#include <stdexcept>

#include "app/config.hpp"

namespace st::app {
namespace {

long long to_int(const std::string& v, long long min, long long max, const std::string& key) {
  long long out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || out < min || out > max)
    throw std::invalid_argument(key + " must be an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + v + "'");
  return out;
}

bool to_bool(const std::string& v, const std::string& key) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  throw std::invalid_argument(key + " must be true or false, got '" + v + "'");
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

}  // namespace

void apply(const Setting& s, Config& c, const std::string& v) {
  std::visit(Overloaded{
                 [&](std::string Config::*m) {
                   if (s.check) s.check(s.key, v);
                   c.*m = v;
                 },
                 [&](bool Config::*m) { c.*m = to_bool(v, s.key); },
                 [&](std::optional<std::uint16_t> Config::*m) {
                   c.*m = static_cast<std::uint16_t>(to_int(v, s.min, s.max, s.key));
                 },
                 [&](auto m) {  // the integers
                   using T = std::remove_reference_t<decltype(c.*m)>;
                   c.*m = static_cast<T>(to_int(v, s.min, s.max, s.key));
                 },
             },
             s.member);
  // An empty value names no database (the environment skips empty variables; a file's ""
  // does the same).
  if (s.names_database && !v.empty()) c.database_configured = true;
}

std::string shown_value(const Setting& s, const Config& c) {
  if (s.show) return s.show(c);
  return std::visit(Overloaded{
                        [&](std::string Config::*m) -> std::string {
                          const std::string& v = c.*m;
                          if (s.shown == Setting::Shown::secret)
                            return v.empty() ? "(not set)" : "(set)";
                          if (s.shown == Setting::Shown::path && v.empty()) return "(none)";
                          return v;
                        },
                        [&](bool Config::*m) -> std::string {
                          if (s.shown == Setting::Shown::on_off) return c.*m ? "on" : "off";
                          return c.*m ? "true" : "false";
                        },
                        [&](std::optional<std::uint16_t> Config::*m) -> std::string {
                          return c.*m ? std::to_string(*(c.*m)) : "(default)";
                        },
                        [&](auto m) -> std::string { return std::to_string(c.*m); },
                    },
                    s.member);
}

std::string documented_default(const Setting& s) {
  if (!s.default_doc.empty()) return s.default_doc;
  const Config defaults;
  if (const auto* text = std::get_if<std::string Config::*>(&s.member))
    return (defaults.**text).empty() ? "—" : defaults.**text;
  Setting plain = s;
  plain.show = nullptr;
  return shown_value(plain, defaults);
}

}  // namespace st::app
