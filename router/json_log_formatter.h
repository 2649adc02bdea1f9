#pragma once

// `log.format: "json"`: every log line one JSON object, for log shippers that would otherwise
// have to parse spdlog's text pattern:
//   {"time":"2026-11-27T08:40:00.123456Z","level":"info","thread":4242,"message":"…"}
// `time` is RFC 3339 UTC to the microsecond, `level` spdlog's name for it (trace, debug, info,
// warning, error, critical), `thread` the OS thread id. Bytes of the message that are not UTF-8
// (an error quoting raw input, say) become U+FFFD, so every line stays valid JSON.

#include <spdlog/formatter.h>

#include <memory>

namespace coexist::router {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override;
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace coexist::router
