#include "router/startup_rules.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "journal/journal.h"
#include "router/clock.h"
#include "router/config.h"
#include "router/rules_state.h"
#include "rules/rule_set_parser.h"
#include "tests/support/small_journal.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

// Rule names with a tab: refused in a new rule set since rule names may not hold control
// characters, but accepted (and perhaps recorded) before that.
constexpr const char* kTabNamedRules =
    R"({"default":"legacy","rules":[{"name":"two\tcolumns","when":{"entity":"DE01"},"route":"new"}]})";

class StartupRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal_ = open_small_journal(dir_);
    ASSERT_NE(journal_, nullptr);
    config_.rules_text = kTabNamedRules;
  }

  // What `coexist serve` does at start: load the history, then seed it.
  Status start() {
    auto loaded = router::RulesState::load(*journal_);
    if (!loaded.is_ok()) return loaded.status();
    rules_state_ = std::move(loaded.value());
    return router::seed_rules(config_, *journal_, *rules_state_, clock_);
  }

  // Records `text` as version 1 the way a router before the check did: straight into the journal.
  void record_version_1(const std::string& text) {
    journal::RuleSetRecord record;
    record.version = 1;
    record.applied_at_us = clock_.now_us();
    record.effective_at_us = record.applied_at_us;
    record.applied_by = "coexist serve";
    record.reason = "initial rules";
    record.canonical = *rules::canonical_rule_set_json(text);
    record.sha256 = journal::sha256(record.canonical);
    std::vector<journal::AppendResult> no_results;
    ASSERT_TRUE(journal_->append_batch({}, no_results, &record).is_ok());
  }

  TempDir dir_;
  std::unique_ptr<journal::Journal> journal_;
  std::unique_ptr<router::RulesState> rules_state_;
  router::Config config_;
  router::SystemClock clock_;
};

TEST_F(StartupRulesTest, ANewHistoryRefusesANameWithAControlCharacter) {
  Status status = start();
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("rules[0].name"), std::string::npos) << status.message();
  EXPECT_EQ(rules_state_->latest_version(), 0U);
}

// The router was started on this file before the check existed, so the journal holds it as
// version 1: restarting with the same config must still work.
TEST_F(StartupRulesTest, AConfiguredFileAlreadyInTheHistoryStillStarts) {
  record_version_1(kTabNamedRules);
  Status status = start();
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(rules_state_->latest_version(), 1U);
}

TEST_F(StartupRulesTest, AnEmptyHistoryIsSeededAsVersion1) {
  config_.rules_text = R"({"default":"new","rules":[]})";
  ASSERT_TRUE(start().is_ok());
  EXPECT_EQ(rules_state_->latest_version(), 1U);
  auto history = journal_->rule_sets();
  ASSERT_TRUE(history.is_ok());
  ASSERT_EQ(history.value().size(), 1U);
  EXPECT_EQ(history.value()[0].canonical, R"({"default":"new","rules":[]})");
}

}  // namespace
}  // namespace coexist::test
