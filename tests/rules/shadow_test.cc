#include "rules/shadow.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

using testing::describe;
using testing::has_problem;

// The warnings of a two-rule set: `earlier` then `later`.
std::vector<Problem> warnings_for(std::string_view earlier, std::string_view later) {
  const ParseOutcome outcome = parse_rule_set(
      R"({"default":"legacy","rules":[{"name":"early","when":)" + std::string(earlier) +
      R"(,"route":"new"},{"name":"late","when":)" + std::string(later) + R"(,"route":"both"}]})");
  EXPECT_TRUE(outcome.errors.empty()) << describe(outcome.errors);
  return outcome.warnings;
}

bool shadowed(std::string_view earlier, std::string_view later) {
  const std::vector<Problem> warnings = warnings_for(earlier, later);
  const bool found = has_problem(warnings, "rules[1]", "can never match");
  if (found) {
    EXPECT_TRUE(has_problem(warnings, "rules[1]",
                            "rule \"late\" can never match: the earlier rule \"early\" (rules[0]) "
                            "matches every transaction it would"))
        << describe(warnings);
  }
  return found;
}

TEST(Shadow, EmptyWhenShadowsEveryLaterRule) {
  EXPECT_TRUE(shadowed("{}", R"({"entity":"DE01"})"));
  EXPECT_TRUE(shadowed("{}", "{}"));
  EXPECT_TRUE(shadowed(R"({"entity":"*"})", R"({"type":"invoice"})"));
  EXPECT_TRUE(shadowed(R"({"account":"*"})", R"({"type":"invoice"})"));
}

TEST(Shadow, IdenticalConditions) {
  const char* when = R"({"entity":["US01","US02"],"posting_date":{"from":"2026-01-01"},
    "amount":{"max":"10"},"account":"12","attributes":{"region":["EMEA","APAC"]}})";
  EXPECT_TRUE(shadowed(when, when));
}

TEST(Shadow, ExactSetInclusion) {
  EXPECT_TRUE(shadowed(R"({"entity":["US01","US02","DE01"]})", R"({"entity":["US02","DE01"]})"));
  EXPECT_FALSE(shadowed(R"({"entity":["US01"]})", R"({"entity":["US01","US02"]})"));
}

TEST(Shadow, PrefixCoverage) {
  EXPECT_TRUE(shadowed(R"({"entity":"US*"})", R"({"entity":["US01","US02"]})"));
  EXPECT_TRUE(shadowed(R"({"entity":"US*"})", R"({"entity":"US0*"})"));
  EXPECT_TRUE(shadowed(R"({"entity":["DE01","US*"]})", R"({"entity":["US9","DE01"]})"));
  EXPECT_FALSE(shadowed(R"({"entity":"US0*"})", R"({"entity":"US*"})"));
  EXPECT_FALSE(shadowed(R"({"entity":"US01"})", R"({"entity":"US*"})"));
  EXPECT_FALSE(shadowed(R"({"entity":"US*"})", R"({"entity":"*"})"));
}

TEST(Shadow, DateRangeContainment) {
  EXPECT_TRUE(shadowed(R"({"posting_date":{"from":"2026-01-01"}})",
                       R"({"posting_date":{"from":"2026-02-01","before":"2026-03-01"}})"));
  EXPECT_TRUE(shadowed(R"({"posting_date":{"from":"2026-01-01","before":"2026-03-01"}})",
                       R"({"posting_date":{"from":"2026-01-01","before":"2026-03-01"}})"));
  EXPECT_FALSE(shadowed(R"({"posting_date":{"from":"2026-02-01"}})",
                        R"({"posting_date":{"from":"2026-01-01"}})"));
  EXPECT_FALSE(shadowed(R"({"posting_date":{"before":"2026-02-01"}})",
                        R"({"posting_date":{"from":"2026-01-01"}})"));
  EXPECT_FALSE(shadowed(R"({"posting_date":{"before":"2026-02-01"}})", R"({"entity":"DE01"})"));
  EXPECT_TRUE(shadowed(R"({"posting_date":{}})", R"({"entity":"DE01"})"));
}

