// A batch that does not fit in a journal at its maximum size: what fits is committed, in request
// order, and only what does not fit even alone is refused journal_full, with nothing of it written.
// What is committed keeps every promise of journal.h: seqs without gaps, an unbroken hash chain,
// repeats judged against the records of earlier parts, a rules change after the batch's records.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "journal/journal.h"
#include "journal/verify.h"
#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

using journal::AppendResult;
using journal::AppendStatus;

constexpr std::uint64_t kMapBytesMax = 512 << 10;  // 128 pages of 4 KiB
constexpr std::size_t kHugeBytes = 700 << 10;      // never fits in kMapBytesMax

void expect_verified(const journal::Journal& journal, std::uint64_t records) {
  auto report = journal::verify(journal, std::nullopt);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_TRUE(report.value().ok) << report.value().problem;
  EXPECT_EQ(report.value().records, records);
}

void expect_not_written(const journal::Journal& journal, const std::string& id) {
  EXPECT_EQ(journal.find("billing", id).value(), std::nullopt) << id;
}

// Twelve transactions of 150 KB each: more than 1 MiB together, one on its own fits easily.
std::vector<journal::AppendRequest> twelve_large(RequestBuilder& build) {
  std::vector<journal::AppendRequest> batch;
  for (int i = 0; i < 12; ++i) {
    batch.push_back(build.make(large_transaction("L" + std::to_string(i), 150 << 10)));
  }
  return batch;
}

// The number of accepted results before the first journal_full, after checking that the results
// are that prefix and then nothing but journal_full.
std::size_t accepted_prefix(const std::vector<AppendResult>& results) {
  std::size_t prefix = 0;
  while (prefix < results.size() && results[prefix].status == AppendStatus::accepted) ++prefix;
  for (std::size_t i = prefix; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status, AppendStatus::journal_full) << "result " << i;
    EXPECT_EQ(results[i].seq, 0U) << "result " << i;
  }
  return prefix;
}

TEST(JournalFullTest, OnlyThePrefixThatFitsIsAcceptedWithConsecutiveSeqs) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, 256 << 10, 1 << 20);  // grows, then splits
  RequestBuilder build;
  std::vector<AppendResult> results;
  std::vector<journal::AppendRequest> first{build.make(transaction_json("first"))};
  ASSERT_TRUE(journal->append_batch(first, results).is_ok());
  std::vector<journal::AppendRequest> batch = twelve_large(build);
  Status status = journal->append_batch(batch, results);
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  ASSERT_EQ(results.size(), batch.size());
  std::size_t prefix = accepted_prefix(results);
  EXPECT_GE(prefix, 2U) << "the map holds several; all-or-nothing would have refused them all";
  EXPECT_LT(prefix, batch.size()) << "the map cannot hold them all";
  for (std::size_t i = 0; i < prefix; ++i) EXPECT_EQ(results[i].seq, 2 + i);
  EXPECT_EQ(journal->head().value().seq, 1 + prefix);
  EXPECT_EQ(journal->stats().value().map_size_bytes, 1U << 20) << "grown to its maximum first";
  for (std::size_t i = prefix; i < batch.size(); ++i) {
    expect_not_written(*journal, std::string(batch[i].fields.id));
  }
  EXPECT_TRUE(journal->failure().is_ok()) << "a full map is not a sticky failure";
  expect_verified(*journal, 1 + prefix);
}

TEST(JournalFullTest, ManySmallTransactionsPastTheMaximumAreAcceptedUpToWhatFits) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, 1 << 20, 2 << 20);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  std::string description(1000, 'y');
  for (int i = 0; i < 4000; ++i) {
    std::string json = transaction_json("T" + std::to_string(i));
    json.insert(json.size() - 1, R"(,"description":")" + description + "\"");
    batch.push_back(build.make(json));
  }
  std::vector<AppendResult> results;
  ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
  std::size_t prefix = accepted_prefix(results);
  EXPECT_GT(prefix, 100U);
  EXPECT_LT(prefix, batch.size());
  EXPECT_EQ(results[prefix - 1].seq, prefix);
  expect_verified(*journal, prefix);
}

TEST(JournalFullTest, OversizedTransactionInTheMiddleDoesNotHoldBackTheOthers) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, 128 << 10, kMapBytesMax);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch{
      build.make(transaction_json("A")), build.make(large_transaction("HUGE", kHugeBytes)),
      build.make(transaction_json("B")), build.make(transaction_json("C"))};
  std::vector<AppendResult> results;
  ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].status, AppendStatus::accepted);
  EXPECT_EQ(results[0].seq, 1U);
  EXPECT_EQ(results[1].status, AppendStatus::journal_full);
  EXPECT_EQ(results[2].status, AppendStatus::accepted);
  EXPECT_EQ(results[2].seq, 2U) << "no gap where the refused one would have been";
  EXPECT_EQ(results[3].status, AppendStatus::accepted);
  EXPECT_EQ(results[3].seq, 3U);
  expect_not_written(*journal, "HUGE");
  expect_verified(*journal, 3);
}

