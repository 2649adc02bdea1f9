// The page probe (journal/page_probe.h): whether any page a read can reach lies past the end of
// data.mdb. A truncated file must answer past_end without killing the test process (the probe
// catches the SIGBUS), and leave SIGBUS as deadly as it was; a file whose only missing pages are
// free must answer inside_file, from the free DB alone. A SIGBUS that is not the probe's must do
// what it did before, even while a probe runs.

#include "journal/page_probe.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <lmdb.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
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
void PrintTo(PageReach reach, std::ostream* out) {  // NOLINT(readability-identifier-naming)
  *out << (reach == PageReach::inside_file ? "inside_file" : "past_end");
}
void PrintTo(ProbeStep step, std::ostream* out) {  // NOLINT(readability-identifier-naming)
  *out << (step == ProbeStep::free_db ? "free_db" : "full_walk");
}
}  // namespace coexist::journal

namespace coexist::test {
namespace {

namespace fs = std::filesystem;
using journal::PageRange;
using journal::PageReach;
using journal::ProbeHooks;
using journal::ProbeOutcome;
using journal::ProbeStep;
using namespace std::chrono_literals;

constexpr std::array<const char*, 4> kDatabases = {"transactions", "idempotency", "meta", "rules"};

// The pages data.mdb lacks, as journal.cc computes them.
PageRange missing_pages(const RawEnv& env) {
  FileExtent extent = env.extent();
  MDB_stat stat{};
  EXPECT_EQ(mdb_env_stat(env.get(), &stat), 0);
  return {extent.file_bytes / stat.ms_psize, extent.needed_bytes / stat.ms_psize - 1};
}

// The probe of `missing` (by default, the pages the file lacks); a failed probe is a test failure.
ProbeOutcome probe(const RawEnv& env, std::span<const char* const> databases, PageRange missing) {
  auto outcome = journal::probe_reachable_pages(env.get(), missing, databases);
  EXPECT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  return outcome.is_ok() ? outcome.value() : ProbeOutcome{};
}

ProbeOutcome probe(const RawEnv& env, std::span<const char* const> databases = kDatabases) {
  return probe(env, databases, missing_pages(env));
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

void write_whole_journal(const fs::path& path, int records) {
  auto journal = open_journal(path);
  ASSERT_NE(journal, nullptr);
  append_records(*journal, records);
}

struct sigaction sigbus_disposition() {
  struct sigaction current {};
  EXPECT_EQ(::sigaction(SIGBUS, nullptr, &current), 0);
  return current;
}

void set_sigbus_handler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(::sigaction(SIGBUS, &action, nullptr), 0);
}

TEST(PageProbeTest, WholeJournalMissesNoPageAndReachesNoneOutsideIt) {
  TempDir dir;
  write_whole_journal(dir.path(), 400);
  RawEnv env(dir.path(), MDB_RDONLY);
  ASSERT_GT(missing_pages(env).first, missing_pages(env).last);
  EXPECT_EQ(probe(env).reach, PageReach::inside_file);
}

TEST(PageProbeTest, TruncatedJournalReachesPastTheEndAndTheProcessLives) {
  TempDir dir;
  write_truncated_journal(dir.path(), 400);
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env).reach, PageReach::past_end);
  EXPECT_EQ(probe(env).reach, PageReach::past_end) << "a second probe catches its SIGBUS, too";
}

// The fast path: every missing page is listed free, so no other database is read.
TEST(PageProbeTest, JournalMissingOnlyFreePagesIsDecidedByTheFreeDbAlone) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path());
  ASSERT_LT(extent.file_bytes, extent.needed_bytes) << "LMDB left no unwritten free tail";
  RawEnv env(dir.path(), MDB_RDONLY);
  std::vector<std::string> read;
  ProbeHooks hooks;
  hooks.before_database = [&](std::string_view database) { read.emplace_back(database); };
  auto outcome = journal::probe_reachable_pages(env.get(), missing_pages(env), kDatabases, hooks);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome.value().reach, PageReach::inside_file);
  EXPECT_EQ(outcome.value().decided_by, ProbeStep::free_db);
  EXPECT_EQ(read, std::vector<std::string>{"free DB"});
}

