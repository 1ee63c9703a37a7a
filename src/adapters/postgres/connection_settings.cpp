#include "adapters/postgres/connection_settings.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>
#include <vector>

namespace st::adapters::postgres {
namespace {

bool is_url(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

// A value quoted for a key=value connection string: single quotes, with \ and ' escaped.
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (char ch : value) {
    if (ch == '\\' || ch == '\'') out += '\\';
    out += ch;
  }
  out += '\'';
  return out;
}

// True when `key` is set in `conninfo`: "key=" at the start, after whitespace (key=value
// form) or after '?' / '&' (URL query).
bool has_key(std::string_view conninfo, std::string_view key) {
  for (std::size_t at = conninfo.find(key); at != std::string_view::npos;
       at = conninfo.find(key, at + 1)) {
    const bool starts = at == 0 || std::isspace(static_cast<unsigned char>(conninfo[at - 1])) ||
                        conninfo[at - 1] == '?' || conninfo[at - 1] == '&';
    std::size_t after = at + key.size();
    while (after < conninfo.size() && conninfo[after] == ' ') ++after;
    if (starts && after < conninfo.size() && conninfo[after] == '=') return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> limit_params(const ConnectionLimits& l) {
  const auto dead = l.dead_peer_timeout.count();
  // Keepalive probes start after a third of the budget and give up within it.
  const auto idle = std::max<long long>(1, dead / 3);
  const auto interval = std::max<long long>(1, dead / 9);
  return {
      {"connect_timeout", std::to_string(l.connect_timeout.count())},
      {"keepalives", "1"},
      {"keepalives_idle", std::to_string(idle)},
      {"keepalives_interval", std::to_string(interval)},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", std::to_string(dead * 1000)},
  };
}

}  // namespace

std::string connection_string(const DatabaseSettings& s, const ConnectionLimits& limits) {
  std::string out;
  if (!s.url.empty()) {
    out = s.url;
    const bool url = is_url(out);
    for (const auto& [key, value] : limit_params(limits)) {
      if (has_key(out, key)) continue;
      if (url)
        out += (out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
      else
        out += " " + key + "=" + value;
    }
    return out;
  }
  out = "host=" + quoted(s.host) + " port=" + quoted(s.port) + " dbname=" + quoted(s.name) +
        " user=" + quoted(s.user);
  if (!s.password.empty()) out += " password=" + quoted(s.password);
  for (const auto& [key, value] : limit_params(limits)) out += " " + key + "=" + value;
  return out;
}

std::string redact(const std::string& conninfo) {
  std::string out = conninfo;
  if (is_url(out)) {
    // postgresql://user:password@host -> postgresql://user:***@host
    const auto authority = out.find("://") + 3;
    const auto at = out.find('@', authority);
    const auto slash = out.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... in a URL query or a key=value string (quoted or not).
  for (std::size_t at = out.find("password"); at != std::string::npos;
       at = out.find("password", at + 1)) {
    const bool starts = at == 0 || std::isspace(static_cast<unsigned char>(out[at - 1])) ||
                        out[at - 1] == '?' || out[at - 1] == '&';
    std::size_t eq = at + 8;
    while (eq < out.size() && out[eq] == ' ') ++eq;
    if (!starts || eq >= out.size() || out[eq] != '=') continue;
    std::size_t begin = eq + 1;
    while (begin < out.size() && out[begin] == ' ') ++begin;
    std::size_t end = begin;
    if (begin < out.size() && out[begin] == '\'') {
      for (end = begin + 1; end < out.size() && out[end] != '\''; ++end)
        if (out[end] == '\\') ++end;
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != '&' &&
             !std::isspace(static_cast<unsigned char>(out[end])))
        ++end;
    }
    out.replace(begin, end - begin, "***");
  }
  return out;
}

}  // namespace st::adapters::postgres
