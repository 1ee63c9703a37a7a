#pragma once
// The process's logging, set once at start from log_level and log_format.
#include <string>

namespace st::logging {

// level: trace|debug|info|warn|error; format: text (spdlog's default pattern) or json (one
// JSON object per line, json_formatter.hpp). `service` names the process in every JSON line.
void configure(const std::string& level, const std::string& format, const std::string& service);

}  // namespace st::logging
