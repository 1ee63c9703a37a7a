#pragma once
// The paging query parameters the APIs share: `cursor` (opaque, from a previous page's
// next_cursor) and, for a ticket's trail and routing history, `limit` (1–200, default 200).
// Bad values are a 400 naming the parameter.
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "http/request_context.hpp"
#include "ports/paging.hpp"

namespace st::services {

// The id the `cursor` parameter names, if one was sent.
std::optional<std::int64_t> cursor_param(const http::RequestContext& ctx);
// limit and cursor of a ticket history read (oldest first).
ports::PageRequest history_page_from(const http::RequestContext& ctx);
// The page's next_cursor: a string while more rows follow, else null.
nlohmann::json next_cursor_json(const std::optional<std::int64_t>& next);

}  // namespace st::services
