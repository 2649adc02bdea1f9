// `--out PATH` written in full or not at all (tools/coexist/output_file.h): links, descriptors
// and the messages that say why a path cannot be written. Signals end a real process, so they
// are tested end to end (tests/e2e/cli_e2e_test.cc).

#include "tools/coexist/output_file.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace coexist::cli {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Writes `text` to `path` through OutputFile; the first error's message, or "" when all went well.
std::string export_to(const std::string& path, const std::string& text) {
  OutputFile file(path);
  if (Status opened = file.open(); !opened.is_ok()) return opened.message();
  file.stream() << text;
  Status committed = file.commit();
  return committed.is_ok() ? "" : committed.message();
}

// The message of OutputFile::open() for `path` in a process without privileges: root may create
// files anywhere, so as root the child drops to nobody first.
std::string open_error_as_unprivileged_user(const fs::path& path) {
  int ends[2];
  if (::pipe(ends) != 0) return "no pipe";
  pid_t child = ::fork();
  if (child == 0) {
    ::close(ends[0]);
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(1);
    }
    std::string message;
    {
      OutputFile file(path.string());
      Status opened = file.open();
      message = opened.is_ok() ? "opened" : opened.message();
    }
    bool written =
        ::write(ends[1], message.data(), message.size()) == static_cast<ssize_t>(message.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(ends[1]);
  std::string message;
  char chunk[512];
  for (ssize_t got; (got = ::read(ends[0], chunk, sizeof chunk)) > 0;) {
    message.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return message;
}

bool has_partial_file(const fs::path& directory) {
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().filename().string().find(".partial-") != std::string::npos) return true;
  }
  return false;
}

// `ln -s arch/exp.csv link.csv; coexist journal export --out link.csv`: the link's target is
// created (relative to the link's directory), and the link stays a link.
TEST(OutputFileTest, ADanglingLinkGetsItsTargetCreatedAndStaysALink) {
  TempDir dir;
  fs::create_directories(dir.path() / "arch");
  const fs::path link = dir.path() / "link.csv";
  fs::create_symlink("arch/exp.csv", link);
  EXPECT_EQ(export_to(link.string(), "seq,id\n1,A\n"), "");
  EXPECT_TRUE(fs::is_symlink(link)) << "the link was replaced by a file";
  EXPECT_EQ(read_file(dir.path() / "arch" / "exp.csv"), "seq,id\n1,A\n");
  EXPECT_FALSE(has_partial_file(dir.path() / "arch"));
}

// `--out /dev/stdout >> run.log`: the shell opened the log for appending. Reopening the path
// (or renaming a file onto it) would lose what the log held; writing through the descriptor
// appends, as the shell's `>&1` would.
TEST(OutputFileTest, AnOpenDescriptorIsWrittenThroughAndKeepsWhatItsFileHeld) {
  TempDir dir;
  const fs::path log = dir.path() / "run.log";
  write_file(log, "earlier run\n");
  int descriptor = ::open(log.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(descriptor, 0);
  const std::string number = std::to_string(descriptor);
  EXPECT_EQ(export_to("/dev/fd/" + number, "first export\n"), "");
  EXPECT_EQ(export_to("/proc/self/fd/" + number, "second export\n"), "");
  EXPECT_NE(::fcntl(descriptor, F_GETFD), -1) << "commit() closed the caller's descriptor";
  ::close(descriptor);
  EXPECT_EQ(read_file(log), "earlier run\nfirst export\nsecond export\n");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(log)));
  EXPECT_FALSE(has_partial_file(dir.path()));
}

TEST(OutputFileTest, WithoutCommitTheOldFileStaysAndNoPartialFileRemains) {
  TempDir dir;
  const fs::path path = dir.path() / "export.csv";
  write_file(path, "earlier export\n");
  {
    OutputFile file(path.string());
    ASSERT_TRUE(file.open().is_ok());
    file.stream() << "half of a new one";
    EXPECT_TRUE(has_partial_file(dir.path()));
  }
  EXPECT_EQ(read_file(path), "earlier export\n");
  EXPECT_FALSE(has_partial_file(dir.path()));
}

TEST(OutputFileTest, ADirectoryThatIsNotWritableIsNamedWithTheReasonAndTheRemedy) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const fs::path shared = dir.path() / "shared";
  fs::create_directories(shared);
  fs::permissions(shared, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  const fs::path path = shared / "export.csv";
  EXPECT_EQ(open_error_as_unprivileged_user(path),
            "cannot write " + path.string() + ": cannot create a file beside it in " +
                shared.string() +
                "/ (Permission denied); --out replaces the file atomically, so its directory "
                "must be writable");
}

