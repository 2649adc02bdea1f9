#include "journal/verify.h"

#include <gtest/gtest.h>

#include <functional>

#include "model/limits.h"
#include "tests/journal/journal_fixture.h"
#include "tests/journal/tamperer.h"

namespace coexist::test {
namespace {

std::filesystem::path journal_with(const TempDir& dir, int count) {
  auto journal = open_journal(dir.path());
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  for (int i = 1; i <= count; ++i) {
    batch.push_back(
        build.make(transaction_json("T" + std::to_string(i), std::to_string(i) + ".00")));
  }
  std::vector<journal::AppendResult> results;
  EXPECT_TRUE(journal->append_batch(batch, results).is_ok());
  return dir.path();
}

journal::VerifyReport verify_at(const std::filesystem::path& path,
                                const std::optional<journal::Digest>& digest = std::nullopt) {
  auto journal = open_journal(path, true);
  auto report = journal::verify(*journal, digest);
  EXPECT_TRUE(report.is_ok());
  return report.value();
}

// Re-encodes record `seq` with `change` applied to its fields, chaining from `previous`.
std::string reencode(const std::string& bytes, std::uint64_t seq, const journal::Hash& previous,
                     const std::function<void(journal::RecordFields&)>& change) {
  auto view = journal::decode_record(seq, bytes).value();
  journal::RecordFields fields = journal::fields_of(view);
  change(fields);
  std::string body;
  journal::encode_body(fields, body);
  journal::Hash hash = journal::chain_hash(previous, seq, journal::kRecordVersion, body);
  std::string record(1, static_cast<char>(journal::kRecordVersion));
  record.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return record + body;
}

TEST(VerifyTest, IntactJournalPasses) {
  TempDir dir;
  auto report = verify_at(journal_with(dir, 5));
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.records, 5U);
  EXPECT_EQ(report.head.seq, 5U);
}

TEST(VerifyTest, EmptyJournalPasses) {
  TempDir dir;
  { auto journal = open_journal(dir.path()); }
  auto report = verify_at(dir.path());
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.records, 0U);
}

TEST(VerifyTest, FlippedByteInACanonicalAmountNamesThatSeq) {
  TempDir dir;
  auto path = journal_with(dir, 5);
  {
    Tamperer tamper(path);
    std::string record = tamper.get(3);
    auto at = record.find("3.00");
    ASSERT_NE(at, std::string::npos);
    record[at] = '9';
    tamper.put(3, record);
  }
  auto report = verify_at(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 3U);
}

TEST(VerifyTest, ChangedRouteWithRecomputedChainPassesAloneButFailsAgainstADigest) {
  TempDir dir;
  auto path = journal_with(dir, 4);
  journal::Digest digest{verify_at(path).head, std::nullopt};
  {
    Tamperer tamper(path);
    journal::Hash previous = journal::decode_record(1, tamper.get(1)).value().hash;
    for (std::uint64_t seq = 2; seq <= 4; ++seq) {
      std::string rewritten = reencode(tamper.get(seq), seq, previous, [&](auto& fields) {
        if (seq == 2) fields.route = "new";
      });
      previous = journal::decode_record(seq, rewritten).value().hash;
      tamper.put(seq, rewritten);
    }
  }
  EXPECT_TRUE(verify_at(path).ok) << "a recomputed chain is consistent in itself";
  auto report = verify_at(path, digest);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 4U) << "the digest's seq is where the rewrite shows";
}

TEST(VerifyTest, RecordRemovedWithoutItsIndexEntryFailsTheIndexCheck) {
  TempDir dir;
  auto path = journal_with(dir, 4);
  { Tamperer(path).remove(4); }
  auto report = verify_at(path);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("index"), std::string::npos);
}

TEST(VerifyTest, RemovedRecordIsReportedMissing) {
  TempDir dir;
  auto path = journal_with(dir, 4);
  { Tamperer(path).remove(2); }
  auto report = verify_at(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2U);
  EXPECT_NE(report.problem.find("missing"), std::string::npos);
}