// Whatever holds both the original and its repeat holds the oversized transaction between them,
// so they are committed in different parts: the repeat is judged against the committed record.
TEST(JournalFullTest, RepeatInALaterPartIsJudgedAgainstTheEarlierPartsRecord) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, kMapBytesMax, kMapBytesMax);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch{
      build.make(transaction_json("A", "1.00"), "both"),
      build.make(large_transaction("HUGE", kHugeBytes)),
      build.make(transaction_json("A", "1.0"), "new"),  // the same content, routed otherwise now
      build.make(transaction_json("A", "2.00")), build.make(transaction_json("B"))};
  std::vector<AppendResult> results;
  ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
  EXPECT_EQ(results[0].status, AppendStatus::accepted);
  EXPECT_EQ(results[1].status, AppendStatus::journal_full);
  EXPECT_EQ(results[2].status, AppendStatus::duplicate);
  EXPECT_EQ(results[2].seq, 1U);
  EXPECT_EQ(results[2].route, "both") << "the original's route, from its record";
  EXPECT_EQ(results[3].status, AppendStatus::conflict);
  EXPECT_EQ(results[3].seq, 1U);
  EXPECT_EQ(results[4].status, AppendStatus::accepted);
  EXPECT_EQ(results[4].seq, 2U);
  expect_verified(*journal, 2);
}

TEST(JournalFullTest, RefusedTransactionsAreAcceptedOnceTheMaximumIsRaised) {
  TempDir dir;
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch = twelve_large(build);
  std::size_t prefix = 0;
  journal::Hash head_hash{};
  {
    auto journal = open_journal(dir.path(), false, 1 << 20, 1 << 20);
    std::vector<AppendResult> results;
    ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
    prefix = accepted_prefix(results);
    ASSERT_LT(prefix, batch.size());
    head_hash = journal->head().value().hash;
  }
  auto journal = open_journal(dir.path(), false, 1 << 20, 4 << 20);  // an operator made room
  std::vector<AppendResult> results;
  ASSERT_TRUE(journal->append_batch(batch, results).is_ok());  // the client retries them all
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i < prefix) {
      EXPECT_EQ(results[i].status, AppendStatus::duplicate) << i;
      EXPECT_EQ(results[i].seq, 1 + i);
    } else {
      EXPECT_EQ(results[i].status, AppendStatus::accepted) << i;
      EXPECT_EQ(results[i].seq, 1 + i) << "the seqs go on from the last one committed";
    }
  }
  const auto chained_to_the_full_journals_head = [&](const journal::RecordView& record) {
    EXPECT_EQ(journal::chain_hash(head_hash, prefix + 1, record.version, record.body), record.hash);
  };
  bool found = false;
  ASSERT_TRUE(journal->get(prefix + 1, chained_to_the_full_journals_head, found).is_ok());
  EXPECT_TRUE(found);
  expect_verified(*journal, batch.size());
}

// A failed commit leaves the journal's state unknown to us (journal.h): even parts committed
// earlier in the call are not acknowledged, though a retry after the restart finds them.
TEST(JournalFullTest, CommitFailureInALaterPartIsStickyAndAcknowledgesNothing) {
  TempDir dir;
  int commits = 0;
  journal::OpenOptions options;
  options.path = dir.path();
  options.map_size_bytes_initial = kMapBytesMax;
  options.map_size_bytes_max = kMapBytesMax;
  options.fail_commit_for_test = [&] { return ++commits == 2; };
  auto journal = std::move(journal::Journal::open(options).value());
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch{build.make(transaction_json("A")),
                                            build.make(large_transaction("HUGE", kHugeBytes)),
                                            build.make(transaction_json("B"))};
  std::vector<AppendResult> results;
  Status status = journal->append_batch(batch, results);
  EXPECT_EQ(status.code(), Status::Code::unavailable) << status.to_string();
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(commits, 2) << "A's part committed, B's failed";
  EXPECT_FALSE(journal->failure().is_ok());
  EXPECT_EQ(journal->find("billing", "A").value(), std::optional<std::uint64_t>(1));
  expect_not_written(*journal, "B");
}

journal::RuleSetRecord rules_version(std::uint32_t number, std::size_t canonical_bytes = 0) {
  journal::RuleSetRecord record;
  record.version = number;
  record.applied_at_us = 1000;
  record.effective_at_us = 1000;
  record.applied_by = "alice@ops";
  record.reason = "cutover step " + std::to_string(number);
  record.canonical = R"({"default":"legacy","rules":[]})";
  record.canonical.append(canonical_bytes, ' ');  // only its size matters here
  record.sha256 = journal::sha256(record.canonical);
  return record;
}

