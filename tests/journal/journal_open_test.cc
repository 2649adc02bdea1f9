// Opening a journal that LMDB cannot safely map, or that the reader may not lock:
// - a truncated data.mdb (a partial backup) would be a SIGBUS on the first read past its end, so
//   open refuses it; an empty one is named as such;
// - a reader who may read data.mdb but not write lock.mdb reads without the lock file, but only
//   while no router writes: it holds data.mdb shared, a router holds it exclusively; a reader
//   who may not read data.mdb itself is told so.
// Permissions: root ignores file modes, so as root the reader runs in a child process as user
// nobody; otherwise the modes set here keep the owner out as well.

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "journal/verify.h"
#include "tests/journal/free_tail.h"
#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

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

// Every record is read back and the hash chain holds.
void expect_verified(const journal::Journal& journal, std::uint64_t records) {
  auto report = journal::verify(journal, std::nullopt);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_TRUE(report.value().ok) << report.value().problem;
  EXPECT_EQ(report.value().records, records);
}

// LMDB leaves a page allocated and freed within one commit unwritten (free_tail.h): a healthy
// journal whose file ends before its last page, only free pages missing, must open.
TEST(JournalOpenTest, DataFileMissingOnlyFreePagesOpensForReadersAndTheWriter) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path(), 6, 20);
  ASSERT_LT(extent.file_bytes, extent.needed_bytes) << "LMDB left no unwritten free tail";
  {
    auto reader = open_journal(dir.path(), true);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->head().value().seq, 120U);
    expect_verified(*reader, 120);
  }
  {
    auto writer = open_journal(dir.path());
    ASSERT_NE(writer, nullptr);
    append_records(*writer, 300, 120);  // reuses free pages, the unwritten ones among them
  }
  auto reader = open_journal(dir.path(), true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().value().seq, 420U);
  expect_verified(*reader, 420);
}

