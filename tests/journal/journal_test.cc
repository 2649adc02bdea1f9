#include "journal/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

using journal::AppendResult;
using journal::AppendStatus;

std::vector<AppendResult> append(journal::Journal& journal,
                                 const std::vector<journal::AppendRequest>& requests) {
  std::vector<AppendResult> results;
  Status status = journal.append_batch(requests, results);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return results;
}

TEST(JournalTest, BatchGetsConsecutiveSeqsStartingAtOne) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  auto results = append(*journal, {build.make(transaction_json("A")),
                                   build.make(transaction_json("B"), "legacy", 3)});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, AppendStatus::accepted);
  EXPECT_EQ(results[0].seq, 1U);
  EXPECT_EQ(results[1].seq, 2U);
  EXPECT_EQ(results[1].route, "legacy");
  EXPECT_EQ(results[1].rule, "DE01 dual run");
  EXPECT_EQ(results[1].rules_version, 3U);
  EXPECT_EQ(journal->head().value().seq, 2U);
}

TEST(JournalTest, ResubmissionWithSameContentIsDuplicateWithOriginalSeqAndRoute) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  (void)append(*journal, {build.make(transaction_json("A"), "both")});
  // Same content written differently ("10.0" normalises to "10.00"), routed otherwise now.
  auto results = append(*journal, {build.make(transaction_json("A", "10.0"), "new")});
  EXPECT_EQ(results[0].status, AppendStatus::duplicate);
  EXPECT_EQ(results[0].seq, 1U);
  EXPECT_EQ(results[0].route, "both");
  EXPECT_EQ(journal->head().value().seq, 1U);
}

TEST(JournalTest, SameKeyWithDifferentContentIsConflictAndWritesNothing) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  (void)append(*journal, {build.make(transaction_json("A", "10.00"))});
  auto results = append(*journal, {build.make(transaction_json("A", "11.00"))});
  EXPECT_EQ(results[0].status, AppendStatus::conflict);
  EXPECT_EQ(results[0].seq, 1U);
  EXPECT_EQ(journal->head().value().seq, 1U);
}

TEST(JournalTest, RepeatWithinOneBatchIsJudgedAgainstTheEarlierRequest) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  auto results = append(*journal, {build.make(transaction_json("A", "1.00")),
                                   build.make(transaction_json("A", "1.00")),
                                   build.make(transaction_json("A", "2.00")),
                                   build.make(transaction_json("B"))});
  EXPECT_EQ(results[0].status, AppendStatus::accepted);
  EXPECT_EQ(results[1].status, AppendStatus::duplicate);
  EXPECT_EQ(results[1].seq, 1U);
  EXPECT_EQ(results[2].status, AppendStatus::conflict);
  EXPECT_EQ(results[3].seq, 2U);
}

TEST(JournalTest, ReopenContinuesSeqAndHashChain) {
  TempDir dir;
  RequestBuilder build;
  journal::Hash first_head{};
  {
    auto journal = open_journal(dir.path());
    (void)append(*journal, {build.make(transaction_json("A"))});
    first_head = journal->head().value().hash;
  }
  auto journal = open_journal(dir.path());
  auto results = append(*journal, {build.make(transaction_json("B")), build.make(transaction_json("A"))});
  EXPECT_EQ(results[0].seq, 2U);
  EXPECT_EQ(results[1].status, AppendStatus::duplicate);
  bool found = false;
  journal::Hash chained_from{};
  Status status = journal->get(2, [&](const journal::RecordView& record) {
    chained_from = first_head;
    EXPECT_EQ(journal::chain_hash(chained_from, 2, record.version, record.body), record.hash);
  }, found);
  EXPECT_TRUE(status.is_ok());
  EXPECT_TRUE(found);
}

TEST(JournalTest, RecordKeepsEveryFieldItWasGiven) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  auto request = build.make(transaction_json("A", "119.00", "FR01"), "hold", 3);
  (void)append(*journal, {request});
  bool found = false;
  Status status = journal->get(1, [&](const journal::RecordView& record) {
    EXPECT_EQ(record.source, "billing");
    EXPECT_EQ(record.id, "A");
    EXPECT_EQ(record.entity, "FR01");
    EXPECT_EQ(record.type, "invoice");
    EXPECT_EQ(record.posting_date, "2026-11-25");
    EXPECT_EQ(record.currency, "EUR");
    EXPECT_EQ(record.debit_total, 11900);
    EXPECT_EQ(record.minor_units, 2);
    EXPECT_EQ(record.route, "hold");
    EXPECT_EQ(record.rules_version, 3U);
    EXPECT_EQ(record.received_at_us, 1'764'000'000'000'000);
    EXPECT_EQ(record.canonical, request.fields.canonical);
  }, found);
  ASSERT_TRUE(status.is_ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(journal->find("billing", "A").value(), std::optional<std::uint64_t>(1));
  EXPECT_EQ(journal->find("billing", "Z").value(), std::nullopt);
}

TEST(JournalTest, MapGrowsWhenFullUpToTheMaximum) {
  TempDir dir;
  auto journal = open_journal(dir.path(), false, 1 << 20, 32 << 20);
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  std::string description(900, 'x');
  for (int i = 0; i < 6000; ++i) {
    std::string json = transaction_json("T" + std::to_string(i));
    json.insert(json.size() - 1, R"(,"description":")" + description + "\"");
    batch.push_back(build.make(json));
  }
  auto results = append(*journal, batch);
  EXPECT_EQ(results.back().seq, 6000U);
  auto stats = journal->stats().value();
  EXPECT_GT(stats.map_size_bytes, 1U << 20);
  EXPECT_LE(stats.map_size_bytes, 32U << 20);
}