TEST(PageProbeTest, JournalMissingFreePagesAndLiveOnesReachesPastTheEnd) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path());
  ASSERT_LT(extent.file_bytes, extent.needed_bytes);
  fs::resize_file(dir.path() / "data.mdb", extent.file_bytes / 2 / 4096 * 4096);
  RawEnv env(dir.path(), MDB_RDONLY);
  EXPECT_EQ(probe(env).reach, PageReach::past_end);
}

// Pages the free DB does not list (here: pages in use, although in the file) send the probe on
// to the full walk, which reads them all.
TEST(PageProbeTest, MissingPagesInUseAreLeftToTheFullWalk) {
  TempDir dir;
  write_whole_journal(dir.path(), 400);
  RawEnv env(dir.path(), MDB_RDONLY);
  PageRange in_use{missing_pages(env).first - 4, missing_pages(env).last};
  ProbeOutcome outcome = probe(env, kDatabases, in_use);
  EXPECT_EQ(outcome.reach, PageReach::inside_file);
  EXPECT_EQ(outcome.decided_by, ProbeStep::full_walk);
}

TEST(PageProbeTest, MoreMissingPagesThanTheFreeDbIsCheckedForAreLeftToTheFullWalk) {
  TempDir dir;
  write_whole_journal(dir.path(), 50);
  RawEnv env(dir.path(), MDB_RDONLY);
  ProbeOutcome outcome = probe(env, kDatabases, {2, 2 + journal::kMissingPagesListedMax});
  EXPECT_EQ(outcome.reach, PageReach::inside_file);
  EXPECT_EQ(outcome.decided_by, ProbeStep::full_walk);
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
  EXPECT_EQ(probe(env).reach, PageReach::past_end);
}

TEST(PageProbeTest, MissingNamedDatabaseIsSkipped) {
  TempDir dir;
  write_whole_journal(dir.path(), 5);
  RawEnv env(dir.path(), MDB_RDONLY);
  const std::array<const char*, 2> databases = {"transactions", "no-such-database"};
  PageRange in_use{missing_pages(env).first - 1, missing_pages(env).last};
  ProbeOutcome outcome = probe(env, databases, in_use);
  EXPECT_EQ(outcome.reach, PageReach::inside_file);
  EXPECT_EQ(outcome.decided_by, ProbeStep::full_walk);
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

std::atomic<int> sigbus_handled{0};
void count_sigbus(int /*signal*/) { sigbus_handled.fetch_add(1); }

// A SIGBUS sent during a probe goes to the handler installed before it, which returns; the probe's
// handler stays, and still catches the probe's own fault.
TEST(PageProbeTest, SentSigbusGoesToThePreviousHandlerAndTheProbeStillCatchesItsFault) {
  TempDir dir;
  write_truncated_journal(dir.path(), 400);
  struct sigaction saved = sigbus_disposition();
  set_sigbus_handler(count_sigbus);
  sigbus_handled = 0;
  RawEnv env(dir.path(), MDB_RDONLY);
  ProbeHooks hooks;
  hooks.before_database = [](std::string_view /*database*/) { ::raise(SIGBUS); };
  auto outcome = journal::probe_reachable_pages(env.get(), missing_pages(env), kDatabases, hooks);
  struct sigaction after = sigbus_disposition();
  ASSERT_EQ(::sigaction(SIGBUS, &saved, nullptr), 0);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome.value().reach, PageReach::past_end);
  EXPECT_GE(sigbus_handled.load(), 1);
  EXPECT_EQ(after.sa_handler, count_sigbus) << "the previous handler is put back";
}

TEST(PageProbeTest, SentSigbusIgnoredBeforeIsIgnoredDuringAProbe) {
  TempDir dir;
  (void)write_journal_with_free_tail(dir.path());
  struct sigaction saved = sigbus_disposition();
  set_sigbus_handler(SIG_IGN);
  RawEnv env(dir.path(), MDB_RDONLY);
  ProbeHooks hooks;
  hooks.before_database = [](std::string_view /*database*/) { ::raise(SIGBUS); };
  auto outcome = journal::probe_reachable_pages(env.get(), missing_pages(env), kDatabases, hooks);
  ASSERT_EQ(::sigaction(SIGBUS, &saved, nullptr), 0);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome.value().reach, PageReach::inside_file);
}

