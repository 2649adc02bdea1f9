#include "journal/rules_history.h"

#include <gtest/gtest.h>

#include "journal/verify.h"
#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

journal::RuleSetRecord version(std::uint32_t number, std::int64_t applied_at_us = 1000,
                               std::int64_t effective_at_us = 1000) {
  journal::RuleSetRecord record;
  record.version = number;
  record.applied_at_us = applied_at_us;
  record.effective_at_us = effective_at_us;
  record.applied_by = "alice@ops";
  record.reason = "cutover step " + std::to_string(number);
  record.canonical = R"({"default":"legacy","rules":[]})";
  record.sha256 = journal::sha256(record.canonical);
  return record;
}

Status append(journal::Journal& journal, const std::vector<journal::AppendRequest>& requests,
              journal::RuleSetRecord* change = nullptr) {
  std::vector<journal::AppendResult> results;
  return journal.append_batch(requests, results, change);
}

TEST(RulesHistoryTest, RecordRoundTripsEveryField) {
  journal::RuleSetRecord record = version(7, 11, 22);
  record.activated_after_seq = 33;
  record.copied_from = 4;
  std::string bytes;
  journal::encode_rules_record(record, bytes);
  auto decoded = journal::decode_rules_record(7, bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->applied_at_us, 11);
  EXPECT_EQ(decoded->effective_at_us, 22);
  EXPECT_EQ(decoded->activated_after_seq, 33U);
  EXPECT_EQ(decoded->copied_from, 4U);
  EXPECT_EQ(decoded->applied_by, "alice@ops");
  EXPECT_EQ(decoded->sha256, record.sha256);
  EXPECT_EQ(decoded->canonical, record.canonical);
  EXPECT_FALSE(journal::decode_rules_record(7, bytes.substr(0, bytes.size() - 1)).has_value());
}

TEST(RulesHistoryTest, ChangeIsRecordedAfterTheBatchItRidesOnAndSurvivesReopen) {
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("A")), build.make(transaction_json("B"))}, &first).is_ok());
    EXPECT_EQ(first.activated_after_seq, 2U) << "set by the append: after this batch's records";
    journal::RuleSetRecord second = version(2);
    ASSERT_TRUE(append(*journal, {}, &second).is_ok());
    EXPECT_EQ(second.activated_after_seq, 2U);
  }
  auto journal = open_journal(dir.path(), true);
  auto history = journal->rule_sets();
  ASSERT_TRUE(history.is_ok());
  ASSERT_EQ(history.value().size(), 2U);
  EXPECT_EQ(history.value()[0].version, 1U);
  EXPECT_EQ(history.value()[1].reason, "cutover step 2");
}

TEST(RulesHistoryTest, VersionThatSkipsANumberIsRefusedAndNothingIsWritten) {
  TempDir dir;
  RequestBuilder build;
  auto journal = open_journal(dir.path());
  journal::RuleSetRecord first = version(1);
  ASSERT_TRUE(append(*journal, {}, &first).is_ok());
  for (std::uint32_t wrong : {1U, 3U}) {
    journal::RuleSetRecord skipping = version(wrong);
    Status refused = append(*journal, {build.make(transaction_json("A"))}, &skipping);
    EXPECT_EQ(refused.code(), Status::Code::invalid_argument) << refused.to_string();
    EXPECT_NE(refused.message().find("does not follow the last recorded version 1"),
              std::string::npos)
        << refused.message();
  }
  EXPECT_EQ(journal->head().value().seq, 0U) << "the batch it rode on was not written";
  EXPECT_TRUE(journal->failure().is_ok()) << "a refused request is not a failed commit";
  journal::RuleSetRecord second = version(2);
  EXPECT_TRUE(append(*journal, {build.make(transaction_json("A"))}, &second).is_ok());
  EXPECT_EQ(journal->rule_sets().value().size(), 2U);
}

TEST(RulesHistoryTest, VerifyRejectsATransactionRoutedByAVersionRecordedAfterIt) {
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    // Routed by version 1 but committed in the batch that records version 1: seq 1 <= after_seq 1.
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("A"), "legacy", 1)}, &first).is_ok());
  }
  auto journal = open_journal(dir.path(), true);
  auto report = journal::verify(*journal, std::nullopt).value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 1U);
  EXPECT_NE(report.problem.find("applied only after"), std::string::npos) << report.problem;
}

TEST(RulesHistoryTest, VerifyRejectsATransactionRoutedByASupersededVersion) {
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    journal::RuleSetRecord second = version(2);
    ASSERT_TRUE(append(*journal, {}, &first).is_ok());
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("A"), "legacy", 1)}, &second).is_ok());
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("B"), "legacy", 1)}).is_ok());
  }
  auto journal = open_journal(dir.path(), true);
  auto report = journal::verify(*journal, std::nullopt).value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2U) << "A (seq 1) was decided before version 2; B was not";
}

TEST(RulesHistoryTest, ScheduledVersionDoesNotSupersedeBeforeItsInstant) {
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    journal::RuleSetRecord scheduled = version(2, 1000, 999'999'999);
    ASSERT_TRUE(append(*journal, {}, &first).is_ok());
    ASSERT_TRUE(append(*journal, {}, &scheduled).is_ok());
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("A"), "legacy", 1)}).is_ok());
  }
  auto journal = open_journal(dir.path(), true);
  auto report = journal::verify(*journal, std::nullopt).value();
  EXPECT_TRUE(report.ok) << report.problem;
}

TEST(RulesHistoryTest, VerifyRejectsATamperedRulesVersion) {
  TempDir dir;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    first.sha256[0] ^= 1;
    ASSERT_TRUE(append(*journal, {}, &first).is_ok());
  }
  auto journal = open_journal(dir.path(), true);
  auto report = journal::verify(*journal, std::nullopt).value();
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("sha256"), std::string::npos);
}

}  // namespace
}  // namespace coexist::test
