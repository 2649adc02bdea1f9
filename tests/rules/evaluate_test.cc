#include "rules/evaluate.h"

#include <gtest/gtest.h>

#include <string>

#include "rules/explain.h"
#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

using testing::must_parse;
using testing::one_rule;
using testing::sample_transaction;
using testing::with_amount;

// Whether a one-rule set with `when` matches; the indexed evaluate(), the plain per-rule check
// and explain() must agree.
bool matches(std::string_view when, const Transaction& transaction) {
  const RuleSet rule_set = must_parse(one_rule(when));
  const Decision decision = evaluate(rule_set, transaction);
  const bool matched = decision.rule_name == "r";
  EXPECT_EQ(decision.route, matched ? Route::new_erp : Route::legacy);
  if (!rule_set.rules().empty()) {
    EXPECT_EQ(conditions_match(rule_set.rules()[0].when, transaction), matched) << when;
  }
  EXPECT_EQ(explain(rule_set, transaction).decision.rule_name, decision.rule_name) << when;
  return matched;
}

TEST(Evaluate, EmptyRuleListUsesDefault) {
  const RuleSet rule_set = must_parse(R"({"default":"hold","rules":[]})");
  const Decision decision = evaluate(rule_set, sample_transaction());
  EXPECT_EQ(decision.route, Route::hold);
  EXPECT_EQ(decision.rule_name, "default");
  EXPECT_EQ(decision.version, 0U);
}

TEST(Evaluate, EmptyWhenMatchesEverything) { EXPECT_TRUE(matches("{}", sample_transaction())); }

TEST(Evaluate, FirstMatchWinsAndDefaultAppliesWhenNoneMatches) {
  RuleSet rule_set = must_parse(R"({"default":"legacy","rules":[
    {"name":"payments","when":{"type":"payment"},"route":"legacy"},
    {"name":"US cut over","when":{"entity":["US01","US02"]},"route":"new"},
    {"name":"DE01 dual run","when":{"entity":"DE01","posting_date":{"from":"2026-11-01"}},
     "route":"both"},
    {"name":"all DE","when":{"entity":"DE*"},"route":"hold"}]})");
  rule_set.set_version(7);
  Transaction transaction = sample_transaction();
  Decision decision = evaluate(rule_set, transaction);
  EXPECT_EQ(decision.route, Route::both);
  EXPECT_EQ(decision.rule_name, "DE01 dual run");
  EXPECT_EQ(decision.version, 7U);

  transaction.type = "payment";
  EXPECT_EQ(evaluate(rule_set, transaction).rule_name, "payments");
  transaction.type = "invoice";
  transaction.posting_date = "2026-10-31";
  EXPECT_EQ(evaluate(rule_set, transaction).rule_name, "all DE");
  transaction.entity = "FR01";
  decision = evaluate(rule_set, transaction);
  EXPECT_EQ(decision.rule_name, "default");
  EXPECT_EQ(decision.route, Route::legacy);
  EXPECT_EQ(decision.version, 7U);
}

TEST(Evaluate, StringMatchesExactly) {
  Transaction transaction = sample_transaction();
  EXPECT_TRUE(matches(R"({"entity":"DE01"})", transaction));
  EXPECT_FALSE(matches(R"({"entity":"DE0"})", transaction));
  EXPECT_FALSE(matches(R"({"entity":"DE011"})", transaction));
  EXPECT_FALSE(matches(R"({"entity":"de01"})", transaction));
}

TEST(Evaluate, ListMatchesAnyItem) {
  Transaction transaction = sample_transaction();
  EXPECT_TRUE(matches(R"({"entity":["US01","DE01"]})", transaction));
  EXPECT_FALSE(matches(R"({"entity":["US01","US02"]})", transaction));
}