TEST(JournalFullTest, RulesChangeIsRecordedAfterEveryTransactionTheSplitBatchCommits) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, kMapBytesMax, kMapBytesMax);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch{
      build.make(transaction_json("A")), build.make(large_transaction("HUGE", kHugeBytes)),
      build.make(transaction_json("B")), build.make(large_transaction("LAST", kHugeBytes))};
  journal::RuleSetRecord change = rules_version(1);
  std::vector<AppendResult> results;
  Status status = journal->append_batch(batch, results, &change);
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(results[0].seq, 1U);
  EXPECT_EQ(results[1].status, AppendStatus::journal_full);
  EXPECT_EQ(results[2].seq, 2U);
  EXPECT_EQ(results[3].status, AppendStatus::journal_full);
  EXPECT_EQ(change.activated_after_seq, 2U) << "after B, the last transaction committed";
  auto history = journal->rule_sets();
  ASSERT_TRUE(history.is_ok());
  ASSERT_EQ(history.value().size(), 1U);
  EXPECT_EQ(history.value()[0].activated_after_seq, 2U);
  expect_verified(*journal, 2);
}

TEST(JournalFullTest, RulesChangeThatDoesNotFitIsRefusedWhileItsBatchIsAccepted) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, kMapBytesMax, kMapBytesMax);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch{build.make(transaction_json("A")),
                                            build.make(transaction_json("B"))};
  journal::RuleSetRecord too_large = rules_version(1, kHugeBytes);
  std::vector<AppendResult> results;
  Status status = journal->append_batch(batch, results, &too_large);
  EXPECT_EQ(status.code(), Status::Code::journal_full) << status.to_string();
  ASSERT_EQ(results.size(), 2U) << "the transactions still have their verdicts";
  EXPECT_EQ(results[0].status, AppendStatus::accepted);
  EXPECT_EQ(results[1].seq, 2U);
  EXPECT_TRUE(journal->rule_sets().value().empty()) << "nothing of the refused version is written";
  EXPECT_TRUE(journal->failure().is_ok());
  journal::RuleSetRecord next = rules_version(1);  // the refused number is free again
  std::vector<journal::AppendRequest> later{build.make(transaction_json("C"))};
  ASSERT_TRUE(journal->append_batch(later, results, &next).is_ok());
  EXPECT_EQ(next.activated_after_seq, 3U);
  expect_verified(*journal, 3);
}

// The process's address space now, from /proc/self/status (VmSize, KiB → bytes).
[[maybe_unused]] std::uint64_t address_space_bytes() {  // unused under ASan (below)
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) << 10;
  }
  return 0;
}

// A map that cannot grow (mmap refused: here, the address space is capped just above what the
// process uses) is not "full": LMDB has unmapped the old map by then. The append says why, the
// failure is sticky, and reads are refused instead of faulting on the lost map. Run in a child
// process, whose address space alone is capped.
TEST(JournalMapLostDeathTest, FailedGrowthIsAStickyFailureAndReadsAreRefusedNotFatal) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: no cap can be set";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir dir;
  auto grow_until_refused = [&]() -> int {
    constexpr std::uint64_t kInitialBytes = 16 << 20;
    auto journal = open_journal(dir.path(), false, kInitialBytes, 1ULL << 30);
    if (journal == nullptr) return 10;
    RequestBuilder build;
    std::vector<journal::AppendRequest> batch{build.make(large_transaction("warm", 150 << 10))};
    std::vector<AppendResult> results;
    if (!journal->append_batch(batch, results).is_ok()) return 11;
    std::vector<journal::AppendRequest> later;  // built first: parsing needs room of its own
    for (int i = 0; i < 200; ++i) {
      later.push_back(build.make(large_transaction("L" + std::to_string(i), 150 << 10)));
    }
    // Room for the doubled map's net growth is 8 MiB short of it: the doubling must fail.
    rlimit cap{};
    cap.rlim_cur = cap.rlim_max = address_space_bytes() + (kInitialBytes / 2);
    if (::setrlimit(RLIMIT_AS, &cap) != 0) return 12;
    Status status = Status::ok();
    for (std::size_t i = 0; i < later.size() && status.is_ok(); ++i) {
      status = journal->append_batch(std::span(later).subspan(i, 1), results);
    }
    if (status.is_ok() || status.code() == Status::Code::journal_full) return 13;
    if (status.message().find("grow the map to 32 MiB") == std::string::npos) return 14;
    if (journal->failure().is_ok()) return 15;
    if (journal->head().is_ok() || journal->stats().is_ok()) return 16;  // refused, alive
    return 0;
  };
  auto run = [&] {
    int code = 20;  // an allocation refused under the cap: the test's own, not the journal's
    try {
      code = grow_until_refused();
    } catch (const std::exception&) {
    }
    std::filesystem::remove_all(dir.path());  // the child's own directory: _Exit skips ~TempDir
    std::_Exit(code);
  };
  EXPECT_EXIT(run(), testing::ExitedWithCode(0), "");
#endif
}

}  // namespace
}  // namespace coexist::test