TEST(JournalOpenTest, DataFileMissingFreePagesAndLiveOnesIsRefused) {
  TempDir dir;
  FileExtent extent = write_journal_with_free_tail(dir.path());
  ASSERT_LT(extent.file_bytes, extent.needed_bytes);
  std::uint64_t kept = extent.file_bytes / 2 / 4096 * 4096;
  fs::resize_file(dir.path() / "data.mdb", kept);
  for (bool read_only : {true, false}) {
    auto opened = open_with(dir.path(), read_only);
    ASSERT_FALSE(opened.is_ok()) << read_only;
    EXPECT_EQ(opened.status().code(), Status::Code::corruption);
    EXPECT_TRUE(contains(opened.status().message(),
                         "is truncated: it has " + std::to_string(kept) + " bytes"))
        << opened.status().message();
  }
  EXPECT_EQ(fs::file_size(dir.path() / "data.mdb"), kept);
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

// An empty data.mdb (a failed restore) used to be initialised as a new journal: the router
// started again at seq 1 and accepted resubmissions of what it had acknowledged before.
TEST(JournalOpenTest, WriterRefusesAnEmptyDataFileAndLeavesItEmpty) {
  TempDir dir;
  { std::ofstream empty(dir.path() / "data.mdb"); }
  auto opened = open_with(dir.path(), false);
  ASSERT_FALSE(opened.is_ok()) << "an empty data.mdb was initialised as a new journal";
  EXPECT_EQ(opened.status().code(), Status::Code::corruption);
  const std::string& message = opened.status().message();
  EXPECT_TRUE(contains(message, (dir.path() / "data.mdb").string() + " is empty")) << message;
  EXPECT_TRUE(contains(message, "restore it from a complete copy")) << message;
  EXPECT_TRUE(contains(message, "very first start was interrupted, delete the empty data.mdb"))
      << message;
  EXPECT_EQ(fs::file_size(dir.path() / "data.mdb"), 0U);
  EXPECT_FALSE(fs::exists(dir.path() / "lock.mdb")) << "LMDB never opened it";
}

TEST(JournalOpenTest, WriterStartsANewJournalWhereThereIsNoDataFile) {
  TempDir dir;
  auto path = dir.path() / "new" / "journal";
  {
    auto writer = open_journal(path);
    ASSERT_NE(writer, nullptr);
    append_records(*writer, 3);
  }
  auto reader = open_journal(path, true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().value().seq, 3U);
  auto reopened = open_journal(path);
  ASSERT_NE(reopened, nullptr) << "a journal the writer created is not taken for an empty one";
  EXPECT_EQ(reopened->head().value().seq, 3U);
}

// A router that holds writer.lock may be between LMDB creating data.mdb and writing its first
// pages: a second router starting then is told the journal is being written, not told to delete
// a file that is about to hold the journal.
TEST(JournalOpenTest, EmptyDataFileOfARouterStartingUpIsNotJudgedBySecondWriter) {
  TempDir dir;
  int held = ::open((dir.path() / "writer.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
  { std::ofstream starting(dir.path() / "data.mdb"); }
  auto second = open_with(dir.path(), false);
  ::close(held);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Status::Code::failed_precondition);
  EXPECT_TRUE(contains(second.status().message(), "already open for writing by another process"))
      << second.status().message();
}

// Makes the journal readable but its lock file unwritable to the reader (ReaderWithoutLockFile),
// for the duration of a test; gives the tree back to its owner afterwards.
class LockFileOutOfReach {
 public:
  // `directory_writable`: false for a read-only archive copy (0555 directory, 0444 files).
  LockFileOutOfReach(const TempDir& dir, const fs::path& journal, bool directory_writable)
      : dir_(dir), journal_(journal) {
    fs::permissions(dir.path(), fs::perms(0755));
    for (const auto& entry : fs::directory_iterator(journal)) {
      fs::permissions(entry.path(), fs::perms(0444));
    }
    fs::permissions(journal, fs::perms(directory_writable ? 0755 : 0555));
  }
  ~LockFileOutOfReach() {
    std::error_code ignored;
    fs::permissions(journal_, fs::perms(0755), ignored);
    for (const auto& entry : fs::directory_iterator(journal_, ignored)) {
      fs::permissions(entry.path(), fs::perms(0644), ignored);
    }
    fs::permissions(dir_.path(), fs::perms(0700), ignored);
  }
  LockFileOutOfReach(const LockFileOutOfReach&) = delete;
  LockFileOutOfReach& operator=(const LockFileOutOfReach&) = delete;

 private:
  const TempDir& dir_;
  fs::path journal_;
};

// A read-only Journal in a child process that cannot write lock.mdb: as root it becomes nobody
// first. It reports how the open went (`outcome`), then keeps the journal open until `finish`.
class ReaderWithoutLockFile {
 public:
  explicit ReaderWithoutLockFile(const fs::path& journal) {
    int report[2];
    int release[2];
    EXPECT_EQ(::pipe(report), 0);
    EXPECT_EQ(::pipe(release), 0);
    child_ = ::fork();
    if (child_ == 0) {
      ::close(report[0]);
      ::close(release[1]);
      _exit(run_child(journal, report[1], release[0]));
    }
    ::close(report[1]);
    ::close(release[0]);
    report_fd_ = report[0];
    release_fd_ = release[1];
    char byte = 0;
    while (::read(report_fd_, &byte, 1) == 1 && byte != '\n') outcome_ += byte;
  }
  ~ReaderWithoutLockFile() { finish(); }
  ReaderWithoutLockFile(const ReaderWithoutLockFile&) = delete;
  ReaderWithoutLockFile& operator=(const ReaderWithoutLockFile&) = delete;

  // "ok, head N" or the Status the open returned.
  [[nodiscard]] const std::string& outcome() const { return outcome_; }

  void finish() {
    if (child_ <= 0) return;
    ::close(release_fd_);
    ::close(report_fd_);
    int status = 0;
    EXPECT_EQ(::waitpid(child_, &status, 0), child_);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    child_ = -1;
  }

 private:
  static int run_child(const fs::path& journal, int report_fd, int release_fd) {
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
         ::setresuid(kNobody, kNobody, kNobody) != 0)) {
      return 2;
    }
    std::string outcome;
    {
      auto opened = open_with(journal, true);
      if (opened.is_ok()) {
        auto head = opened.value()->head();
        outcome = head.is_ok() ? "ok, head " + std::to_string(head.value().seq)
                               : head.status().to_string();
      } else {
        outcome = opened.status().to_string();
      }
      outcome += "\n";
      if (::write(report_fd, outcome.data(), outcome.size()) < 0) return 3;
      char byte = 0;
      (void)::read(release_fd, &byte, 1);  // returns when the parent closes its end
    }
    return 0;
  }

  pid_t child_ = -1;
  int report_fd_ = -1;
  int release_fd_ = -1;
  std::string outcome_;
};

