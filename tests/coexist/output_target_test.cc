// What `--out PATH` names: a descriptor to write through, a file to write in place, or a file to
// replace atomically (tools/coexist/output_target.h).

#include "tools/coexist/output_target.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace coexist::cli {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

OutputTarget resolved(const std::string& path) {
  auto target = resolve_output_target(path);
  EXPECT_TRUE(target.is_ok()) << path << ": " << target.status().message();
  return target.is_ok() ? target.value() : OutputTarget{};
}

TEST(OutputTargetTest, NamesOfOurOwnDescriptorsAreThoseDescriptors) {
  const std::string pid = std::to_string(::getpid());
  const std::vector<std::pair<std::string, int>> cases = {{"/dev/stdin", 0},
                                                          {"/dev/stdout", 1},
                                                          {"/dev/stderr", 2},
                                                          {"/dev/fd/7", 7},
                                                          {"/proc/self/fd/5", 5},
                                                          {"/proc/thread-self/fd/4", 4},
                                                          {"/proc/" + pid + "/fd/3", 3},
                                                          {"/dev/./stdout", 1},
                                                          {"//dev/fd/../fd/9", 9}};
  for (const auto& [path, descriptor] : cases) {
    OutputTarget target = resolved(path);
    EXPECT_EQ(target.kind, OutputTarget::Kind::descriptor) << path;
    EXPECT_EQ(target.descriptor, descriptor) << path;
  }
}

TEST(OutputTargetTest, DevicesAndOtherPathsUnderProcAreWrittenInPlace) {
  for (const std::string path : {"/dev/null", "/dev/full", "/proc/1/fd/1", "/proc/self/comm"}) {
    EXPECT_EQ(resolved(path).kind, OutputTarget::Kind::in_place) << path;
  }
}

TEST(OutputTargetTest, AFileUnderDevThatIsNoDeviceIsReplacedLikeAnyOther) {
  EXPECT_EQ(resolved("/dev/shm/coexist-export.csv").kind, OutputTarget::Kind::replace);
}

TEST(OutputTargetTest, ALinkToStandardOutputIsStandardOutput) {
  TempDir dir;
  fs::create_symlink("/dev/stdout", dir.path() / "out");
  OutputTarget target = resolved((dir.path() / "out").string());
  EXPECT_EQ(target.kind, OutputTarget::Kind::descriptor);
  EXPECT_EQ(target.descriptor, 1);
  EXPECT_TRUE(target.through_link);
}

TEST(OutputTargetTest, ADanglingLinksTargetIsReplacedRelativeToTheLinksDirectory) {
  TempDir dir;
  fs::create_directories(dir.path() / "reports");
  fs::create_symlink("../arch/exp.csv", dir.path() / "reports" / "link.csv");
  OutputTarget target = resolved((dir.path() / "reports" / "link.csv").string());
  EXPECT_EQ(target.kind, OutputTarget::Kind::replace);
  EXPECT_EQ(target.file, dir.path() / "reports" / "../arch/exp.csv");
  EXPECT_FALSE(target.permissions) << "nothing there yet: a new file gets the umask's mode";
  EXPECT_TRUE(target.through_link);
}

TEST(OutputTargetTest, AChainOfLinksEndsAtTheRegularFileWithItsPermissions) {
  TempDir dir;
  std::ofstream(dir.path() / "data.csv") << "old\n";
  fs::permissions(dir.path() / "data.csv", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  fs::create_symlink(dir.path() / "data.csv", dir.path() / "middle");
  fs::create_symlink("middle", dir.path() / "first");
  OutputTarget target = resolved((dir.path() / "first").string());
  EXPECT_EQ(target.kind, OutputTarget::Kind::replace);
  EXPECT_EQ(target.file, dir.path() / "data.csv");
  ASSERT_TRUE(target.permissions);
  EXPECT_EQ(*target.permissions, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(OutputTargetTest, AFifoOrADirectoryIsWrittenInPlace) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(resolved((dir.path() / "fifo").string()).kind, OutputTarget::Kind::in_place);
  EXPECT_EQ(resolved(dir.path().string()).kind, OutputTarget::Kind::in_place)
      << "opening it then fails with EISDIR, which says what is wrong";
}

TEST(OutputTargetTest, AnEmptyNameOrALoopOfLinksIsAnError) {
  auto empty = resolve_output_target("");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().message(), "--out needs a file name");
  TempDir dir;
  fs::create_symlink("b", dir.path() / "a");
  fs::create_symlink("a", dir.path() / "b");
  const std::string loop = (dir.path() / "a").string();
  auto looped = resolve_output_target(loop);
  ASSERT_FALSE(looped.is_ok());
  EXPECT_EQ(looped.status().message(),
            "cannot write " + loop + ": more than 40 symbolic links in a row (a loop of links?)");
}

}  // namespace
}  // namespace coexist::cli
