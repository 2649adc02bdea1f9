// The page probe (journal/page_probe.h): whether any page a read can reach lies past the end of
// data.mdb. A truncated file must answer past_end without killing the test process (the probe
// catches the SIGBUS), and leave SIGBUS as deadly as it was; a file whose only missing pages are
// free must answer inside_file.

#include "journal/page_probe.h"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <array>
#include <csignal>
#include <filesystem>
#include <ostream>
#include <thread>
#include <vector>

#include "tests/journal/free_tail.h"

// Under AddressSanitizer (the asan preset) the probe's SIGBUS handler works only if ASan lets a
// program install its own: its sigaction interceptor silently ignores the call otherwise, and the
// first fault is an ASan "BUS" report. That is ASan's default (allow_user_segv_handler=1); this
// keeps it so whatever the toolchain's default, while ASAN_OPTIONS can still override it.
#if defined(__SANITIZE_ADDRESS__)
#define COEXIST_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COEXIST_TEST_ASAN 1
#endif
#endif
#ifdef COEXIST_TEST_ASAN
extern "C" const char* __asan_default_options() {  // NOLINT(bugprone-reserved-identifier)
  return "allow_user_segv_handler=1";
}
#endif

namespace coexist::journal {
void PrintTo(PageReach reach, std::ostream* out) {
  *out << (reach == PageReach::inside_file ? "inside_file" : "past_end");
}
}  // namespace coexist::journal

namespace coexist::test {
namespace {

namespace fs = std::filesystem;
using journal::PageReach;

constexpr std::array<const char*, 4> kDatabases = {"transactions", "idempotency", "meta", "rules"};

PageReach probe(const RawEnv& env, std::span<const char* const> databases = kDatabases) {
  auto reach = journal::probe_reachable_pages(env.get(), databases);
  EXPECT_TRUE(reach.is_ok()) << reach.status().to_string();
  return reach.is_ok() ? reach.value() : PageReach::inside_file;
}

// A journal of `records` records at `path`, cut to half its pages.
void write_truncated_journal(const fs::path& path, int records) {
  {
    auto journal = open_journal(path);
    ASSERT_NE(journal, nullptr);
    append_records(*journal, records);
  }
  std::uint64_t bytes = fs::file_size(path / "data.mdb");
  fs::resize_file(path / "data.mdb", bytes / 2 / 4096 * 4096);
}

struct sigaction sigbus_disposition() {
  struct sigaction current {};
  EXPECT_EQ(::sigaction(SIGBUS, nullptr, &current), 0);
  return current;
}

TEST(PageProbeTest, WholeJournalReachesNoPagePastTheEnd) {
  TempDir dir;
  {
    auto journal = open_journal(dir.path());
    ASSERT_NE(journal, nullptr);
    append_records(*journal, 400);
  }
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env), PageReach::inside_file);
}

TEST(PageProbeTest, TruncatedJournalReachesPastTheEndAndTheProcessLives) {
  TempDir dir;
  write_truncated_journal(dir.path(), 400);
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env), PageReach::past_end);
  EXPECT_EQ(probe(env), PageReach::past_end) << "a second probe catches its SIGBUS, too";
}

TEST(PageProbeTest, JournalMissingOnlyFreePagesReachesNoPagePastTheEnd) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path());
  ASSERT_LT(extent.file_bytes, extent.needed_bytes) << "LMDB left no unwritten free tail";
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env), PageReach::inside_file);
}

TEST(PageProbeTest, JournalMissingFreePagesAndLiveOnesReachesPastTheEnd) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path());
  ASSERT_LT(extent.file_bytes, extent.needed_bytes);
  fs::resize_file(dir.path() / "data.mdb", extent.file_bytes / 2 / 4096 * 4096);
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env), PageReach::past_end);
}