// Whether this process could lock `path` exclusively, as a router would; lets it go again.
bool can_lock_exclusively(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool locked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return locked;
}

// Gives the router's own user back the files LockFileOutOfReach took from it.
void give_back_to_router(const fs::path& journal) {
  for (const auto& entry : fs::directory_iterator(journal)) {
    fs::permissions(entry.path(), fs::perms(0644));
  }
}

std::string router_refusal_for_a_lockless_reader(const fs::path& journal) {
  return "journal " + journal.string() +
         " is being read by a process that cannot use its lock file (lock.mdb) and holds "
         "data.mdb locked; a router can write it only once that reader has finished";
}

// The umask is fixed so that the modes the tests expect do not depend on the test runner's.
class JournalOpenWithoutLockFileTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_umask_ = ::umask(022); }
  void TearDown() override { ::umask(saved_umask_); }

  TempDir dir_;
  fs::path journal_ = dir_.path() / "journal";
  mode_t saved_umask_ = 0;
};

TEST_F(JournalOpenWithoutLockFileTest, WriterLockIsCreatedReadableByEveryone) {
  auto writer = open_journal(journal_);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(fs::status(journal_ / "writer.lock").permissions(), fs::perms(0644));
}

TEST_F(JournalOpenWithoutLockFileTest, ReadOnlyCopyWithNoWriterLockIsRead) {
  (void)write_closed_journal(journal_, 7);
  fs::remove(journal_ / "writer.lock");
  fs::remove(journal_ / "lock.mdb");
  LockFileOutOfReach out_of_reach(dir_, journal_, false);
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(), "ok, head 7");
}

TEST_F(JournalOpenWithoutLockFileTest, ReadOnlyCopyWithAnUnheldWriterLockIsRead) {
  (void)write_closed_journal(journal_, 7);
  LockFileOutOfReach out_of_reach(dir_, journal_, false);
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(), "ok, head 7");
}

TEST_F(JournalOpenWithoutLockFileTest, ReaderIsRefusedWhileARouterWrites) {
  auto writer = open_journal(journal_);
  ASSERT_NE(writer, nullptr);
  append_records(*writer, 2);
  LockFileOutOfReach out_of_reach(dir_, journal_, true);
  ReaderWithoutLockFile reader(journal_);
  EXPECT_TRUE(contains(reader.outcome(), "failed_precondition: a router is writing journal " +
                                             journal_.string() + " (it holds data.mdb locked)"))
      << reader.outcome();
  EXPECT_TRUE(contains(reader.outcome(), "run as a user who can open " +
                                             (journal_ / "lock.mdb").string() +
                                             " for writing, or read a copy of the journal"))
      << reader.outcome();
}

// A router holds data.mdb for as long as it writes, so writer.lock going missing (a clean-up of
// "stale" lock files) lets no reader in beside it.
TEST_F(JournalOpenWithoutLockFileTest, ReaderIsRefusedWhileARouterWritesEvenWithoutWriterLock) {
  auto writer = open_journal(journal_);
  ASSERT_NE(writer, nullptr);
  append_records(*writer, 2);
  fs::remove(journal_ / "writer.lock");
  {
    LockFileOutOfReach out_of_reach(dir_, journal_, true);
    ReaderWithoutLockFile reader(journal_);
    EXPECT_TRUE(contains(reader.outcome(), "failed_precondition: a router is writing journal " +
                                               journal_.string() + " (it holds data.mdb locked)"))
        << reader.outcome();
  }
  writer.reset();
  LockFileOutOfReach out_of_reach(dir_, journal_, true);
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(), "ok, head 2") << "the router's lock goes with it";
}

// data.mdb, not writer.lock, tells whether a router writes: a reader needs no access to
// writer.lock.
TEST_F(JournalOpenWithoutLockFileTest, ReaderWithoutLockFileNeedsNoAccessToWriterLock) {
  (void)write_closed_journal(journal_, 2);
  LockFileOutOfReach out_of_reach(dir_, journal_, true);
  fs::permissions(journal_ / "writer.lock", fs::perms::none);
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(), "ok, head 2");
}

