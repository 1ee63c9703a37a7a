#include "http/request_context.hpp"

#include <charconv>

#include "domain/validation.hpp"
#include "http/api_error.hpp"

namespace st::http {

std::string_view RequestContext::header(bhttp::field f) const {
  auto it = request.find(f);
  return it == request.end() ? std::string_view{} : it->value();
}

std::string_view RequestContext::header(std::string_view name) const {
  auto it = request.find(name);
  return it == request.end() ? std::string_view{} : it->value();
}

std::optional<std::string_view> RequestContext::query_param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

const std::string& RequestContext::param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

namespace {

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view mime = ct.substr(0, semi);
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  std::string lower(mime);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

nlohmann::json RequestContext::json_body() const {
  if (!is_json_content_type(header(bhttp::field::content_type)))
    throw ApiError(bhttp::status::unsupported_media_type, "unsupported_media_type",
                   "Content-Type must be application/json");
  const std::string& body = request.body();
  if (body.empty()) throw ApiError::bad_request("Request body is empty; a JSON object is required");
  if (!domain::is_valid_utf8(body))
    throw ApiError(bhttp::status::bad_request, "invalid_utf8", "Request body is not valid UTF-8");
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    throw ApiError(bhttp::status::bad_request, "invalid_json", "Request body is not valid JSON");
  return j;
}

nlohmann::json RequestContext::json_object_body() const {
  auto j = json_body();
  if (!j.is_object())
    throw ApiError(bhttp::status::bad_request, "invalid_json",
                   "Request body must be a JSON object");
  return j;
}

std::int64_t RequestContext::id_param(std::string_view name, std::string_view what) const {
  const std::string& text = param(name);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool all_digits =
      !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!all_digits)
    throw ApiError::bad_request(std::string(what) + " id must be a positive integer",
                                std::string(name));
  if (ec == std::errc::result_out_of_range || value <= 0 || ptr != text.data() + text.size())
    throw ApiError::not_found(std::string(what) + " not found");
  return value;
}

std::optional<std::int64_t> RequestContext::int_query(std::string_view name, std::int64_t min,
                                                      std::int64_t max) const {
  auto text = query_param(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc{} || ptr != text->data() + text->size() || value < min ||
      value > max)
    throw ApiError::bad_request(std::string(name) + " must be an integer from " +
                                    std::to_string(min) + " to " + std::to_string(max),
                                std::string(name));
  return value;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;  // needs two hex digits
      int v = 0;
      auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      if (ec != std::errc{} || p != in.data() + i + 3) return std::nullopt;
      out.push_back(static_cast<char>(v));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!domain::is_valid_utf8(out)) return std::nullopt;
  return out;
}

// Fills path and query; throws ApiError on bad escapes.
void parse_target(RequestContext& ctx) {
  ctx.query.clear();
  std::string_view target = ctx.request.target();
  auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) throw ApiError::bad_request("The path contains an invalid escape or invalid UTF-8");
  ctx.path = std::move(*path);
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value)
      throw ApiError::bad_request("The query string contains an invalid escape or invalid UTF-8");
    ctx.query[*key] = std::move(*value);
  }
}

std::string percent_encode_segment(std::string_view in) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace st::http