TEST(Evaluate, TrailingStarMatchesByPrefix) {
  Transaction transaction = sample_transaction();
  transaction.entity = "US07";
  EXPECT_TRUE(matches(R"({"entity":"US*"})", transaction));
  EXPECT_TRUE(matches(R"({"entity":"US07*"})", transaction));  // the prefix may be the whole value
  EXPECT_FALSE(matches(R"({"entity":"US07X*"})", transaction));
  EXPECT_FALSE(matches(R"({"entity":"S*"})", transaction));  // a prefix, not a substring
  EXPECT_TRUE(matches(R"({"entity":["DE01","U*"]})", transaction));
}

TEST(Evaluate, LoneStarMatchesEverythingAndInnerStarIsLiteral) {
  Transaction transaction = sample_transaction();
  EXPECT_TRUE(matches(R"({"entity":"*"})", transaction));
  EXPECT_TRUE(matches(R"({"entity":["US01","*"]})", transaction));
  EXPECT_FALSE(matches(R"({"entity":"D*1"})", transaction));
  transaction.entity = "D*1";
  EXPECT_TRUE(matches(R"({"entity":"D*1"})", transaction));
}

TEST(Evaluate, SourceTypeAndCurrencyConditions) {
  const Transaction transaction = sample_transaction();
  EXPECT_TRUE(matches(R"({"source":"billing"})", transaction));
  EXPECT_FALSE(matches(R"({"source":"crm"})", transaction));
  EXPECT_TRUE(matches(R"({"type":["payment","invoice"]})", transaction));
  EXPECT_FALSE(matches(R"({"type":"payment"})", transaction));
  EXPECT_TRUE(matches(R"({"currency":"EUR"})", transaction));
  EXPECT_TRUE(matches(R"({"currency":"E*"})", transaction));
  EXPECT_FALSE(matches(R"({"currency":["USD","JPY"]})", transaction));
}

TEST(Evaluate, UnicodeCodesMatchBytewise) {
  Transaction transaction = sample_transaction();
  transaction.entity = "Ünïcødé-東京";
  EXPECT_TRUE(matches(R"({"entity":"Ünïcødé-東京"})", transaction));
  EXPECT_TRUE(matches(R"({"entity":"Ün*"})", transaction));
  EXPECT_TRUE(matches(R"({"entity":"\u00dcn*"})", transaction));  // escaped in JSON
  EXPECT_FALSE(matches(R"({"entity":"Un*"})", transaction));
}

TEST(Evaluate, PostingDateFromIsInclusiveBeforeIsExclusive) {
  Transaction transaction = sample_transaction();
  const char* when = R"({"posting_date":{"from":"2026-11-01","before":"2026-12-01"}})";
  transaction.posting_date = "2026-10-31";
  EXPECT_FALSE(matches(when, transaction));
  transaction.posting_date = "2026-11-01";
  EXPECT_TRUE(matches(when, transaction));
  transaction.posting_date = "2026-11-30";
  EXPECT_TRUE(matches(when, transaction));
  transaction.posting_date = "2026-12-01";
  EXPECT_FALSE(matches(when, transaction));
}

TEST(Evaluate, PostingDateBoundsMayBeOmitted) {
  Transaction transaction = sample_transaction();
  transaction.posting_date = "1999-01-01";
  EXPECT_TRUE(matches(R"({"posting_date":{"before":"2026-11-01"}})", transaction));
  EXPECT_FALSE(matches(R"({"posting_date":{"from":"2026-11-01"}})", transaction));
  transaction.posting_date = "9999-12-31";
  EXPECT_TRUE(matches(R"({"posting_date":{"from":"2026-11-01"}})", transaction));
  EXPECT_FALSE(matches(R"({"posting_date":{"before":"9999-12-31"}})", transaction));
}

TEST(Evaluate, DateKeysOrderAsTheText) {
  EXPECT_EQ(date_key("2026-11-25"), 20261125U);
  EXPECT_EQ(date_key("1900-01-01"), 19000101U);
  EXPECT_FALSE(date_key("2026-11-2").has_value());
  EXPECT_FALSE(date_key("2026/11/25").has_value());
  EXPECT_FALSE(date_key("2026-1a-25").has_value());
  EXPECT_FALSE(date_key("").has_value());
}

