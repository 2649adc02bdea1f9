#include "router/rules_state.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "journal/journal.h"
#include "model/transaction_parser.h"
#include "rules/rule_set_parser.h"
#include "tests/support/small_journal.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using router::Decision;
using router::RulesState;

constexpr std::int64_t kHourUs = 3'600'000'000;
constexpr std::int64_t kNoonUs = 1'795'608'000'000'000;  // 2026-11-25T12:00:00Z

// Every DE01 transaction goes to `route` by the rule named `rule`; anything else by default.
std::string rules_text(const std::string& rule, const std::string& route,
                       const std::string& default_route = "legacy") {
  return R"({"default":")" + default_route + R"(","rules":[{"name":")" + rule +
         R"(","when":{"entity":"DE01"},"route":")" + route + R"("}]})";
}

std::shared_ptr<const rules::RuleSet> compile(const std::string& text) {
  rules::ParseOutcome outcome = rules::parse_rule_set(text);
  EXPECT_TRUE(outcome.rule_set.has_value()) << text;
  if (!outcome.rule_set) return nullptr;
  return std::make_shared<const rules::RuleSet>(std::move(*outcome.rule_set));
}

Transaction transaction(const std::string& entity) {
  TransactionParser parser;
  ParsedItem item = parser.parse_transaction(
      R"({"id":"INV-1","source":"billing","entity":")" + entity +
      R"(","type":"invoice","posting_date":"2026-11-25","currency":"EUR","lines":[)"
      R"({"account":"1200","debit":"119.00"},{"account":"4000","credit":"119.00"}]})");
  EXPECT_TRUE(item.transaction.has_value()) << item.rejection.message;
  return item.transaction ? std::move(*item.transaction) : Transaction{};
}

void expect_decision(const Decision& decision, const std::string& route, const std::string& rule,
                     std::uint32_t version) {
  EXPECT_EQ(decision.route, route);
  EXPECT_EQ(decision.rule, rule);
  EXPECT_EQ(decision.rules_version, version);
}

TEST(RulesStateTest, NoVersionDecidesLegacyByDefaultAtVersionZero) {
  RulesState state;
  EXPECT_EQ(state.latest_version(), 0U);
  for (std::int64_t at : {INT64_MIN, std::int64_t{0}, kNoonUs, INT64_MAX}) {
    EXPECT_EQ(state.version_at(at), 0U);
    expect_decision(state.decide(transaction("DE01"), at), "legacy", "default", 0);
  }
}

TEST(RulesStateTest, VersionsAddedInOrderRaiseTheLatest) {
  RulesState state;
  for (std::uint32_t version = 1; version <= 5; ++version) {
    state.add(version, kNoonUs, compile(rules_text("r" + std::to_string(version), "new")));
    EXPECT_EQ(state.latest_version(), version);
  }
  EXPECT_EQ(state.version_at(kNoonUs), 5U);
}

TEST(RulesStateTest, VersionAppliesExactlyAtItsInstantAndNotBefore) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("DE01 dual run", "both")));
  EXPECT_EQ(state.version_at(kNoonUs - 1), 0U);
  EXPECT_EQ(state.version_at(kNoonUs), 1U);
  EXPECT_EQ(state.version_at(kNoonUs + 1), 1U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs - 1), "legacy", "default", 0);
  expect_decision(state.decide(transaction("DE01"), kNoonUs), "both", "DE01 dual run", 1);
}

TEST(RulesStateTest, DecisionTakesTheVersionsDefaultWhenNoRuleMatches) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("DE01 dual run", "both", "new")));
  expect_decision(state.decide(transaction("FR01"), kNoonUs), "new", "default", 1);
}

TEST(RulesStateTest, ScheduledVersionDoesNotApplyBeforeItsInstant) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("stay", "legacy")));
  state.add(2, kNoonUs + kHourUs, compile(rules_text("cut over", "new")));
  EXPECT_EQ(state.latest_version(), 2U);
  EXPECT_EQ(state.version_at(kNoonUs + kHourUs - 1), 1U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs + kHourUs - 1), "legacy", "stay", 1);
}

TEST(RulesStateTest, ScheduledVersionAppliesExactlyAtItsInstant) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("stay", "legacy")));
  state.add(2, kNoonUs + kHourUs, compile(rules_text("cut over", "new")));
  EXPECT_EQ(state.version_at(kNoonUs + kHourUs), 2U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs + kHourUs), "new", "cut over", 2);
}

TEST(RulesStateTest, OnlyAScheduledVersionLeavesTheDefaultUntilItsInstant) {
  RulesState state;
  state.add(1, kNoonUs + kHourUs, compile(rules_text("cut over", "new")));
  EXPECT_EQ(state.latest_version(), 1U);
  EXPECT_EQ(state.version_at(kNoonUs), 0U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs), "legacy", "default", 0);
  expect_decision(state.decide(transaction("DE01"), kNoonUs + kHourUs), "new", "cut over", 1);
}

TEST(RulesStateTest, LaterImmediateVersionOverridesAnEarlierScheduledOne) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("first", "legacy")));
  state.add(2, kNoonUs + 2 * kHourUs, compile(rules_text("scheduled", "new")));
  state.add(3, kNoonUs + kHourUs, compile(rules_text("immediate", "both")));
  EXPECT_EQ(state.version_at(kNoonUs + kHourUs - 1), 1U);
  EXPECT_EQ(state.version_at(kNoonUs + kHourUs), 3U);
  // Version 2's instant comes, but 3 is the higher number in force: 2 never applies.
  EXPECT_EQ(state.version_at(kNoonUs + 2 * kHourUs), 3U);
  EXPECT_EQ(state.version_at(INT64_MAX), 3U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs + 3 * kHourUs), "both", "immediate", 3);
}