// A transaction of `pairs` debit and credit lines: a record larger than a page, kept on overflow
// pages, which LMDB's cursor hands out without reading them.
std::string large_transaction_json(const std::string& id, int pairs) {
  std::string lines;
  for (int i = 0; i < pairs; ++i) {
    if (i > 0) lines += ",";
    lines += R"({"account":"1200","debit":"1.00"},{"account":"4000","credit":"1.00"})";
  }
  return R"({"id":")" + id +
         R"(","source":"billing","entity":"DE01","type":"invoice",)"
         R"("posting_date":"2026-11-25","currency":"EUR","lines":[)" +
         lines + "]}";
}

// The probe reads each value's last byte: a record whose last overflow page is cut is caught
// although the leaf that points to it is whole.
TEST(PageProbeTest, RecordWhoseLastOverflowPageIsCutReachesPastTheEnd) {
  TempDir dir;
  {
    auto journal = open_journal(dir.path());
    ASSERT_NE(journal, nullptr);
    for (int i = 0; i < 30; ++i) append_records(*journal, 5, i * 5);  // leaves free pages
    RequestBuilder build;
    std::vector<journal::AppendRequest> batch = {build.make(large_transaction_json("L", 200))};
    std::vector<journal::AppendResult> results;
    ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
  }
  std::uint64_t bytes = fs::file_size(dir.path() / "data.mdb");
  fs::resize_file(dir.path() / "data.mdb", bytes - 4096);
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env), PageReach::past_end);
}

TEST(PageProbeTest, MissingNamedDatabaseIsSkipped) {
  TempDir dir;
  {
    auto journal = open_journal(dir.path());
    ASSERT_NE(journal, nullptr);
    append_records(*journal, 5);
  }
  RawEnv env(dir.path(), MDB_RDONLY);
  const std::array<const char*, 2> databases = {"transactions", "no-such-database"};
  EXPECT_EQ(probe(env, databases), PageReach::inside_file);
}

TEST(PageProbeTest, SigbusDispositionIsRestoredAfterEitherOutcome) {
  TempDir dir;
  write_truncated_journal(dir.path() / "truncated", 400);
  (void)write_journal_with_free_tail(dir.path() / "whole");
  struct sigaction before = sigbus_disposition();
  for (const char* name : {"truncated", "whole"}) {
    RawEnv env(dir.path() / name, MDB_RDONLY);
    (void)probe(env);
    struct sigaction after = sigbus_disposition();
    EXPECT_EQ(after.sa_sigaction, before.sa_sigaction) << name;
    // Not all flags: the C library adds SA_RESTORER to what it installs.
    EXPECT_EQ(after.sa_flags & SA_SIGINFO, before.sa_flags & SA_SIGINFO) << name;
  }
}

TEST(PageProbeTest, SigbusOutsideAProbeStillKills) {
  TempDir dir;
  write_truncated_journal(dir.path(), 400);
  {
    RawEnv env(dir.path(), MDB_RDONLY);
    ASSERT_EQ(probe(env), PageReach::past_end);
  }
  EXPECT_DEATH(std::raise(SIGBUS), "");
}

// Each thread catches its own SIGBUS (thread-local state), and the handler stays installed until
// the last concurrent probe ends.
TEST(PageProbeTest, ConcurrentProbesEachCatchTheirOwnFault) {
  TempDir dir;
  constexpr int kThreads = 4;
  for (int i = 0; i < kThreads; ++i) {
    fs::path path = dir.path() / std::to_string(i);
    if (i % 2 == 0) {
      write_truncated_journal(path, 400);
    } else {
      (void)write_journal_with_free_tail(path);
    }
  }
  std::vector<int> wrong(kThreads, 0);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        RawEnv env(dir.path() / std::to_string(i), MDB_RDONLY | MDB_NOTLS);
        PageReach expected = i % 2 == 0 ? PageReach::past_end : PageReach::inside_file;
        for (int round = 0; round < 20; ++round) {
          auto reach = journal::probe_reachable_pages(env.get(), kDatabases);
          if (!reach.is_ok() || reach.value() != expected) ++wrong[static_cast<std::size_t>(i)];
        }
      });
    }
  }
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(wrong[static_cast<std::size_t>(i)], 0) << i;
}

}  // namespace
}  // namespace coexist::test
