#include "journal/rules_history.h"

#include <gtest/gtest.h>

#include "journal/verify.h"
#include "tests/journal/journal_fixture.h"
#include "tests/journal/tamperer.h"

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
    ASSERT_TRUE(append(*journal,
                       {build.make(transaction_json("A")), build.make(transaction_json("B"))},
                       &first)
                    .is_ok());
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
    ASSERT_TRUE(
        append(*journal, {build.make(transaction_json("A"), "legacy", 1)}, &second).is_ok());
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

TEST(RulesHistoryTest, VerifyRejectsATransactionRoutedByAVersionNeverRecorded) {
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord first = version(1);
    ASSERT_TRUE(append(*journal, {}, &first).is_ok());
    ASSERT_TRUE(append(*journal, {build.make(transaction_json("A"), "legacy", 2)}).is_ok());
  }
  auto journal = open_journal(dir.path(), true);
  auto report = journal::verify(*journal, std::nullopt).value();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 1U);
  EXPECT_NE(report.problem.find("never applied"), std::string::npos) << report.problem;
}

// rules_hash as rules_history.h defines it, computed here from the records as stored.
journal::Hash rules_chain(const std::vector<std::string>& stored_records) {
  journal::Hash hash{};
  for (const std::string& record : stored_records) {
    hash = journal::sha256(std::string(hash.begin(), hash.end()) + record);
  }
  return hash;
}

// Versions 1 and 2, with a transaction routed by version 1 between them.
void journal_with_two_rules_versions(const std::filesystem::path& path) {
  RequestBuilder build;
  auto journal = open_journal(path);
  journal::RuleSetRecord first = version(1);
  journal::RuleSetRecord second = version(2);
  ASSERT_TRUE(append(*journal, {}, &first).is_ok());
  ASSERT_TRUE(append(*journal, {build.make(transaction_json("A"), "legacy", 1)}, &second).is_ok());
}

journal::Digest digest_of(const std::filesystem::path& path) {
  return open_journal(path, true)->digest().value();
}

journal::VerifyReport verify_against(const std::filesystem::path& path,
                                     const std::optional<journal::Digest>& digest) {
  return journal::verify(*open_journal(path, true), digest).value();
}

TEST(RulesHistoryTest, DigestNamesTheLastVersionAndTheChainOverTheStoredRecords) {
  TempDir dir;
  journal_with_two_rules_versions(dir.path());
  std::vector<std::string> stored;
  {
    Tamperer raw(dir.path());  // only reads here
    stored = {raw.get_rules(1), raw.get_rules(2)};
  }
  journal::Digest digest = digest_of(dir.path());
  EXPECT_EQ(digest.head.seq, 1U);
  ASSERT_TRUE(digest.rules.has_value());
  EXPECT_EQ(digest.rules->version, 2U);
  EXPECT_EQ(digest.rules->hash, rules_chain(stored));
  EXPECT_NE(digest.rules->hash, rules_chain({stored[1]})) << "version 1 is covered too";
}

TEST(RulesHistoryTest, JournalWithoutRulesDigestsAsVersionZero) {
  TempDir dir;
  { auto journal = open_journal(dir.path()); }
  journal::Digest digest = digest_of(dir.path());
  ASSERT_TRUE(digest.rules.has_value());
  EXPECT_EQ(digest.rules->version, 0U);
  EXPECT_EQ(digest.rules->hash, journal::Hash{});
  EXPECT_TRUE(verify_against(dir.path(), digest).ok);
}

// An attacker who rewrites a version's content rewrites its sha256 with it: self-consistent, so
// only a digest saved earlier shows it.
TEST(RulesHistoryTest, RewrittenRulesVersionPassesAloneButFailsAgainstADigest) {
  TempDir dir;
  journal_with_two_rules_versions(dir.path());
  journal::Digest digest = digest_of(dir.path());
  Tamperer(dir.path()).rewrite_rules_content(1, R"({"default":"new","rules":[]})");
  auto alone = verify_against(dir.path(), std::nullopt);
  EXPECT_TRUE(alone.ok) << "a rewritten version is consistent in itself: " << alone.problem;

  auto report = verify_against(dir.path(), digest);
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(report.digest_covers_rules);
  EXPECT_EQ(report.first_bad_seq, 0U) << "the rules history is no record's";
  EXPECT_NE(report.problem.find("rules versions 1 to 2 differ from the digest"), std::string::npos)
      << report.problem;

  // A digest saved before digests covered the rules history still checks the transactions.
  auto older = verify_against(dir.path(), journal::Digest{digest.head, std::nullopt});
  EXPECT_TRUE(older.ok) << older.problem;
  EXPECT_FALSE(older.digest_covers_rules);
}

TEST(RulesHistoryTest, RemovedLatestRulesVersionIsCaughtByTheDigest) {
  TempDir dir;
  journal_with_two_rules_versions(dir.path());
  journal::Digest digest = digest_of(dir.path());
  { Tamperer(dir.path()).remove_rules(2); }
  EXPECT_TRUE(verify_against(dir.path(), std::nullopt).ok) << "a clean cut is consistent in itself";
  auto report = verify_against(dir.path(), digest);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 0U);
  EXPECT_NE(report.problem.find("rules version 2 is missing"), std::string::npos) << report.problem;
}

TEST(RulesHistoryTest, VersionsRecordedAfterTheDigestStillVerify) {
  TempDir dir;
  journal_with_two_rules_versions(dir.path());
  journal::Digest digest = digest_of(dir.path());
  {
    auto journal = open_journal(dir.path());
    journal::RuleSetRecord third = version(3);
    ASSERT_TRUE(append(*journal, {}, &third).is_ok());
  }
  auto report = verify_against(dir.path(), digest);
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_TRUE(report.digest_covers_rules);
  EXPECT_EQ(report.rules.version, 3U);
  EXPECT_EQ(report.rules.hash, digest_of(dir.path()).rules->hash);
}

}  // namespace
}  // namespace coexist::test