// A Transaction built by hand (not by the parser) may hold a date of another shape: evaluate()
// then compares the text, as explain() and the plain definition do.
TEST(Evaluate, HandBuiltDateOfAnotherShapeIsComparedAsText) {
  Transaction transaction = sample_transaction();
  transaction.posting_date = "2026-11-5";  // sorts after "2026-11-30" as text
  EXPECT_TRUE(matches(R"({"posting_date":{"from":"2026-11-30"}})", transaction));
  EXPECT_FALSE(matches(R"({"posting_date":{"before":"2026-11-30"}})", transaction));
  EXPECT_TRUE(matches(R"({"entity":"DE01"})", transaction));
}

TEST(Evaluate, AmountBoundsAreInclusive) {
  const char* when = R"({"amount":{"min":"100","max":"119.00"}})";
  EXPECT_FALSE(matches(when, with_amount(sample_transaction(), 9999, "EUR", 2)));
  EXPECT_TRUE(matches(when, with_amount(sample_transaction(), 10000, "EUR", 2)));
  EXPECT_TRUE(matches(when, with_amount(sample_transaction(), 11900, "EUR", 2)));
  EXPECT_FALSE(matches(when, with_amount(sample_transaction(), 11901, "EUR", 2)));
}

TEST(Evaluate, AmountComparesExactlyAcrossScales) {
  // JPY has 0 digits: 1000 yen is below 1000.5, 1001 is above.
  EXPECT_FALSE(
      matches(R"({"amount":{"min":"1000.5"}})", with_amount(sample_transaction(), 1000, "JPY", 0)));
  EXPECT_TRUE(
      matches(R"({"amount":{"min":"1000.5"}})", with_amount(sample_transaction(), 1001, "JPY", 0)));
  EXPECT_TRUE(matches(R"({"amount":{"max":"1000.000000"}})",
                      with_amount(sample_transaction(), 1000, "JPY", 0)));
  // BHD has 3 digits: 1.234 vs bounds with 2 and 4 digits.
  const Transaction bhd = with_amount(sample_transaction(), 1234, "BHD", 3);
  EXPECT_TRUE(matches(R"({"amount":{"min":"1.23","max":"1.2340"}})", bhd));
  EXPECT_FALSE(matches(R"({"amount":{"min":"1.2341"}})", bhd));
  EXPECT_FALSE(matches(R"({"amount":{"max":"1.23"}})", bhd));
  // A bound with more decimals than the currency has falls between two cent values.
  const char* between = R"({"amount":{"min":"100.005"}})";
  EXPECT_FALSE(matches(between, with_amount(sample_transaction(), 10000, "EUR", 2)));
  EXPECT_TRUE(matches(between, with_amount(sample_transaction(), 10001, "EUR", 2)));
  EXPECT_TRUE(matches(R"({"amount":{"min":"0"}})", with_amount(sample_transaction(), 1, "EUR", 2)));
}

TEST(Evaluate, AmountIsTheDebitTotalNotALineAmount) {
  Transaction transaction = sample_transaction();  // lines 119.00, 100.00, 19.00; total 119.00
  EXPECT_TRUE(matches(R"({"amount":{"min":"119","max":"119"}})", transaction));
  EXPECT_FALSE(matches(R"({"amount":{"max":"100"}})", transaction));
}

TEST(Evaluate, AmountNearTheInt64Limit) {
  const Transaction huge = with_amount(sample_transaction(), INT64_MAX, "EUR", 2);
  EXPECT_TRUE(matches(R"({"amount":{"min":"92233720368547758.07"}})", huge));
  EXPECT_FALSE(matches(R"({"amount":{"max":"92233720368547758.06"}})", huge));
  EXPECT_TRUE(matches(R"({"amount":{"max":"9223372036854775807"}})", huge));
}

