// A CLI reader killed in the middle of a read (kill -9, or SIGPIPE under `export | head`) leaves
// its LMDB reader slot behind, and LMDB reuses no page freed after that slot's snapshot: the
// journal file would grow until journal_full. The writer frees such slots as it runs. (With no
// process holding the environment, the next one to open it resets the table: nothing to test.)

#include <gtest/gtest.h>
#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "tests/journal/journal_fixture.h"

namespace coexist::test {
namespace {

// Forks a process that opens the journal read-only and dies (SIGKILL) inside a read.
pid_t leave_stale_reader(const std::filesystem::path& path) {
  pid_t child = fork();
  if (child == 0) {
    journal::OpenOptions options;
    options.path = path;
    options.read_only = true;
    auto journal = journal::Journal::open(options);
    if (!journal.is_ok()) _exit(2);
    (void)journal.value()->for_each({}, [](const journal::RecordView&) {
      raise(SIGKILL);
      return true;
    });
    _exit(3);
  }
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  return child;
}

// Whether the reader table still holds a slot of process `pid`. Read in a child process: an
// environment opened a second time in this one would share its locks and reset the table.
bool has_reader_slot(const std::filesystem::path& path, pid_t pid) {
  int pipe_ends[2];
  EXPECT_EQ(pipe(pipe_ends), 0);
  pid_t lister = fork();
  if (lister == 0) {
    close(pipe_ends[0]);
    MDB_env* env = nullptr;
    if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 8) != 0 ||
        mdb_env_open(env, path.c_str(), MDB_RDONLY, 0640) != 0) {
      _exit(2);
    }
    mdb_reader_list(
        env,
        [](const char* line, void* out) {
          int fd = *static_cast<int*>(out);
          return write(fd, line, std::strlen(line)) < 0 ? -1 : 0;
        },
        &pipe_ends[1]);
    _exit(0);
  }
  close(pipe_ends[1]);
  std::string listing;
  char buffer[4096];
  for (ssize_t got; (got = read(pipe_ends[0], buffer, sizeof buffer)) > 0;) {
    listing.append(buffer, static_cast<std::size_t>(got));
  }
  close(pipe_ends[0]);
  int status = 0;
  EXPECT_EQ(waitpid(lister, &status, 0), lister);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << listing;
  return listing.find(" " + std::to_string(pid) + " ") != std::string::npos;
}

void append_one(journal::Journal& journal, RequestBuilder& build, const std::string& id) {
  std::vector<journal::AppendRequest> batch{build.make(transaction_json(id))};
  std::vector<journal::AppendResult> results;
  ASSERT_TRUE(journal.append_batch(batch, results).is_ok());
}

// A writer on a map of `map_bytes`; a reader process dies mid-read; the writer makes `commits`
// more commits. Whether the dead reader's slot is still in the table afterwards.
bool dead_readers_slot_survives(std::uint64_t map_bytes, std::uint64_t commits,
                                std::uint64_t map_bytes_max = 64 << 20) {
  TempDir dir;
  RequestBuilder build;
  auto writer = open_journal(dir.path(), false, map_bytes, map_bytes_max);
  append_one(*writer, build, "A");
  pid_t reader = leave_stale_reader(dir.path());
  EXPECT_TRUE(has_reader_slot(dir.path(), reader)) << "the killed reader's slot is left behind";
  for (std::uint64_t i = 0; i < commits; ++i) append_one(*writer, build, "B" + std::to_string(i));
  return has_reader_slot(dir.path(), reader);
}

TEST(StaleReaderTest, SlotOfAReaderKilledMidReadIsFreedWhileTheWriterRuns) {
  // A map that never fills here: growing it would free the slot too, and hide the periodic check.
  EXPECT_FALSE(dead_readers_slot_survives(64 << 20, journal::Journal::kReaderCheckCommits));
}

TEST(StaleReaderTest, SlotOfAReaderKilledMidReadIsFreedBeforeTheMapGrows) {
  // 1 MiB fills within fewer commits than the periodic check's interval while the dead reader
  // keeps every freed page from reuse.
  EXPECT_FALSE(dead_readers_slot_survives(1 << 20, journal::Journal::kReaderCheckCommits - 2));
}

TEST(StaleReaderTest, FullMapAtItsMaximumIsRetriedOnceADeadReadersSlotIsFreed) {
  // The map cannot grow: without the retry, the commit that finds it full (every freed page
  // pinned by the dead reader) would be refused journal_full. append_one asserts every commit.
  EXPECT_FALSE(dead_readers_slot_survives(1 << 20, journal::Journal::kReaderCheckCommits - 2,
                                          1 << 20));
}

}  // namespace
}  // namespace coexist::test
