#include "services/common/page_params.hpp"

#include "http/api_error.hpp"
#include "services/common/cursor.hpp"

namespace st::services {

std::optional<std::int64_t> cursor_param(const http::RequestContext& ctx) {
  const auto c = ctx.query_param("cursor");
  if (!c) return std::nullopt;
  auto id = decode_cursor(*c);
  if (!id)
    throw http::ApiError::bad_request("cursor is not valid; use next_cursor from a previous page",
                                      "cursor");
  return id;
}

ports::PageRequest history_page_from(const http::RequestContext& ctx) {
  ports::PageRequest page;
  const auto max = static_cast<std::int64_t>(ports::kMaxPageSize);
  page.limit = static_cast<std::size_t>(ctx.int_query("limit", 1, max).value_or(max));
  page.after_id = cursor_param(ctx);
  return page;
}

nlohmann::json next_cursor_json(const std::optional<std::int64_t>& next) {
  return next ? nlohmann::json(encode_cursor(*next)) : nlohmann::json(nullptr);
}

}  // namespace st::services
