#include "logging/setup.hpp"

#include <spdlog/spdlog.h>

#include "logging/json_formatter.hpp"

namespace st::logging {

void configure(const std::string& level, const std::string& format, const std::string& service) {
  spdlog::set_level(spdlog::level::from_str(level));
  if (format == "json") spdlog::set_formatter(std::make_unique<JsonFormatter>(service));
}

}  // namespace st::logging
