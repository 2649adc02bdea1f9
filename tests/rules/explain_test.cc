#include "rules/explain.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

using testing::must_parse;
using testing::one_rule;
using testing::sample_transaction;

// The reason given for the single condition of a one-rule set.
std::string reason(std::string_view when, const Transaction& transaction) {
  const Explanation explanation = explain(must_parse(one_rule(when)), transaction);
  EXPECT_EQ(explanation.rules.size(), 1U);
  if (explanation.rules.empty() || explanation.rules[0].conditions.empty()) return "";
  return explanation.rules[0].conditions[0].reason;
}

TEST(Explain, EveryRuleInOrderUntilTheFirstMatch) {
  RuleSet rule_set = must_parse(R"({"default":"legacy","rules":[
    {"name":"payments","when":{"type":"payment"},"route":"legacy"},
    {"name":"US cut over","when":{"entity":["US01","US02"]},"route":"new"},
    {"name":"DE01 dual run","when":{"entity":"DE01","posting_date":{"from":"2026-11-01"}},
     "route":"both"},
    {"name":"later","when":{},"route":"hold"}]})");
  rule_set.set_version(3);
  const Explanation explanation = explain(rule_set, sample_transaction());
  ASSERT_EQ(explanation.rules.size(), 4U);
  EXPECT_EQ(explanation.rules[0].outcome, RuleOutcome::not_matched);
  EXPECT_EQ(explanation.rules[0].conditions[0].reason, R"(type "invoice" is not "payment")");
  EXPECT_EQ(explanation.rules[1].outcome, RuleOutcome::not_matched);
  EXPECT_EQ(explanation.rules[1].conditions[0].reason,
            R"(entity "DE01" is not one of ["US01","US02"])");
  EXPECT_EQ(explanation.rules[1].summary, "did not match: 1 of 1 conditions failed");
  EXPECT_EQ(explanation.rules[2].outcome, RuleOutcome::matched);
  EXPECT_EQ(explanation.rules[2].summary, "matched: route both");
  ASSERT_EQ(explanation.rules[2].conditions.size(), 2U);
  EXPECT_EQ(explanation.rules[2].conditions[0].reason, R"(entity "DE01" is "DE01")");
  EXPECT_EQ(explanation.rules[2].conditions[1].reason,
            "posting_date 2026-11-25 is on or after 2026-11-01");
  EXPECT_EQ(explanation.rules[3].outcome, RuleOutcome::not_evaluated);
  EXPECT_EQ(explanation.rules[3].summary, "not evaluated: an earlier rule matched");
  EXPECT_TRUE(explanation.rules[3].conditions.empty());
  EXPECT_EQ(explanation.decision.rule_name, "DE01 dual run");
  EXPECT_EQ(explanation.decision.route, Route::both);
  EXPECT_EQ(explanation.decision.version, 3U);
  EXPECT_EQ(explanation.summary, R"(rule "DE01 dual run" (rules[2]) matched: route both)");
}

TEST(Explain, DefaultWhenNothingMatches) {
  const Explanation explanation =
      explain(must_parse(R"({"default":"hold","rules":[{"name":"r","when":{"entity":"X"},
                              "route":"new"}]})"),
              sample_transaction());
  EXPECT_EQ(explanation.decision.rule_name, "default");
  EXPECT_EQ(explanation.decision.route, Route::hold);
  EXPECT_EQ(explanation.summary, "no rule matched: the default route hold applies");
}

TEST(Explain, StringSentences) {
  const Transaction transaction = sample_transaction();
  EXPECT_EQ(reason(R"({"entity":"US*"})", transaction),
            R"(entity "DE01" does not start with "US" ("US*"))");
  EXPECT_EQ(reason(R"({"entity":"D*"})", transaction), R"(entity "DE01" starts with "D" ("D*"))");
  EXPECT_EQ(reason(R"({"entity":["US*","DE01"]})", transaction),
            R"(entity "DE01" matches "DE01", one of ["US*","DE01"])");
  EXPECT_EQ(reason(R"({"entity":"*"})", transaction), R"(entity "DE01" matches "*" (every value))");
  EXPECT_EQ(reason(R"({"source":"crm"})", transaction), R"(source "billing" is not "crm")");
  EXPECT_EQ(reason(R"({"currency":["USD","JPY"]})", transaction),
            R"(currency "EUR" is not one of ["USD","JPY"])");
}

TEST(Explain, DateSentences) {
  const Transaction transaction = sample_transaction();  // 2026-11-25
  EXPECT_EQ(reason(R"({"posting_date":{"from":"2026-12-01"}})", transaction),
            "posting_date 2026-11-25 is before from 2026-12-01");
  EXPECT_EQ(reason(R"({"posting_date":{"before":"2026-11-25"}})", transaction),
            "posting_date 2026-11-25 is not before 2026-11-25 (before is exclusive)");
  EXPECT_EQ(reason(R"({"posting_date":{"from":"2026-11-01","before":"2026-12-01"}})", transaction),
            "posting_date 2026-11-25 is on or after 2026-11-01 and is before 2026-12-01");
}