TEST(JournalTest, FailedCommitIsStickyAndWritesNothing) {
  TempDir dir;
  bool fail = false;
  journal::OpenOptions options;
  options.path = dir.path();
  options.fail_commit_for_test = [&] { return fail; };
  auto journal = std::move(journal::Journal::open(options).value());
  RequestBuilder build;
  (void)append(*journal, {build.make(transaction_json("A"))});
  fail = true;
  std::vector<AppendResult> results;
  std::vector<journal::AppendRequest> second{build.make(transaction_json("B"))};
  Status failed = journal->append_batch(second, results);
  EXPECT_EQ(failed.code(), Status::Code::unavailable);
  EXPECT_TRUE(results.empty()) << "no acknowledgement after a failed commit";
  fail = false;
  std::vector<journal::AppendRequest> third{build.make(transaction_json("C"))};
  Status later = journal->append_batch(third, results);
  EXPECT_EQ(later.code(), Status::Code::unavailable) << "the failure is sticky";
  EXPECT_FALSE(journal->failure().is_ok());
  EXPECT_EQ(journal->head().value().seq, 1U);
  EXPECT_EQ(journal->find("billing", "B").value(), std::nullopt);
}

TEST(JournalTest, ReadOnlyOpenOfMissingJournalIsNotFound) {
  TempDir dir;
  journal::OpenOptions options;
  options.path = dir.path() / "nothing-here";
  options.read_only = true;
  auto opened = journal::Journal::open(options);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), Status::Code::not_found);
}

TEST(JournalTest, ForEachHonoursTheSeqRangeAndEarlyStop) {
  TempDir dir;
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(build.make(transaction_json("T" + std::to_string(i))));
  (void)append(*journal, batch);
  std::vector<std::uint64_t> seen;
  Status status = journal->for_each({3, 7}, [&](const journal::RecordView& record) {
    seen.push_back(record.seq);
    return record.seq < 5;
  });
  EXPECT_TRUE(status.is_ok());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{3, 4, 5}));
}

// The longest source and id DESIGN allows (64 ASCII characters; 128 characters of 4-byte UTF-8)
// make a key longer than LMDB takes: it is stored as the id's digest, and still judged exactly.
TEST(JournalTest, IdsTooLongForAnLmdbKeyAreJudgedByTheirDigest) {
  const std::string source(64, 's');
  std::string id;
  for (int i = 0; i < 128; ++i) id += "\xF0\x9F\x98\x80";  // U+1F600
  std::string other_id = id.substr(0, id.size() - 4) + "\xF0\x9F\x98\x81";
  ASSERT_GT(source.size() + 1 + id.size(), journal::kIdempotencyKeyBytesMax) << "577 bytes";
  EXPECT_LE(journal::idempotency_key(source, id).size(), journal::kIdempotencyKeyBytesMax);
  EXPECT_NE(journal::idempotency_key(source, id), journal::idempotency_key(source, other_id));
  const auto json = [&](const std::string& with_id, const std::string& amount) {
    return R"({"id":")" + with_id + R"(","source":")" + source +
           R"(","entity":"DE01","type":"invoice","posting_date":"2026-11-25","currency":"EUR",)"
           R"("lines":[{"account":"1200","debit":")" + amount + R"("},{"account":"4000",)"
           R"("credit":")" + amount + R"("}]})";
  };
  TempDir dir;
  RequestBuilder build;
  {
    auto journal = open_journal(dir.path());
    std::vector<journal::AppendResult> results;
    std::vector<journal::AppendRequest> first{build.make(json(id, "1.00")),
                                              build.make(json(other_id, "2.00"))};
    ASSERT_TRUE(journal->append_batch(first, results).is_ok());
    EXPECT_EQ(results[0].status, journal::AppendStatus::accepted);
    EXPECT_EQ(results[1].status, journal::AppendStatus::accepted) << "a different id";
    std::vector<journal::AppendRequest> again{build.make(json(id, "1.00")),
                                              build.make(json(other_id, "9.00"))};
    ASSERT_TRUE(journal->append_batch(again, results).is_ok());
    EXPECT_EQ(results[0].status, journal::AppendStatus::duplicate);
    EXPECT_EQ(results[0].seq, 1U);
    EXPECT_EQ(results[1].status, journal::AppendStatus::conflict);
    EXPECT_EQ(results[1].seq, 2U);
    EXPECT_TRUE(journal->failure().is_ok());
  }
  auto reader = open_journal(dir.path(), true);
  EXPECT_EQ(reader->find(source, other_id).value(), std::optional<std::uint64_t>(2));
  std::uint64_t bad_seq = 0;
  std::string problem;
  ASSERT_TRUE(reader->check_index(bad_seq, problem).is_ok());
  EXPECT_EQ(problem, "");
}

TEST(JournalTest, SecondWriterOfOneJournalIsRefusedWhileTheFirstIsOpen) {
  TempDir dir;
  auto first = open_journal(dir.path());
  journal::OpenOptions options;
  options.path = dir.path();
  auto second = journal::Journal::open(options);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Status::Code::failed_precondition);
  EXPECT_NE(second.status().message().find("already open for writing by another process (pid " +
                                           std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.status().message();
  EXPECT_NE(open_journal(dir.path(), true), nullptr) << "readers are not locked out";
  first.reset();
  EXPECT_TRUE(journal::Journal::open(options).is_ok()) << "the lock goes with the writer";
}

}  // namespace
}  // namespace coexist::test
