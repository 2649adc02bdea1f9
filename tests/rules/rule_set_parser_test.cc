#include "rules/rule_set_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "rules/limits.h"
#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

using testing::describe;
using testing::has_problem;
using testing::one_rule;

// Asserts `text` is refused with an error at `path` whose message contains `message_part`.
void expect_error(std::string_view text, std::string_view path, std::string_view message_part) {
  const ParseOutcome outcome = parse_rule_set(text);
  EXPECT_FALSE(outcome.rule_set.has_value()) << text;
  EXPECT_TRUE(outcome.canonical_json.empty());
  EXPECT_TRUE(has_problem(outcome.errors, path, message_part))
      << "expected " << path << ": ..." << message_part << "...\n got:" << describe(outcome.errors);
}

void expect_warning(std::string_view text, std::string_view path, std::string_view message_part) {
  const ParseOutcome outcome = parse_rule_set(text);
  EXPECT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  EXPECT_TRUE(has_problem(outcome.warnings, path, message_part))
      << "expected " << path << ": ..." << message_part
      << "...\n got:" << describe(outcome.warnings);
}

std::string rule_with(std::string_view rule_body) {
  return R"({"default":"legacy","rules":[)" + std::string(rule_body) + "]}";
}

constexpr const char* kDesignExample = R"({
  "default": "legacy",
  "rules": [
    {"name": "payments stay on legacy until Q1", "when": {"type": "payment"}, "route": "legacy"},
    {"name": "US cut over", "when": {"entity": ["US01", "US02"]}, "route": "new"},
    {"name": "DE01 dual run", "when": {"entity": "DE01", "posting_date": {"from": "2026-11-01"}},
     "route": "both"}
  ]
})";

TEST(RuleSetParser, DesignExampleCompiles) {
  const ParseOutcome outcome = parse_rule_set(kDesignExample);
  ASSERT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  EXPECT_TRUE(outcome.errors.empty());
  EXPECT_TRUE(outcome.warnings.empty()) << describe(outcome.warnings);
  const RuleSet& rule_set = *outcome.rule_set;
  EXPECT_EQ(rule_set.default_route(), Route::legacy);
  EXPECT_EQ(rule_set.version(), 0U);
  ASSERT_EQ(rule_set.rules().size(), 3U);
  EXPECT_EQ(rule_set.rules()[1].name, "US cut over");
  EXPECT_EQ(rule_set.rules()[1].route, Route::new_erp);
  EXPECT_EQ(rule_set.rules()[2].route, Route::both);
  EXPECT_EQ(rule_set.rules()[2].when.posting_date->from, "2026-11-01");
  EXPECT_TRUE(rule_set.rules()[2].when.posting_date->before.empty());
}

TEST(RuleSetParser, EmptyRulesListIsFine) {
  const ParseOutcome outcome = parse_rule_set(R"({"default":"hold","rules":[]})");
  ASSERT_TRUE(outcome.rule_set.has_value());
  EXPECT_TRUE(outcome.rule_set->rules().empty());
  EXPECT_EQ(outcome.rule_set->default_route(), Route::hold);
}

TEST(RuleSetParser, AllFourRoutes) {
  const RuleSet rule_set = testing::must_parse(R"({"default":"new","rules":[
    {"name":"a","when":{"entity":"A"},"route":"legacy"},{"name":"b","when":{"entity":"B"},"route":"new"},
    {"name":"c","when":{"entity":"C"},"route":"both"},{"name":"d","when":{"entity":"D"},"route":"hold"}]})");
  ASSERT_EQ(rule_set.rules().size(), 4U);
  EXPECT_EQ(rule_set.rules()[0].route, Route::legacy);
  EXPECT_EQ(rule_set.rules()[3].route, Route::hold);
  EXPECT_EQ(rule_set.default_route(), Route::new_erp);
}

TEST(RuleSetParser, UnparseableJsonNamesTheBytePosition) {
  expect_error(R"({"default":"legacy",)", "", "invalid JSON at byte");
  expect_error(R"({"default":"legacy" "rules":[]})", "",
               "invalid JSON at byte 27: parse error at line 1, column 27");
  expect_error("", "", "invalid JSON");
  expect_error(R"({"default":"legacy","rules":[]} trailing)", "", "invalid JSON");
  expect_error("{\"default\":\"legacy\",\"rules\":[],}", "", "invalid JSON");
  expect_error(R"({"default":'legacy',"rules":[]})", "", "invalid JSON");
}

