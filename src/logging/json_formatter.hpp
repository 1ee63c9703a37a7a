#pragma once
// log_format=json: one JSON object per line, for log shippers (Loki, Elasticsearch, ...):
//   {"time":"2026-12-06T20:41:07.123Z","level":"warn","service":"gateway",
//    "message":"...","request_id":"...","trace_id":"..."}
// time is UTC with milliseconds; request_id and trace_id appear only on lines logged inside
// a RequestScope. Invalid UTF-8 in a message is replaced, never a broken line.
#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace st::logging {

class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::string service_;
};

}  // namespace st::logging
