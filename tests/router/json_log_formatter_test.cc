// log.format "json": one JSON object per line, whatever the message holds.

#include "router/json_log_formatter.h"

#include <gtest/gtest.h>
#include <spdlog/details/os.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "model/timestamp.h"

namespace coexist::test {
namespace {

std::vector<nlohmann::json> logged_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(JsonLogFormatterTest, EveryMessageIsOneJsonLineWithTimeLevelThreadAndMessage) {
  std::ostringstream written;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(written);
  spdlog::logger logger("test", sink);
  logger.set_formatter(std::make_unique<router::JsonLogFormatter>());
  logger.set_level(spdlog::level::trace);
  const auto before = std::chrono::system_clock::now();
  logger.info("journal head seq {}", 42);
  logger.error("listen.http: \"a\"\nsecond line\t{}", "tab");
  logger.warn("raw input {}", std::string("caf\xc3\xa9 \xff\xfe end"));
  logger.debug(std::string("nul \x01 control"));
  const auto after = std::chrono::system_clock::now();

  auto lines = logged_lines(written.str());
  ASSERT_EQ(lines.size(), 4U) << written.str();
  EXPECT_EQ(lines[0]["message"], "journal head seq 42");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[1]["message"], "listen.http: \"a\"\nsecond line\ttab");
  EXPECT_EQ(lines[1]["level"], "error");
  EXPECT_EQ(lines[2]["message"], "raw input caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end")
      << "bytes that are not UTF-8 become U+FFFD";
  EXPECT_EQ(lines[2]["level"], "warning");
  EXPECT_EQ(lines[3]["message"], "nul \x01 control");
  EXPECT_EQ(lines[3]["level"], "debug");
  for (const auto& line : lines) {
    ASSERT_EQ(line.size(), 4U) << line.dump();
    EXPECT_EQ(line["thread"], spdlog::details::os::thread_id());
    auto time_us = parse_rfc3339_utc(line["time"].get<std::string>());
    ASSERT_TRUE(time_us.has_value()) << line.dump();
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    EXPECT_GE(*time_us, duration_cast<microseconds>(before.time_since_epoch()).count());
    EXPECT_LE(*time_us, duration_cast<microseconds>(after.time_since_epoch()).count());
  }
}

}  // namespace
}  // namespace coexist::test