TEST(Explain, AmountSentences) {
  const Transaction transaction = sample_transaction();  // EUR 119.00
  EXPECT_EQ(reason(R"({"amount":{"min":"1000"}})", transaction),
            "amount 119.00 EUR (debit total) is below min 1000");
  EXPECT_EQ(reason(R"({"amount":{"max":"118.999"}})", transaction),
            "amount 119.00 EUR (debit total) is above max 118.999");
  EXPECT_EQ(reason(R"({"amount":{"min":"119","max":"119.0"}})", transaction),
            "amount 119.00 EUR (debit total) is at least 119 and is at most 119.0");
}

TEST(Explain, AccountSentences) {
  const Transaction transaction = sample_transaction();  // 1200, 4000, 1776
  EXPECT_EQ(reason(R"({"account":["9","17"]})", transaction),
            R"(lines[2].account "1776" starts with "17")");
  EXPECT_EQ(reason(R"({"account":"5"})", transaction), R"(no line's account starts with "5")");
  EXPECT_EQ(reason(R"({"account":["5","6*"]})", transaction),
            R"(no line's account starts with any of ["5","6*"])");
}

TEST(Explain, AttributeSentences) {
  const Transaction transaction = sample_transaction();  // channel=partner, region=EMEA
  EXPECT_EQ(reason(R"({"attributes":{"segment":"smb"}})", transaction),
            R"(attribute "segment" is missing)");
  EXPECT_EQ(reason(R"({"attributes":{"region":"APAC"}})", transaction),
            R"(attribute "region" is "EMEA", not "APAC")");
  EXPECT_EQ(reason(R"({"attributes":{"region":["APAC","EMEA"]}})", transaction),
            R"(attribute "region" is "EMEA", one of ["APAC","EMEA"])");
  const Explanation explanation = explain(
      must_parse(one_rule(R"({"attributes":{"region":"EMEA","channel":"x"}})")), transaction);
  ASSERT_EQ(explanation.rules[0].conditions.size(), 2U);
  EXPECT_EQ(explanation.rules[0].conditions[0].condition, "attributes.channel");
  EXPECT_FALSE(explanation.rules[0].conditions[0].matched);
  EXPECT_EQ(explanation.rules[0].conditions[1].condition, "attributes.region");
  EXPECT_TRUE(explanation.rules[0].conditions[1].matched);
  EXPECT_EQ(explanation.rules[0].summary, "did not match: 1 of 2 conditions failed");
}

TEST(Explain, EmptyWhenSaysItMatchesEverything) {
  const Explanation explanation = explain(must_parse(one_rule("{}")), sample_transaction());
  ASSERT_EQ(explanation.rules[0].conditions.size(), 1U);
  EXPECT_EQ(explanation.rules[0].conditions[0].condition, "when");
  EXPECT_EQ(explanation.rules[0].conditions[0].reason, "no conditions: matches every transaction");
}

TEST(Explain, HandBuiltInvalidUtf8IsQuotedNotThrown) {
  Transaction transaction = sample_transaction();
  transaction.entity = "D\xff";
  const Explanation explanation =
      explain(must_parse(one_rule(R"({"entity":"DE01"})")), transaction);
  EXPECT_EQ(explanation.rules[0].conditions[0].reason, "entity \"D\xEF\xBF\xBD\" is not \"DE01\"");
  EXPECT_NO_THROW((void)to_json(explanation).dump());
}

TEST(Explain, ToJson) {
  RuleSet rule_set = must_parse(R"({"default":"legacy","rules":[
    {"name":"US","when":{"entity":"US*"},"route":"new"},
    {"name":"all","when":{},"route":"both"},
    {"name":"never","when":{"entity":"X"},"route":"hold"}]})");
  rule_set.set_version(12);
  const nlohmann::json json = to_json(explain(rule_set, sample_transaction()));
  EXPECT_EQ(json["route"], "both");
  EXPECT_EQ(json["rule"], "all");
  EXPECT_EQ(json["rules_version"], 12);
  EXPECT_EQ(json["summary"], R"(rule "all" (rules[1]) matched: route both)");
  ASSERT_EQ(json["rules"].size(), 3U);
  EXPECT_EQ(json["rules"][0], nlohmann::json::parse(R"json({"index":0,"name":"US","route":"new",
    "outcome":"not_matched","summary":"did not match: 1 of 1 conditions failed",
    "conditions":[{"condition":"entity","matched":false,
                   "reason":"entity \"DE01\" does not start with \"US\" (\"US*\")"}]})json"));
  EXPECT_EQ(json["rules"][1]["outcome"], "matched");
  EXPECT_EQ(json["rules"][2]["outcome"], "not_evaluated");
  EXPECT_EQ(json["rules"][2]["conditions"], nlohmann::json::array());
}

}  // namespace
}  // namespace coexist::rules