// The death tests below run in a child process that re-runs the test ("threadsafe": the probes
// start threads). SIGBUS starts at its default there, as in coexist's programs (under ASan, whose
// own SIGBUS handler would report and exit instead, the child puts the default back).

void restore_default_sigbus() { set_sigbus_handler(SIG_DFL); }

// Probes the journal at `path`, and before it reads its first database, calls `send` and waits
// for the signal to end the process (5 s at most; then the probe goes on and the process lives).
// The journal is removed first: a process that dies cannot remove its temporary directory.
void probe_and_send(const fs::path& path, const std::function<void()>& send) {
  restore_default_sigbus();
  RawEnv env(path, MDB_RDONLY);
  PageRange missing = missing_pages(env);
  bool sent = false;
  ProbeHooks hooks;
  hooks.before_database = [&](std::string_view /*database*/) {
    if (std::exchange(sent, true)) return;
    fs::remove_all(path);
    send();
    std::this_thread::sleep_for(5s);
  };
  (void)journal::probe_reachable_pages(env.get(), missing, kDatabases, hooks);
}

class PageProbeDeathTest : public testing::Test {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    FileExtent extent = write_journal_with_free_tail(dir_.path());
    ASSERT_LT(extent.file_bytes, extent.needed_bytes);
  }
  TempDir dir_;
};

TEST_F(PageProbeDeathTest, SigbusRaisedOnTheProbingThreadKills) {
  EXPECT_EXIT(probe_and_send(dir_.path(), [] { ::raise(SIGBUS); }), testing::KilledBySignal(SIGBUS),
              "");
}

TEST_F(PageProbeDeathTest, SigbusSentToTheProcessDuringAProbeKills) {
  EXPECT_EXIT(probe_and_send(dir_.path(), [] { ::kill(::getpid(), SIGBUS); }),
              testing::KilledBySignal(SIGBUS), "");
}

// The probe runs on its own thread and sends SIGBUS to the thread that waits for it.
void probe_on_a_thread_and_send_to_the_other(const fs::path& path) {
  pthread_t waiting = ::pthread_self();
  std::thread prober([&] { probe_and_send(path, [&] { ::pthread_kill(waiting, SIGBUS); }); });
  prober.join();
}

TEST_F(PageProbeDeathTest, SigbusSentToAnotherThreadDuringAProbeKills) {
  EXPECT_EXIT(probe_on_a_thread_and_send_to_the_other(dir_.path()), testing::KilledBySignal(SIGBUS),
              "");
}

// Another thread reads past the end of a file it maps: a real fault, not the probe's.
void probe_while_another_thread_faults(const fs::path& path) {
  constexpr std::size_t kPageBytes = 4096;
  fs::path short_file = path / "short";
  int fd = ::open(short_file.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kPageBytes)), 0);
  void* map = ::mmap(nullptr, 2 * kPageBytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  ASSERT_NE(map, MAP_FAILED);
  probe_and_send(path, [map] {
    std::thread reader([map] {
      volatile unsigned char past_end = static_cast<const unsigned char*>(map)[kPageBytes];
      (void)past_end;
    });
    reader.join();
  });
}

TEST_F(PageProbeDeathTest, FaultOnAnotherThreadDuringAProbeKills) {
  EXPECT_EXIT(probe_while_another_thread_faults(dir_.path()), testing::KilledBySignal(SIGBUS), "");
}

// Concurrent probes are serialised; each still catches its own fault and answers its own file.
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
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        RawEnv env(dir.path() / std::to_string(i), MDB_RDONLY | MDB_NOTLS);
        PageReach expected = i % 2 == 0 ? PageReach::past_end : PageReach::inside_file;
        PageRange missing = missing_pages(env);
        for (int round = 0; round < 20; ++round) {
          auto outcome = journal::probe_reachable_pages(env.get(), missing, kDatabases);
          if (!outcome.is_ok() || outcome.value().reach != expected) {
            ++wrong[static_cast<std::size_t>(i)];
          }
        }
      });
    }
  }
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(wrong[static_cast<std::size_t>(i)], 0) << i;
}

}  // namespace
}  // namespace coexist::test