TEST(Evaluate, AccountMatchesAPrefixOfAnyLine) {
  const Transaction transaction = sample_transaction();        // accounts 1200, 4000, 1776
  EXPECT_TRUE(matches(R"({"account":"1776"})", transaction));  // the last line
  EXPECT_TRUE(matches(R"({"account":"17"})", transaction));
  EXPECT_TRUE(matches(R"({"account":["9","40"]})", transaction));
  EXPECT_FALSE(matches(R"({"account":"77"})", transaction));  // a prefix, not a substring
  EXPECT_FALSE(matches(R"({"account":"12000"})", transaction));
  EXPECT_TRUE(matches(R"({"account":"40*"})", transaction));  // a trailing '*' changes nothing
  EXPECT_TRUE(matches(R"({"account":"*"})", transaction));
}

TEST(Evaluate, AttributesMustBePresentWithAListedValue) {
  const Transaction transaction = sample_transaction();  // channel=partner, region=EMEA
  EXPECT_TRUE(matches(R"({"attributes":{"region":"EMEA"}})", transaction));
  EXPECT_TRUE(matches(R"({"attributes":{"region":["APAC","EMEA"]}})", transaction));
  EXPECT_FALSE(matches(R"({"attributes":{"region":"APAC"}})", transaction));
  EXPECT_FALSE(matches(R"({"attributes":{"segment":"smb"}})", transaction));  // missing
  EXPECT_TRUE(matches(R"({"attributes":{"region":"EMEA","channel":"partner"}})", transaction));
  EXPECT_FALSE(matches(R"({"attributes":{"region":"EMEA","channel":"direct"}})", transaction));
  EXPECT_FALSE(matches(R"({"attributes":{"region":"EM*"}})", transaction));  // exact only
}

TEST(Evaluate, AttributesOfATransactionWithoutAny) {
  Transaction transaction = sample_transaction();
  transaction.attributes.clear();
  EXPECT_FALSE(matches(R"({"attributes":{"region":"EMEA"}})", transaction));
  EXPECT_TRUE(matches(R"({"entity":"DE01"})", transaction));
}

TEST(Evaluate, EveryConditionMustHold) {
  const Transaction transaction = sample_transaction();
  const char* all = R"({"entity":"DE*","source":"billing","type":"invoice","currency":"EUR",
    "posting_date":{"from":"2026-11-25","before":"2026-11-26"},"amount":{"min":"119","max":"119"},
    "account":"1776","attributes":{"region":"EMEA"}})";
  EXPECT_TRUE(matches(all, transaction));
  for (const char* spoiler :
       {R"({"entity":"DE*","source":"crm"})", R"({"entity":"DE*","account":"9"})",
        R"({"entity":"DE01","amount":{"min":"119.01"}})",
        R"({"type":"invoice","posting_date":{"before":"2026-11-25"}})",
        R"({"currency":"EUR","attributes":{"region":"EMEA","x":"y"}})"}) {
    EXPECT_FALSE(matches(spoiler, transaction)) << spoiler;
  }
}

// More than one 64-rule word of candidates, with the match in the last word.
TEST(Evaluate, ManyRulesKeepFirstMatchOrder) {
  std::string text = R"({"default":"hold","rules":[)";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) text += ',';
    text += R"({"name":"r)" + std::to_string(i) + R"(","when":{"entity":"E)" +
            std::to_string(i % 150) + R"("},"route":"new"})";
  }
  text += "]}";
  const RuleSet rule_set = must_parse(text);
  Transaction transaction = sample_transaction();
  transaction.entity = "E149";
  EXPECT_EQ(evaluate(rule_set, transaction).rule_name, "r149");
  transaction.entity = "E10";
  EXPECT_EQ(evaluate(rule_set, transaction).rule_name, "r10");  // not r160
  transaction.entity = "E150";
  EXPECT_EQ(evaluate(rule_set, transaction).rule_name, "default");
}

TEST(Evaluate, RuleSetSurvivesCopyAndMove) {
  RuleSet original = must_parse(one_rule(R"({"entity":"DE01"})"));
  const RuleSet copy = original;
  const RuleSet moved = std::move(original);
  EXPECT_EQ(evaluate(copy, sample_transaction()).rule_name, "r");
  EXPECT_EQ(evaluate(moved, sample_transaction()).rule_name, "r");
}

}  // namespace
}  // namespace coexist::rules