TEST(Shadow, AmountRangeContainmentAcrossScales) {
  EXPECT_TRUE(shadowed(R"({"amount":{"min":"100"}})", R"({"amount":{"min":"100.000"}})"));
  EXPECT_TRUE(shadowed(R"({"amount":{"min":"100","max":"200"}})",
                       R"({"amount":{"min":"150.5","max":"199.999999"}})"));
  EXPECT_FALSE(shadowed(R"({"amount":{"min":"100.01"}})", R"({"amount":{"min":"100"}})"));
  EXPECT_FALSE(shadowed(R"({"amount":{"max":"200"}})", R"({"amount":{"min":"100"}})"));
}

TEST(Shadow, AccountPrefixCoverage) {
  EXPECT_TRUE(shadowed(R"({"account":"12"})", R"({"account":["1200","129"]})"));
  EXPECT_FALSE(shadowed(R"({"account":"12"})", R"({"account":["1200","4000"]})"));
  EXPECT_FALSE(shadowed(R"({"account":"1200"})", R"({"account":"12"})"));
  EXPECT_FALSE(shadowed(R"({"account":"12"})", R"({"entity":"DE01"})"));
}

TEST(Shadow, AttributeValueInclusion) {
  EXPECT_TRUE(shadowed(R"({"attributes":{"region":["EMEA","APAC"]}})",
                       R"({"attributes":{"region":"EMEA","channel":"partner"}})"));
  EXPECT_FALSE(shadowed(R"({"attributes":{"region":"EMEA"}})",
                        R"({"attributes":{"region":["EMEA","APAC"]}})"));
  EXPECT_FALSE(shadowed(R"({"attributes":{"region":"EMEA","channel":"partner"}})",
                        R"({"attributes":{"region":"EMEA"}})"));
}

TEST(Shadow, AnExtraEarlierConditionPreventsShadowing) {
  EXPECT_FALSE(shadowed(R"({"entity":"DE01","type":"invoice"})", R"({"entity":"DE01"})"));
  EXPECT_TRUE(shadowed(R"({"entity":"DE01"})", R"({"entity":"DE01","type":"invoice"})"));
}

TEST(Shadow, NamesTheFirstCoveringRuleOnly) {
  const ParseOutcome outcome = parse_rule_set(R"({"default":"legacy","rules":[
    {"name":"DE","when":{"entity":"DE*"},"route":"new"},
    {"name":"all","when":{},"route":"new"},
    {"name":"DE01","when":{"entity":"DE01"},"route":"both"},
    {"name":"US01","when":{"entity":"US01"},"route":"both"}]})");
  ASSERT_TRUE(outcome.rule_set.has_value());
  ASSERT_EQ(outcome.warnings.size(), 2U) << describe(outcome.warnings);
  EXPECT_TRUE(has_problem(outcome.warnings, "rules[2]", "earlier rule \"DE\" (rules[0])"));
  EXPECT_TRUE(has_problem(outcome.warnings, "rules[3]", "earlier rule \"all\" (rules[1])"));
}

TEST(Shadow, CoversIsAConservativeImplication) {
  // Two earlier rules together cover the later one; the pairwise check does not claim it.
  const ParseOutcome outcome = parse_rule_set(R"({"default":"legacy","rules":[
    {"name":"a","when":{"entity":"A"},"route":"new"},
    {"name":"b","when":{"entity":"B"},"route":"new"},
    {"name":"ab","when":{"entity":["A","B"]},"route":"both"}]})");
  ASSERT_TRUE(outcome.rule_set.has_value());
  EXPECT_TRUE(outcome.warnings.empty()) << describe(outcome.warnings);
}

}  // namespace
}  // namespace coexist::rules