TEST(RulesStateTest, HighestNumberWinsAmongVersionsWithTheSameInstant) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("one", "legacy")));
  state.add(2, kNoonUs, compile(rules_text("two", "new")));
  EXPECT_EQ(state.version_at(kNoonUs), 2U);
  expect_decision(state.decide(transaction("DE01"), kNoonUs), "new", "two", 2);
}

TEST(RulesStateTest, VersionNumberComesFromTheStateNotTheRuleSet) {
  RulesState state;
  auto rule_set = compile(rules_text("r", "hold"));
  ASSERT_EQ(rule_set->version(), 0U);
  state.add(1, kNoonUs, rule_set);
  EXPECT_EQ(state.decide(transaction("DE01"), kNoonUs).rules_version, 1U);
}

TEST(RulesStateTest, DecisionOutlivesItsRuleSet) {
  Decision decision;
  {
    RulesState state;
    state.add(1, kNoonUs, compile(rules_text("a rule name long enough to be allocated", "both")));
    decision = state.decide(transaction("DE01"), kNoonUs);
  }
  EXPECT_EQ(decision.rule, "a rule name long enough to be allocated");
}

using RulesStateDeathTest = ::testing::Test;

TEST_F(RulesStateDeathTest, AddingOutOfOrderAsserts) {
  RulesState state;
  state.add(1, kNoonUs, compile(rules_text("r", "new")));
  EXPECT_DEATH(state.add(3, kNoonUs, compile(rules_text("r", "new"))), "assertion failed");
  EXPECT_DEATH(state.add(1, kNoonUs, compile(rules_text("r", "new"))), "assertion failed");
}

TEST_F(RulesStateDeathTest, FirstVersionMustBeOne) {
  RulesState state;
  EXPECT_DEATH(state.add(0, kNoonUs, compile(rules_text("r", "new"))), "assertion failed");
  EXPECT_DEATH(state.add(2, kNoonUs, compile(rules_text("r", "new"))), "assertion failed");
}

// ---------------------------------------------------------------------------------------------
// load(): the journal's history, compiled.

journal::RuleSetRecord record(std::uint32_t version, std::int64_t effective_at_us,
                              std::string canonical) {
  journal::RuleSetRecord out;
  out.version = version;
  out.applied_at_us = kNoonUs;
  out.effective_at_us = effective_at_us;
  out.applied_by = "alice@ops";
  out.reason = "test";
  out.canonical = std::move(canonical);
  out.sha256 = journal::sha256(out.canonical);
  return out;
}

void record_version(journal::Journal& journal, journal::RuleSetRecord change) {
  std::vector<journal::AppendResult> results;
  ASSERT_TRUE(journal.append_batch({}, results, &change).is_ok());
}

TEST(RulesStateTest, LoadOfAnEmptyJournalHasNoVersion) {
  TempDir dir;
  auto journal = open_small_journal(dir);
  ASSERT_NE(journal, nullptr);
  auto state = RulesState::load(*journal);
  ASSERT_TRUE(state.is_ok()) << state.status().to_string();
  EXPECT_EQ(state.value()->latest_version(), 0U);
  expect_decision(state.value()->decide(transaction("DE01"), kNoonUs), "legacy", "default", 0);
}

TEST(RulesStateTest, LoadCompilesEveryVersionWithItsInstant) {
  TempDir dir;
  auto journal = open_small_journal(dir);
  ASSERT_NE(journal, nullptr);
  record_version(*journal, record(1, kNoonUs, rules_text("stay", "legacy")));
  record_version(*journal, record(2, kNoonUs + kHourUs, rules_text("cut over", "new")));
  auto state = RulesState::load(*journal);
  ASSERT_TRUE(state.is_ok()) << state.status().to_string();
  EXPECT_EQ(state.value()->latest_version(), 2U);
  expect_decision(state.value()->decide(transaction("DE01"), kNoonUs), "legacy", "stay", 1);
  expect_decision(state.value()->decide(transaction("DE01"), kNoonUs + kHourUs), "new", "cut over",
                  2);
}

TEST(RulesStateTest, LoadRefusesAVersionThatNoLongerParses) {
  TempDir dir;
  auto journal = open_small_journal(dir);
  ASSERT_NE(journal, nullptr);
  record_version(*journal, record(1, kNoonUs, R"({"default":"nowhere","rules":[]})"));
  auto state = RulesState::load(*journal);
  ASSERT_FALSE(state.is_ok());
  EXPECT_EQ(state.status().code(), Status::Code::corruption);
  EXPECT_NE(state.status().message().find("rules version 1"), std::string::npos)
      << state.status().message();
}

// A name with a control character was accepted before rule names were checked for them: the
// version it is in must still load, or the router could not start on that journal.
TEST(RulesStateTest, LoadAcceptsANameRecordedBeforeControlCharactersWereRefused) {
  TempDir dir;
  auto journal = open_small_journal(dir);
  ASSERT_NE(journal, nullptr);
  record_version(*journal, record(1, kNoonUs, rules_text(R"(two\nlines)", "new")));
  auto state = RulesState::load(*journal);
  ASSERT_TRUE(state.is_ok()) << state.status().to_string();
  expect_decision(state.value()->decide(transaction("DE01"), kNoonUs), "new", "two\nlines", 1);
}

}  // namespace
}  // namespace coexist::test