TEST(RuleSetParser, InvalidUtf8IsUnparseable) {
  expect_error(
      "{\"default\":\"legacy\",\"rules\":[{\"name\":\"\xff\",\"when\":{},\"route\":\"new\"}]}", "",
      "invalid JSON");
}

TEST(RuleSetParser, RootMustBeAnObject) {
  expect_error("[]", "", "must be an object");
  expect_error("\"legacy\"", "", "must be an object");
  expect_error("null", "", "must be an object");
}

TEST(RuleSetParser, TenMegabyteTextIsRefusedQuickly) {
  std::string text = R"({"default":"legacy","rules":[],"x":")";
  text.append(10 * 1024 * 1024, 'a');
  text += "\"}";
  const auto start = std::chrono::steady_clock::now();
  expect_error(text, "", "more than the limit of 4194304 bytes");
  if (testing::kOptimisedBuild) {
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  }
  EXPECT_FALSE(canonical_rule_set_json(text).has_value());
}

TEST(RuleSetParser, TenThousandRulesAreRefusedQuickly) {
  std::string text = R"({"default":"legacy","rules":[)";
  for (int i = 0; i < 10'000; ++i) {
    if (i > 0) text += ',';
    text += R"({"name":"rule )" + std::to_string(i) + R"(","when":{"entity":"E)" +
            std::to_string(i) + R"("},"route":"new"})";
  }
  text += "]}";
  const auto start = std::chrono::steady_clock::now();
  expect_error(text, "rules", "has 10000 rules, more than the limit of 5000");
  if (testing::kOptimisedBuild) {
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  }
}

