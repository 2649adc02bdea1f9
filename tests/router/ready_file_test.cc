// `coexist serve --ready-file F` (router/ready_file.h): written in two steps, never half a file,
// no F.tmp left behind, and a failure is a message with its reason, never an exception.

#include "router/ready_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;
using router::ReadyFile;

const nlohmann::json kContent = {{"ingest", "tcp://127.0.0.1:5570"}, {"pid", 42}};

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ReadyFileTest, AppearsOnlyOncePublishedAndGoesOnRemove) {
  TempDir dir;
  auto file = dir.path() / "ready.json";
  ReadyFile ready(file);
  ASSERT_TRUE(ready.prepare(kContent).is_ok());
  EXPECT_FALSE(fs::exists(file)) << "prepared is not ready yet";
  ASSERT_TRUE(ready.publish().is_ok());
  EXPECT_EQ(nlohmann::json::parse(read_file(file)), kContent);
  EXPECT_FALSE(fs::exists(dir.path() / "ready.json.tmp"));
  ASSERT_TRUE(ready.remove().is_ok());
  EXPECT_FALSE(fs::exists(file));
}

TEST(ReadyFileTest, UnwritableFolderIsAnErrorWithItsReason) {
  TempDir dir;
  auto file = dir.path() / "missing" / "ready.json";
  ReadyFile ready(file);
  Status prepared = ready.prepare(kContent);
  ASSERT_FALSE(prepared.is_ok());
  EXPECT_EQ(prepared.message(),
            "cannot write ready file " + file.string() + ".tmp: No such file or directory");
}

// A rename onto a directory fails: said before the journal is written, with the reason, and
// without leaving F.tmp behind.
TEST(ReadyFileTest, DirectoryInTheWayIsRefusedWhenPreparedAndLeavesNoTemporaryFile) {
  TempDir dir;
  auto file = dir.path() / "adir";
  fs::create_directory(file);
  ReadyFile ready(file);
  Status prepared = ready.prepare(kContent);
  ASSERT_FALSE(prepared.is_ok());
  EXPECT_EQ(prepared.message(), "cannot write ready file " + file.string() + ": Is a directory");
  EXPECT_FALSE(fs::exists(dir.path() / "adir.tmp"));
}

// F.tmp is ours only once we have opened it: something already there that we cannot write
// (here a directory) is refused and left as it was.
TEST(ReadyFileTest, ATemporaryNameAlreadyTakenIsLeftAlone) {
  TempDir dir;
  auto file = dir.path() / "ready.json";
  fs::create_directory(dir.path() / "ready.json.tmp");
  {
    ReadyFile ready(file);
    Status prepared = ready.prepare(kContent);
    ASSERT_FALSE(prepared.is_ok());
    EXPECT_EQ(prepared.message(),
              "cannot write ready file " + file.string() + ".tmp: Is a directory");
  }
  EXPECT_TRUE(fs::is_directory(dir.path() / "ready.json.tmp")) << "not ours to remove";
}

TEST(ReadyFileTest, FailedPublishSaysWhyAndRemovesTheTemporaryFile) {
  TempDir dir;
  auto file = dir.path() / "adir";
  ReadyFile ready(file);
  ASSERT_TRUE(ready.prepare(kContent).is_ok());
  fs::create_directories(file / "occupied");  // appears between the two steps
  Status published = ready.publish();
  ASSERT_FALSE(published.is_ok());
  EXPECT_EQ(published.message().rfind("cannot write ready file " + file.string() + ": ", 0), 0U)
      << published.message();
  EXPECT_GT(published.message().size(), ("cannot write ready file " + file.string() + ": ").size())
      << "the reason is given";
  EXPECT_FALSE(fs::exists(dir.path() / "adir.tmp"));
}

TEST(ReadyFileTest, PreparedButNeverPublishedIsRemovedWithTheObject) {
  TempDir dir;
  {
    ReadyFile ready(dir.path() / "ready.json");
    ASSERT_TRUE(ready.prepare(kContent).is_ok());
    ASSERT_TRUE(fs::exists(dir.path() / "ready.json.tmp"));
  }
  EXPECT_FALSE(fs::exists(dir.path() / "ready.json.tmp"));
  EXPECT_FALSE(fs::exists(dir.path() / "ready.json"));
}

// std::filesystem::remove's throwing form ended the router with exit 134 here.
TEST(ReadyFileTest, FileThatCannotBeRemovedIsAnErrorNotAnException) {
  TempDir dir;
  auto file = dir.path() / "ready.json";
  ReadyFile ready(file);
  ASSERT_TRUE(ready.prepare(kContent).is_ok());
  ASSERT_TRUE(ready.publish().is_ok());
  fs::remove(file);
  fs::create_directories(file / "not empty");
  Status removed = ready.remove();
  ASSERT_FALSE(removed.is_ok());
  EXPECT_EQ(removed.message().rfind("cannot remove ready file " + file.string() + ": ", 0), 0U)
      << removed.message();
}

TEST(ReadyFileTest, NoPathMeansNoFile) {
  TempDir dir;
  ReadyFile none{fs::path()};
  EXPECT_TRUE(none.prepare(kContent).is_ok());
  EXPECT_TRUE(none.publish().is_ok());
  EXPECT_TRUE(none.remove().is_ok());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace coexist::test
