#include "model/json_validator.h"

#include <gtest/gtest.h>

#include <string>

namespace coexist {
namespace {

TEST(JsonValidatorTest, AcceptsJsonAndRefusesWhatIsNot) {
  JsonValidator validator;
  EXPECT_TRUE(validator.is_valid(R"({"id":"T1","lines":[{"debit":"1.00"}]})"));
  EXPECT_TRUE(validator.is_valid("[]"));
  EXPECT_FALSE(validator.is_valid(R"(["id":"T1"})")) << "an object's `{` overwritten by `[`";
  EXPECT_FALSE(validator.is_valid(R"({"id":"T1")"));
  EXPECT_FALSE(validator.is_valid(R"({"id":"T1"} {})")) << "one value, not two";
  EXPECT_FALSE(validator.is_valid(""));
  EXPECT_FALSE(validator.is_valid("{\"id\":\"\xff\"}")) << "not UTF-8";
}

TEST(JsonValidatorTest, RefusesNestingBeyondItsLimit) {
  JsonValidator validator;
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  EXPECT_TRUE(validator.is_valid(nested(JsonValidator::kDepthMax)));
  EXPECT_FALSE(validator.is_valid(nested(JsonValidator::kDepthMax + 1)));
}

// Its buffers are reused: a short text after a long one is judged on its own bytes only.
TEST(JsonValidatorTest, ShortTextAfterALongOneIsJudgedAlone) {
  JsonValidator validator;
  const std::string long_text = R"({"description":")" + std::string(100'000, 'x') + R"("})";
  EXPECT_TRUE(validator.is_valid(long_text));
  EXPECT_FALSE(validator.is_valid(std::string_view(long_text).substr(0, 20)));
  EXPECT_TRUE(validator.is_valid("{}"));
}

}  // namespace
}  // namespace coexist