TEST(RuleSetParser, TheMaximumNumberOfRulesCompilesQuickly) {
  // The worst case for the pairwise shadow check: every rule has the same kind of conditions.
  std::string text = R"({"default":"legacy","rules":[)";
  for (std::size_t i = 0; i < kRulesMax; ++i) {
    if (i > 0) text += ',';
    text += R"({"name":"rule )" + std::to_string(i) + R"(","when":{"entity":["E)" +
            std::to_string(i) + R"(","X)" + std::to_string(i) +
            R"("],"posting_date":{"from":"2026-01-01"}},"route":"new"})";
  }
  text += "]}";
  const auto start = std::chrono::steady_clock::now();
  const ParseOutcome outcome = parse_rule_set(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  EXPECT_EQ(outcome.rule_set->rules().size(), kRulesMax);
  if (testing::kOptimisedBuild) {
    EXPECT_LT(elapsed, std::chrono::seconds(2));
  }
  std::printf("parsing %zu rules took %lld ms\n", kRulesMax,
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

TEST(RuleSetParser, TheShadowCheckIsBounded) {
  // 5000 rules of 100 entities each: comparing every pair in full would take too long, so the
  // check stops with a warning and the set still compiles.
  std::string text = R"({"default":"legacy","rules":[)";
  for (std::size_t i = 0; i < kRulesMax; ++i) {
    text += i == 0 ? R"({"name":")" : R"(,{"name":")";
    text += std::to_string(i) + R"(","route":"new","when":{"entity":[)";
    for (std::size_t j = 0; j < 100; ++j) {
      text += (j == 0 ? "\"" : ",\"") + std::to_string((i * 100 + j) % 99991) + "\"";
    }
    text += "]}}";
  }
  text += "]}";
  ASSERT_LT(text.size(), kRuleSetBytesMax);
  const auto start = std::chrono::steady_clock::now();
  const ParseOutcome outcome = parse_rule_set(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  EXPECT_TRUE(has_problem(outcome.warnings, "rules", "the shadowed-rule check stopped at rules["))
      << describe(outcome.warnings);
  std::printf("parsing 5000 rules of 100 entities took %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  if (testing::kOptimisedBuild) {
    EXPECT_LT(elapsed, std::chrono::seconds(2));
  }
}

TEST(RuleSetParser, DeepNestingIsRefused) {
  std::string text = R"({"default":"legacy","rules":[],"x":)";
  text.append(100'000, '[');
  text.append(100'000, ']');
  text += "}";
  expect_error(text, "x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]", "nested deeper than 16");
}

TEST(RuleSetParser, RepeatedKeyIsAnError) {
  expect_error(rule_with(R"({"name":"a","when":{},"route":"new","route":"hold"})"),
               "rules[0].route", "duplicate key \"route\"");
  expect_error(R"({"default":"legacy","default":"new","rules":[]})", "default", "duplicate key");
}

TEST(RuleSetParser, UnknownKeysAtEveryLevel) {
  expect_error(R"({"default":"legacy","rules":[],"version":2})", "version", "unknown key");
  expect_error(rule_with(R"({"name":"a","when":{},"route":"new","comment":"x"})"),
               "rules[0].comment", "unknown key \"comment\"");
  expect_error(rule_with(R"({"name":"a","when":{"entiy":"DE01"},"route":"new"})"),
               "rules[0].when.entiy", "did you mean \"entity\"?");
  expect_error(
      rule_with(R"({"name":"a","when":{"posting_date":{"to":"2026-01-01"}},"route":"new"})"),
      "rules[0].when.posting_date.to", "unknown key \"to\"");
  expect_error(rule_with(R"({"name":"a","when":{"amount":{"minimum":"1"}},"route":"new"})"),
               "rules[0].when.amount.minimum", "unknown key");
  expect_error(rule_with(R"({"name":"a","when":{"odd key":"1"},"route":"new"})"),
               "rules[0].when[\"odd key\"]", "unknown key");
}

TEST(RuleSetParser, UnknownRoutes) {
  expect_error(R"({"default":"erp","rules":[]})", "default", "unknown route \"erp\"");
  expect_error(R"({"default":"Legacy","rules":[]})", "default", "unknown route");
  expect_error(R"({"default":1,"rules":[]})", "default", "not a number");
  expect_error(rule_with(R"({"name":"a","when":{},"route":"new_erp"})"), "rules[0].route",
               "unknown route \"new_erp\"");
}

TEST(RuleSetParser, MissingDefaultOrRules) {
  expect_error(R"({"rules":[]})", "default", "missing");
  expect_error(R"({"default":"legacy"})", "rules", "missing");
  expect_error(R"({"default":"legacy","rules":{}})", "rules", "must be a list");
  expect_error(R"({"default":"legacy","rules":["a"]})", "rules[0]", "a rule must be an object");
}

TEST(RuleSetParser, RuleNames) {
  expect_error(rule_with(R"({"when":{},"route":"new"})"), "rules[0].name", "missing");
  expect_error(rule_with(R"({"name":"","when":{},"route":"new"})"), "rules[0].name",
               "must not be empty");
  expect_error(rule_with(R"({"name":7,"when":{},"route":"new"})"), "rules[0].name",
               "must be a string");
  expect_error(rule_with(R"({"name":"default","when":{},"route":"new"})"), "rules[0].name",
               "reserved");
  expect_error(rule_with(R"({"name":")" + std::string(129, 'n') + R"(","when":{},"route":"new"})"),
               "rules[0].name", "at most 128 characters");
  expect_error(rule_with(R"({"name":"a","when":{"entity":"A"},"route":"new"},
                            {"name":"b","when":{"entity":"B"},"route":"new"},
                            {"name":"a","when":{"entity":"C"},"route":"new"})"),
               "rules[2].name", "duplicate rule name \"a\" (also rules[0])");
}

// A name is printed in tables, CSV and logs: a newline or an escape sequence there would forge
// output lines or drive the auditor's terminal.
TEST(RuleSetParser, RuleNamesWithControlCharactersAreRefused) {
  for (std::string_view name :
       {R"(two\nlines)", R"(\u001b[31mred)", R"(tab\there)", R"(del\u007f)"}) {
    expect_error(rule_with(R"({"name":")" + std::string(name) + R"(","when":{},"route":"new"})"),
                 "rules[0].name", "must not contain control characters");
  }
}

// Versions recorded before the check existed must still load (the router reads every version at
// start) and be rolled back to.
TEST(RuleSetParser, RecordedRuleSetsKeepTheirNamesWithControlCharacters) {
  const std::string text = rule_with(R"({"name":"two\nlines","when":{},"route":"new"})");
  const ParseOutcome outcome = parse_rule_set(text, RuleSetOrigin::recorded);
  ASSERT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  EXPECT_EQ(outcome.rule_set->rules()[0].name, "two\nlines");
}

TEST(RuleSetParser, UnicodeNamesCountCharactersNotBytes) {
  std::string unicode;
  for (int i = 0; i < 128; ++i) unicode += "é";  // 256 bytes, 128 characters
  EXPECT_TRUE(parse_rule_set(rule_with(R"({"name":")" + unicode + R"(","when":{},"route":"new"})"))
                  .rule_set.has_value());
}

TEST(RuleSetParser, MissingRouteOrWhen) {
  expect_error(rule_with(R"({"name":"a","when":{}})"), "rules[0].route", "missing");
  expect_error(rule_with(R"({"name":"a","route":"new"})"), "rules[0].when",
               "use {} to match every transaction");
  expect_error(rule_with(R"({"name":"a","when":[],"route":"new"})"), "rules[0].when",
               "must be an object");
  expect_error(rule_with(R"({"name":"a","when":null,"route":"new"})"), "rules[0].when", "not null");
}

TEST(RuleSetParser, BadDates) {
  const auto with_dates = [](std::string_view dates) {
    return rule_with(R"({"name":"a","when":{},"route":"new"},{"name":"b","when":{},"route":"new"},
                        {"name":"c","when":{"posting_date":)" +
                     std::string(dates) + R"(},"route":"new"})");
  };
  expect_error(with_dates(R"({"from":"2026-13-01"})"), "rules[2].when.posting_date.from",
               "\"2026-13-01\" is not a real calendar date");
  expect_error(with_dates(R"({"before":"2026-02-30"})"), "rules[2].when.posting_date.before",
               "not a real calendar date");
  expect_error(with_dates(R"({"from":"2026-1-01"})"), "rules[2].when.posting_date.from",
               "not a real calendar date");
  expect_error(with_dates(R"({"from":"2026-01-01T00:00:00Z"})"), "rules[2].when.posting_date.from",
               "not a real calendar date");
  expect_error(with_dates(R"({"from":20260101})"), "rules[2].when.posting_date.from",
               "must be a date string");
  expect_error(with_dates(R"("2026-01-01")"), "rules[2].when.posting_date", "must be an object");
}

TEST(RuleSetParser, FromMustBeBeforeBefore) {
  expect_error(one_rule(R"({"posting_date":{"from":"2026-12-01","before":"2026-11-01"}})"),
               "rules[0].when.posting_date", "from 2026-12-01 is not before 2026-11-01");
  expect_error(one_rule(R"({"posting_date":{"from":"2026-11-01","before":"2026-11-01"}})"),
               "rules[0].when.posting_date", "the range holds no date");
  EXPECT_TRUE(
      parse_rule_set(one_rule(R"({"posting_date":{"from":"2026-11-01","before":"2026-11-02"}})"))
          .rule_set.has_value());
}

TEST(RuleSetParser, BadAmounts) {
  expect_error(one_rule(R"({"amount":{"min":"abc"}})"), "rules[0].when.amount.min",
               "\"abc\" is not a decimal amount");
  expect_error(one_rule(R"({"amount":{"max":"-5"}})"), "rules[0].when.amount.max",
               "not a decimal amount");
  expect_error(one_rule(R"({"amount":{"max":"1e3"}})"), "rules[0].when.amount.max",
               "not a decimal amount");
  expect_error(one_rule(R"({"amount":{"max":""}})"), "rules[0].when.amount.max",
               "not a decimal amount");
  expect_error(one_rule(R"({"amount":{"min":100}})"), "rules[0].when.amount.min",
               "must be a decimal string");
  expect_error(one_rule(R"({"amount":{"min":1.5}})"), "rules[0].when.amount.min",
               "never floating point");
  expect_error(one_rule(R"({"amount":["1","2"]})"), "rules[0].when.amount", "must be an object");
}

TEST(RuleSetParser, MinMustNotExceedMax) {
  expect_error(one_rule(R"({"amount":{"min":"1000","max":"999.99"}})"), "rules[0].when.amount",
               "min 1000 is greater than max 999.99");
  EXPECT_TRUE(
      parse_rule_set(one_rule(R"({"amount":{"min":"100.0","max":"100"}})")).rule_set.has_value());
}

TEST(RuleSetParser, StringListProblems) {
  expect_error(one_rule(R"({"entity":[]})"), "rules[0].when.entity", "empty list");
  expect_error(one_rule(R"({"entity":""})"), "rules[0].when.entity", "must not be an empty string");
  expect_error(one_rule(R"({"source":["billing",7]})"), "rules[0].when.source[1]",
               "must be a string, not a number");
  expect_error(one_rule(R"({"type":["invoice",""]})"), "rules[0].when.type[1]", "empty string");
  expect_error(one_rule(R"({"currency":{"code":"EUR"}})"), "rules[0].when.currency",
               "must be a string or a list of strings, not an object");
  expect_error(one_rule(R"({"account":[]})"), "rules[0].when.account", "empty list");
  expect_error(one_rule(R"({"account":[["1200"]]})"), "rules[0].when.account[0]", "not a list");
  expect_error(one_rule(R"({"entity":true})"), "rules[0].when.entity", "not true/false");
}

TEST(RuleSetParser, AttributeProblems) {
  expect_error(one_rule(R"({"attributes":["region"]})"), "rules[0].when.attributes",
               "must be an object");
  expect_error(one_rule(R"({"attributes":{"region":[]}})"), "rules[0].when.attributes.region",
               "empty list");
  expect_error(one_rule(R"({"attributes":{"region":3}})"), "rules[0].when.attributes.region",
               "not a number");
  expect_error(one_rule(R"({"attributes":{"":"x"}})"), "rules[0].when.attributes[\"\"]",
               "must not be empty");
}

TEST(RuleSetParser, EveryProblemIsNamed) {
  const ParseOutcome outcome = parse_rule_set(R"({"default":"nowhere","extra":1,"rules":[
    {"name":"a","when":{"entity":[],"posting_date":{"from":"2026-13-01"}},"route":"new"},
    {"name":"a","when":{"amount":{"min":"5","max":"1"}},"route":"sideways"},
    {"when":{"currency":7}}]})");
  EXPECT_FALSE(outcome.rule_set.has_value());
  for (const char* path :
       {"default", "extra", "rules[0].when.entity", "rules[0].when.posting_date.from",
        "rules[1].name", "rules[1].when.amount", "rules[1].route", "rules[2].name",
        "rules[2].route", "rules[2].when.currency"}) {
    EXPECT_TRUE(has_problem(outcome.errors, path, "")) << path << describe(outcome.errors);
  }
  EXPECT_EQ(outcome.errors.size(), 10U) << describe(outcome.errors);
}

TEST(RuleSetParser, ProblemsAreCappedWithACount) {
  std::string text = R"({"default":"legacy","rules":[{"name":"a","route":"new","when":{"entity":[)";
  for (int i = 0; i < 3000; ++i) text += i == 0 ? "1" : ",1";
  text += "]}}]}";
  const ParseOutcome outcome = parse_rule_set(text);
  ASSERT_EQ(outcome.errors.size(), kProblemsMax + 1);
  EXPECT_EQ(outcome.errors.back().message, "and 2000 more not shown (at most 1000 are listed)");
}

TEST(RuleSetParser, UnicodeCodesAreAccepted) {
  const ParseOutcome outcome = parse_rule_set(
      one_rule(R"({"entity":["Ünïcødé","東京*","\ud83d\ude00"],"attributes":{"région":"€"}})"));
  ASSERT_TRUE(outcome.rule_set.has_value()) << describe(outcome.errors);
  const StringCondition& entity = *outcome.rule_set->rules()[0].when.string(StringField::entity);
  EXPECT_EQ(entity.items()[2], "😀");
  EXPECT_EQ(entity.prefixes(), std::vector<std::string>{"東京"});
}

TEST(RuleSetParser, Warnings) {
  expect_warning(one_rule(R"({"currency":["EUR","EURO"]})"), "rules[0].when.currency",
                 "currency \"EURO\" never matches: it is not in the built-in ISO 4217 table");
  expect_warning(one_rule(R"({"type":"invoce"})"), "rules[0].when.type",
                 "\"invoce\" is not a known transaction type");
  expect_warning(one_rule(R"({"attributes":{"region":"*"}})"), "rules[0].when.attributes.region",
                 "match exactly");
  expect_warning(one_rule(R"({"posting_date":{}})"), "rules[0].when.posting_date",
                 "every date matches");
  expect_warning(one_rule(R"({"amount":{}})"), "rules[0].when.amount", "every amount matches");
  const ParseOutcome clean = parse_rule_set(one_rule(R"({"currency":"E*","type":"usage"})"));
  EXPECT_TRUE(clean.warnings.empty()) << describe(clean.warnings);
}

// Values the transaction parser refuses in that field: the condition can never match, which is
// almost certainly a typo (a space in a source, a 40-character entity) and is said.
TEST(RuleSetParser, ValuesNoTransactionCarriesAreWarnedAbout) {
  expect_warning(one_rule(R"({"source":"billing system"})"), "rules[0].when.source",
                 "source \"billing system\" never matches: a transaction's source may contain "
                 "only letters, digits, '_', '.' and '-'");
  expect_warning(one_rule(R"({"source":"crm/*"})"), "rules[0].when.source",
                 "source \"crm/*\" never matches");
  expect_warning(one_rule(R"({"entity":")" + std::string(33, 'E') + R"("})"),
                 "rules[0].when.entity", "must be at most 32 characters long");
  expect_warning(one_rule(R"({"entity":"DE\t01"})"), "rules[0].when.entity",
                 "must not contain control characters");
  expect_warning(one_rule(R"({"type":"Invoice"})"), "rules[0].when.type",
                 "type \"Invoice\" never matches: a transaction's type must be lower snake case");
  expect_warning(one_rule(R"({"currency":"eu*"})"), "rules[0].when.currency",
                 "no code in the built-in ISO 4217 table starts with it");
  expect_warning(one_rule(R"({"account":["4000",")" + std::string(65, '4') + R"("]})"),
                 "rules[0].when.account", "never matches: a line's account must be at most 64");
  expect_warning(one_rule(R"({"attributes":{"region":")" + std::string(257, 'r') + R"("}})"),
                 "rules[0].when.attributes.region", "attribute value");
  expect_warning(one_rule(R"({"attributes":{"re\u0001gion":"EU"}})"),
                 R"(rules[0].when.attributes["re\u0001gion"])",
                 "never matches: an attribute name must not contain control characters");
  expect_warning(one_rule(R"({"amount":{"max":"0"}})"), "rules[0].when.amount",
                 "max 0 is below the smallest amount a transaction can carry (0.0001)");
  expect_warning(one_rule(R"({"amount":{"max":"0.00009"}})"), "rules[0].when.amount",
                 "never matches");
  // The type warning is about the spelling: one that cannot match is not also "unknown".
  const ParseOutcome invoice = parse_rule_set(one_rule(R"({"type":"Invoice"})"));
  EXPECT_EQ(invoice.warnings.size(), 1U) << describe(invoice.warnings);
  // Everything here can match.
  const ParseOutcome clean = parse_rule_set(one_rule(
      R"({"source":["crm.eu-1","bill*"],"entity":")" + std::string(32, 'E') +
      R"(","account":["4000*",""],"attributes":{"region":"EU"},"amount":{"max":"0.0001"}})"));
  EXPECT_TRUE(clean.warnings.empty()) << describe(clean.warnings);
}

TEST(RuleSetParser, CanonicalFormIgnoresFormattingAndKeyOrder) {
  const std::string a = R"({"rules":[{"when":{"entity":"DE01"},"route":"both","name":"x"}],
                            "default":"legacy"})";
  const std::string b = R"({ "default" : "legacy", "rules" : [ { "name" : "x",
                             "route" : "both", "when" : { "entity" : "DE01" } } ] })";
  const std::string expected =
      R"({"default":"legacy","rules":[{"name":"x","route":"both","when":{"entity":"DE01"}}]})";
  EXPECT_EQ(canonical_rule_set_json(a), expected);
  EXPECT_EQ(canonical_rule_set_json(b), expected);
  EXPECT_EQ(parse_rule_set(a).canonical_json, expected);
  EXPECT_NE(canonical_rule_set_json(R"({"default":"new","rules":[]})"),
            canonical_rule_set_json(R"({"default":"legacy","rules":[]})"));
  EXPECT_EQ(canonical_rule_set_json(R"({"a":"\u00e9\n"})"), "{\"a\":\"é\\n\"}");
  EXPECT_FALSE(canonical_rule_set_json("{").has_value());
  EXPECT_FALSE(canonical_rule_set_json(R"({"a":1,"a":2})").has_value());
}

}  // namespace
}  // namespace coexist::rules
