#include "rules/json_document.h"

#include <gtest/gtest.h>

#include <string>

#include "rules/limits.h"

namespace coexist::rules {
namespace {

TEST(JsonDocument, RepeatedKeysAreListedWithTheirPaths) {
  JsonDocument read = read_json_document(R"({"a":{"b":1,"b":2},"c":[{"d":1,"d":2}]})", 8);
  ASSERT_TRUE(read.document.has_value());
  ASSERT_EQ(read.errors.size(), 2U);
  EXPECT_EQ(read.errors[0].path, "a.b");
  EXPECT_EQ(read.errors[1].path, "c[0].d");
  EXPECT_EQ((*read.document)["a"]["b"], 2) << "the document keeps nlohmann's choice, the last";
}

// An admin frame may be 16 MiB: one key repeated millions of times must not become millions of
// problems in memory.
TEST(JsonDocument, RepeatedKeysStopBeingListedAtTheProblemLimit) {
  std::string text = R"({"op":"ping")";
  for (std::size_t i = 0; i < 3 * kProblemsMax; ++i) text += R"(,"a":0)";
  text += "}";
  JsonDocument read = read_json_document(text, 8);
  ASSERT_TRUE(read.document.has_value());
  EXPECT_EQ(read.errors.size(), kProblemsMax);
}

TEST(JsonDocument, NestingBeyondTheLimitIsRefusedWithItsPath) {
  JsonDocument read = read_json_document(R"({"a":[[[1]]]})", 3);
  EXPECT_FALSE(read.document.has_value());
  ASSERT_EQ(read.errors.size(), 1U);
  EXPECT_EQ(read.errors[0].path, "a[0][0]");
  EXPECT_NE(read.errors[0].message.find("nested deeper than 3 levels"), std::string::npos);
}

// The parse error quotes the last bytes read: here the first byte of "é" alone.
TEST(JsonDocument, ParseErrorsAreValidUtf8) {
  JsonDocument read = read_json_document("{\"op\":\"ping\",\xc3\xa9}", 8);
  ASSERT_EQ(read.errors.size(), 1U);
  EXPECT_NO_THROW((void)nlohmann::json(read.errors[0].message).dump());
  EXPECT_NE(read.errors[0].message.find("invalid JSON at byte 14"), std::string::npos)
      << read.errors[0].message;
}

}  // namespace
}  // namespace coexist::rules
