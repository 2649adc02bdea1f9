#include "router/json_log_formatter.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/timestamp.h"

namespace coexist::router {

void JsonLogFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) {
  const auto since_epoch = message.time.time_since_epoch();
  const std::int64_t unix_us =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  const auto level = spdlog::level::to_string_view(message.level);
  nlohmann::ordered_json line;
  line["time"] = format_rfc3339_utc(unix_us);
  line["level"] = std::string_view(level.data(), level.size());
  line["thread"] = message.thread_id;
  line["message"] = std::string_view(message.payload.data(), message.payload.size());
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out.append(text.data(), text.data() + text.size());
  out.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace coexist::router
