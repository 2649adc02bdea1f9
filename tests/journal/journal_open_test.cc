// Opening a journal that LMDB cannot safely map: a truncated data.mdb (a partial backup) would be
// a SIGBUS on the first read past its end, so open refuses it; an empty one is named as such.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;

void append_records(journal::Journal& journal, int count) {
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  for (int i = 0; i < count; ++i)
    batch.push_back(build.make(transaction_json("T" + std::to_string(i))));
  std::vector<journal::AppendResult> results;
  ASSERT_TRUE(journal.append_batch(batch, results).is_ok());
}

// A closed journal of `count` records; returns the bytes its pages need (Stats::used_bytes).
std::uint64_t write_closed_journal(const fs::path& path, int count) {
  auto journal = open_journal(path);
  EXPECT_NE(journal, nullptr);
  if (journal == nullptr) return 0;
  append_records(*journal, count);
  return journal->stats().value().used_bytes;
}

Result<std::unique_ptr<journal::Journal>> open_with(const fs::path& path, bool read_only) {
  journal::OpenOptions options;
  options.path = path;
  options.read_only = read_only;
  return journal::Journal::open(options);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(JournalOpenTest, TruncatedDataFileIsRefusedNotMapped) {
  TempDir dir;
  std::uint64_t needed = write_closed_journal(dir.path(), 400);
  ASSERT_GT(needed, 16U * 4096U) << "enough pages to cut some off";
  std::uint64_t kept = needed / 2 / 4096 * 4096;
  fs::resize_file(dir.path() / "data.mdb", kept);
  auto opened = open_with(dir.path(), true);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), Status::Code::corruption);
  const std::string& message = opened.status().message();
  EXPECT_TRUE(contains(message, (dir.path() / "data.mdb").string() + " is truncated")) << message;
  EXPECT_TRUE(contains(message, "has " + std::to_string(kept) + " bytes")) << message;
  EXPECT_TRUE(contains(message, "need " + std::to_string(needed))) << message;
  EXPECT_TRUE(contains(message, "restore the journal from a complete copy")) << message;
}

TEST(JournalOpenTest, DataFileOneByteShortOfItsLastPageIsRefusedAndExactlyLongEnoughOpens) {
  TempDir dir;
  std::uint64_t needed = write_closed_journal(dir.path(), 50);
  fs::resize_file(dir.path() / "data.mdb", needed - 1);
  auto opened = open_with(dir.path(), true);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_TRUE(contains(opened.status().message(), "is truncated")) << opened.status().message();
  fs::resize_file(dir.path() / "data.mdb", needed);
  auto reader = open_journal(dir.path(), true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().value().seq, 50U);
}

TEST(JournalOpenTest, WriterRefusesATruncatedJournalAndLeavesItAsItWas) {
  TempDir dir;
  std::uint64_t needed = write_closed_journal(dir.path(), 400);
  std::uint64_t kept = needed / 2 / 4096 * 4096;
  fs::resize_file(dir.path() / "data.mdb", kept);
  auto opened = open_with(dir.path(), false);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), Status::Code::corruption);
  EXPECT_TRUE(contains(opened.status().message(), "is truncated")) << opened.status().message();
  EXPECT_EQ(fs::file_size(dir.path() / "data.mdb"), kept);
}

TEST(JournalOpenTest, DataFileShorterThanItsMetaPagesIsAnErrorNotACrash) {
  TempDir dir;
  (void)write_closed_journal(dir.path(), 5);
  for (std::uint64_t bytes : {100U, 4096U, 5000U}) {
    fs::resize_file(dir.path() / "data.mdb", bytes);
    EXPECT_FALSE(open_with(dir.path(), true).is_ok()) << bytes;
    EXPECT_FALSE(open_with(dir.path(), false).is_ok()) << bytes;
  }
}

TEST(JournalOpenTest, ReaderOfAnEmptyDataFileIsToldItIsEmpty) {
  TempDir dir;
  { std::ofstream empty(dir.path() / "data.mdb"); }
  auto opened = open_with(dir.path(), true);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), Status::Code::not_found);
  EXPECT_EQ(opened.status().message(), (dir.path() / "data.mdb").string() +
                                           " is empty: it holds no journal (restore it from a "
                                           "complete copy)");
}

TEST(JournalOpenTest, WriterInitialisesAnEmptyDataFileAsANewJournal) {
  TempDir dir;
  { std::ofstream empty(dir.path() / "data.mdb"); }
  {
    auto writer = open_journal(dir.path());
    ASSERT_NE(writer, nullptr);
    append_records(*writer, 3);
  }
  auto reader = open_journal(dir.path(), true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().value().seq, 3U);
}

}  // namespace
}  // namespace coexist::test