// A journal written before ingest refused self-amends may hold one: verify must not call that
// sound record invalid (it reads stored records with the structural checks only).
TEST(VerifyTest, ARecordAcceptedBeforeALaterIngestCheckStillVerifies) {
  TempDir dir;
  {
    auto journal = open_journal(dir.path());
    RequestBuilder older_router(ParsePurpose::stored);
    std::string self_amending = transaction_json("T1");
    self_amending.insert(self_amending.size() - 1, R"(,"amends":"T1")");
    std::vector<journal::AppendRequest> batch{older_router.make(self_amending)};
    std::vector<journal::AppendResult> results;
    ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
  }
  auto report = verify_at(dir.path());
  EXPECT_TRUE(report.ok) << report.problem;
}

TEST(VerifyTest, TruncatedTailIsCaughtByTheDigest) {
  TempDir dir;
  auto path = journal_with(dir, 4);
  journal::Digest digest{verify_at(path).head, std::nullopt};
  {
    Tamperer tamper(path);
    tamper.remove(4);
    tamper.remove_index("billing", "T4");
  }
  EXPECT_TRUE(verify_at(path).ok) << "a clean cut of the tail is consistent in itself";
  auto report = verify_at(path, digest);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("removed"), std::string::npos);
  EXPECT_EQ(report.first_bad_seq, 4U) << "the first removed seq, not 0 (which no record has)";
}

TEST(VerifyTest, RecordFieldsThatDisagreeWithTheTransactionFail) {
  TempDir dir;
  auto path = journal_with(dir, 3);
  {
    Tamperer tamper(path);
    journal::Hash previous = journal::decode_record(1, tamper.get(1)).value().hash;
    for (std::uint64_t seq = 2; seq <= 3; ++seq) {
      std::string rewritten = reencode(tamper.get(seq), seq, previous, [&](auto& fields) {
        if (seq == 2) fields.entity = "US01";
      });
      previous = journal::decode_record(seq, rewritten).value().hash;
      tamper.put(seq, rewritten);
    }
  }
  auto report = verify_at(path);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2U);
}

// A request of exactly 1 MiB whose canonical form is over it: 1,000 CLF amounts of "1" are
// written "1.0000" (4 minor units). verify re-reads the canonical JSON and must accept it.
TEST(VerifyTest, CanonicalTransactionLongerThanTheRequestLimitVerifies) {
  constexpr std::size_t kDescriptionMax = 1024;  // characters, top level and per line
  // `padding` more bytes than the smallest form, spread over the descriptions.
  const auto request = [&](std::size_t padding) {
    std::size_t top = std::min(padding, kDescriptionMax);
    padding -= top;
    std::string lines;
    for (int i = 0; i < 1000; ++i) {
      std::size_t extra = std::min<std::size_t>(padding, kDescriptionMax - 1000);
      padding -= extra;
      lines += std::string(i == 0 ? "" : ",") + R"({"account":"1","description":")" +
               std::string(1000 + extra, 'd') +
               (i < 500 ? R"(","debit":"1"})" : R"(","credit":"1"})");
    }
    return R"({"id":"BIG","source":"billing","entity":"DE01","type":"invoice",)"
           R"("posting_date":"2026-11-25","currency":"CLF","description":")" +
           std::string(top, 'x') + R"(","lines":[)" + lines + "]}";
  };
  std::size_t smallest = request(0).size();
  ASSERT_LT(smallest, limits::kRequestBytesMax);
  std::string largest = request(limits::kRequestBytesMax - smallest);
  ASSERT_EQ(largest.size(), limits::kRequestBytesMax);
  TempDir dir;
  {
    auto journal = open_journal(dir.path(), false, 1 << 20, 64 << 20);
    RequestBuilder build;
    std::vector<journal::AppendRequest> batch{build.make(largest)};
    std::vector<journal::AppendResult> results;
    ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
    std::string canonical(batch.front().fields.canonical);
    ASSERT_GT(canonical.size(), limits::kRequestBytesMax);
  }
  auto report = verify_at(dir.path());
  EXPECT_TRUE(report.ok) << report.problem;
}


TEST(VerifyTest, AnUndecodableRulesVersionIsNoRecordsFault) {
  TempDir dir;
  auto path = journal_with(dir, 2);
  { Tamperer(path).put_rules(1, std::string("\x02garbage")); }
  auto report = verify_at(path);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("rules version 1"), std::string::npos) << report.problem;
  EXPECT_EQ(report.first_bad_seq, 0U) << "record 1 is sound: the rules history is not";
}

}  // namespace
}  // namespace coexist::test