// LMDB opens data.mdb before lock.mdb for a reader: a data.mdb this user may not read ("Permission
// denied" all the same) is the error, not the lock file, and nothing is locked for a fallback.
TEST_F(JournalOpenWithoutLockFileTest, ReaderOfAnUnreadableDataFileIsToldSoAndLocksNothing) {
  (void)write_closed_journal(journal_, 3);
  LockFileOutOfReach out_of_reach(dir_, journal_, true);
  fs::permissions(journal_ / "data.mdb", fs::perms(0040));  // the group's; not this reader's
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(),
            "io_error: cannot read " + (journal_ / "data.mdb").string() + ": Permission denied");
  give_back_to_router(journal_);  // while the reader still runs
  EXPECT_TRUE(can_lock_exclusively(journal_ / "writer.lock"));
  EXPECT_TRUE(can_lock_exclusively(journal_ / "data.mdb"));
  auto writer = open_journal(journal_);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->head().value().seq, 3U);
}

TEST_F(JournalOpenWithoutLockFileTest, ReaderOfAnUnreadableDataFileIsNotToldARouterWrites) {
  auto writer = open_journal(journal_);
  ASSERT_NE(writer, nullptr);
  append_records(*writer, 2);
  LockFileOutOfReach out_of_reach(dir_, journal_, true);
  fs::permissions(journal_ / "data.mdb", fs::perms(0040));
  ReaderWithoutLockFile reader(journal_);
  EXPECT_EQ(reader.outcome(),
            "io_error: cannot read " + (journal_ / "data.mdb").string() + ": Permission denied");
}

TEST_F(JournalOpenWithoutLockFileTest, RouterCannotStartWhileAReaderWithoutLockFileReads) {
  (void)write_closed_journal(journal_, 4);
  {
    LockFileOutOfReach out_of_reach(dir_, journal_, true);
    ReaderWithoutLockFile reader(journal_);
    ASSERT_EQ(reader.outcome(), "ok, head 4");
    give_back_to_router(journal_);
    auto refused = open_with(journal_, false);
    ASSERT_FALSE(refused.is_ok());
    EXPECT_EQ(refused.status().code(), Status::Code::failed_precondition);
    EXPECT_EQ(refused.status().message(), router_refusal_for_a_lockless_reader(journal_))
        << "not the pid of the router that wrote it last";
    reader.finish();
    auto writer = open_journal(journal_);
    ASSERT_NE(writer, nullptr) << "the reader's lock goes with it";
    EXPECT_EQ(writer->head().value().seq, 4U);
  }
}

// A journal no router has written yet has no writer.lock: the reader's lock on data.mdb keeps a
// router out all the same, and goes with the reader.
TEST_F(JournalOpenWithoutLockFileTest, RouterCannotStartWhileAReaderReadsAJournalWithNoWriterLock) {
  (void)write_closed_journal(journal_, 4);
  fs::remove(journal_ / "writer.lock");
  {
    LockFileOutOfReach out_of_reach(dir_, journal_, true);
    ReaderWithoutLockFile reader(journal_);
    ASSERT_EQ(reader.outcome(), "ok, head 4");
    give_back_to_router(journal_);
    auto refused = open_with(journal_, false);
    ASSERT_FALSE(refused.is_ok()) << "a router writes beside a reader that has no reader slot";
    EXPECT_EQ(refused.status().code(), Status::Code::failed_precondition);
    EXPECT_EQ(refused.status().message(), router_refusal_for_a_lockless_reader(journal_));
    EXPECT_EQ(fs::file_size(journal_ / "writer.lock"), 0U)
        << "a refused router records no pid: the file names the last router that wrote";
    reader.finish();
    auto writer = open_journal(journal_);
    ASSERT_NE(writer, nullptr) << "the reader's lock goes with it";
    EXPECT_EQ(writer->head().value().seq, 4U);
    append_records(*writer, 1, 4);
  }
  auto reader = open_with(journal_, true);
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  EXPECT_EQ(reader.value()->head().value().seq, 5U);
}

}  // namespace
}  // namespace coexist::test
