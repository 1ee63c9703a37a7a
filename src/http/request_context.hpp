#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/principal.hpp"
#include "http/beast.hpp"

namespace st::http {

// Everything a handler may read about one request. Built by the server/router.
struct RequestContext {
  const Request& request;
  std::string path;                                        // percent-decoded, without the query
  std::map<std::string, std::string, std::less<>> params;  // from {name} segments, decoded
  std::map<std::string, std::string, std::less<>> query;   // decoded; last value wins
  std::string request_id;
  std::string trace_id;  // 32 hex chars, from `traceparent` or new
  // The client's address as the server saw it ("" for calls inside the process).
  std::string_view peer;
  // Who is calling, once the gateway has authenticated the request; null elsewhere.
  // Valid only while the gateway's handler runs; `caller` outlives it for the access log: the
  // key's id, "ticket-token", or empty (anonymous, or not through the gateway).
  const domain::Principal* principal = nullptr;
  std::string caller;

  std::string_view header(bhttp::field f) const;
  std::string_view header(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  const std::string& param(std::string_view name) const;

  // The body as a JSON value; throws ApiError 415 for a non-JSON content type and
  // 400 for an empty, malformed or non-UTF-8 body.
  nlohmann::json json_body() const;
  // Same, and the value must be a JSON object (400 otherwise).
  nlohmann::json json_object_body() const;

  // A path id such as /api/tickets/{id}: a positive integer that fits in 63 bits, else
  // 400 (non-numeric) or 404 (well-formed but cannot exist).
  std::int64_t id_param(std::string_view name, std::string_view what) const;
  // An integer query parameter within [min, max]; 400 otherwise. nullopt when absent.
  std::optional<std::int64_t> int_query(std::string_view name, std::int64_t min,
                                        std::int64_t max) const;
};

// Fills ctx.path and ctx.query from the request target; throws ApiError (400) on a bad
// escape or invalid UTF-8.
void parse_target(RequestContext& ctx);

// %XX decoding; `plus_is_space` for query strings. nullopt on bad escapes or invalid UTF-8.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
std::string percent_encode_segment(std::string_view in);

}  // namespace st::http