TEST(OutputFileTest, FailuresToOpenSayWhy) {
  TempDir dir;
  EXPECT_EQ(export_to("/nonexistent/d/x", ""),
            "cannot write /nonexistent/d/x: cannot create a file beside it in /nonexistent/d/ (No "
            "such file or directory)");
  fs::create_symlink("missing/exp.csv", dir.path() / "link.csv");
  const std::string link = (dir.path() / "link.csv").string();
  EXPECT_EQ(export_to(link, ""), "cannot write " + link + " (a link to " + dir.path().string() +
                                     "/missing/exp.csv): cannot create a file beside it in " +
                                     dir.path().string() + "/missing/ (No such file or directory)");
  EXPECT_EQ(export_to(dir.path().string(), ""),
            "cannot write " + dir.path().string() + ": cannot open it (Is a directory)");
  int closed = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(closed, 0);
  ::close(closed);
  const std::string number = std::to_string(closed);
  EXPECT_EQ(export_to("/dev/fd/" + number, ""), "cannot write /dev/fd/" + number + ": descriptor " +
                                                    number + " is not open (Bad file descriptor)");
  int read_only = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(read_only, 0);
  const std::string reader = std::to_string(read_only);
  EXPECT_EQ(export_to("/proc/self/fd/" + reader, ""),
            "cannot write /proc/self/fd/" + reader + ": descriptor " + reader +
                " is open for reading only (Bad file descriptor)");
  ::close(read_only);
  EXPECT_EQ(export_to("", ""), "--out needs a file name");
}

TEST(OutputFileTest, AWriteThatFailsMidwaySaysWhyAtCommit) {
  EXPECT_EQ(export_to("/dev/full", std::string(200 * 1024, 'x')),
            "cannot write /dev/full: No space left on device");
}


// Pids repeat (every container's first process is pid 1): a partial file that another writer
// with our pid has open, or one a `kill -9` left, is never removed or written through.
TEST(OutputFileTest, APartialFileWithOurPidIsLeftAloneNotTakenOver) {
  TempDir dir;
  const fs::path target = dir.path() / "export.csv";
  fs::path other = target;
  other.concat(".partial-" + std::to_string(::getpid()));
  write_file(other, "another writer's half\n");
  EXPECT_EQ(export_to(target.string(), "complete\n"), "");
  EXPECT_EQ(read_file(target), "complete\n");
  EXPECT_EQ(read_file(other), "another writer's half\n");
}

// Root exporting over a service account's file keeps it that account's, as `>` would.
TEST(OutputFileTest, AReplacedFileKeepsItsOwnerWhereWeMay) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root may give a file to another owner";
  TempDir dir;
  const fs::path target = dir.path() / "export.csv";
  write_file(target, "old\n");
  ASSERT_EQ(::chown(target.c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chmod(target.c_str(), 0640), 0);
  EXPECT_EQ(export_to(target.string(), "new\n"), "");
  struct stat status {};
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_uid, 65534U);
  EXPECT_EQ(status.st_gid, 65534U);
  EXPECT_EQ(status.st_mode & 07777U, 0640U);
  EXPECT_EQ(read_file(target), "new\n");
}

TEST(OutputFileTest, WritesToKnowsTheFileThroughAnyNameOrDescriptor) {
  TempDir dir;
  const fs::path journal_file = dir.path() / "data.mdb";
  write_file(journal_file, "journal");
  fs::create_hard_link(journal_file, dir.path() / "other-name");
  fs::create_symlink(journal_file, dir.path() / "link");
  for (const std::string& path : {journal_file.string(), (dir.path() / "other-name").string(),
                                 (dir.path() / "link").string()}) {
    OutputFile file(path);
    ASSERT_TRUE(file.open().is_ok()) << path;
    EXPECT_TRUE(file.writes_to(journal_file)) << path;
  }
  int descriptor = ::open(journal_file.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(descriptor, 0);
  OutputFile through_descriptor("/dev/fd/" + std::to_string(descriptor));
  ASSERT_TRUE(through_descriptor.open().is_ok());
  EXPECT_TRUE(through_descriptor.writes_to(journal_file));
  ::close(descriptor);
  OutputFile elsewhere((dir.path() / "export.csv").string());
  ASSERT_TRUE(elsewhere.open().is_ok());
  EXPECT_FALSE(elsewhere.writes_to(journal_file));
  EXPECT_EQ(read_file(journal_file), "journal") << "nothing committed, nothing replaced";
}

}  // namespace
}  // namespace coexist::cli
