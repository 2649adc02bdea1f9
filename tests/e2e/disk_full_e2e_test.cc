// The disk fills under a running router: the journal's file system (a small tmpfs) runs out of
// space in the middle of a load. What was acknowledged stays in the journal with its seq; the
// failed commit is sticky (every later request is answered `unavailable`, /readyz 503, the log
// names the cause, and `serve` ends with exit 4); nothing is acknowledged after it; `journal verify` passes; and once there is
// space again, a restarted router takes the resubmitted load: duplicates for what was
// acknowledged, with the same seqs, and the rest accepted.
//
// The test process enters a mount namespace of its own (it is one process per test under ctest)
// so that the tmpfs, and everything the router and the CLI do on it, vanish with it. Needs root.

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/router_process.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::size_t kTransactions = 3000;   // about 4.5 MiB of journal
constexpr std::size_t kPerRequest = 20;
constexpr const char* kSmallFs = "size=2m";   // full after about 1,300 transactions
constexpr const char* kLargerFs = "size=64m";

// A private mount namespace for this process and its children; false (and why) when not allowed.
bool enter_private_mount_namespace(std::string& why) {
  if (::geteuid() != 0) {
    why = "needs root";
    return false;
  }
  if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    why = std::string("needs mount namespaces: ") + std::strerror(errno);
    return false;
  }
  return true;
}

// A tmpfs of `options` at `at`, unmounted on destruction (before the TempDir holding it goes).
class SmallFileSystem {
 public:
  SmallFileSystem(const fs::path& at, const char* options) : at_(at) {
    fs::create_directories(at);
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, options) == 0;
  }
  ~SmallFileSystem() {
    if (mounted_) (void)::umount2(at_.c_str(), MNT_DETACH);
  }
  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] bool resize(const char* options) const {
    return ::mount("tmpfs", at_.c_str(), "tmpfs", MS_REMOUNT, options) == 0;
  }

 private:
  fs::path at_;
  bool mounted_ = false;
};

std::string request_of(std::size_t first) {
  std::string frame = "[";
  for (std::size_t i = first; i < first + kPerRequest; ++i) {
    frame += (i > first ? "," : "") + sample_transaction(i, "DF");
  }
  return frame + "]";
}

int readyz_status(const RouterProcess& router, const TempDir& dir) {
  CommandResult curl = run_command("/usr/bin/curl", {"-s", "-o", "/dev/null", "-w", "%{http_code}",
                                                     "http://" + router.http() + "/readyz"},
                                   dir.path());
  return curl.exit_code == 0 ? std::stoi(curl.out) : -1;
}

json verify(const fs::path& journal, const TempDir& dir) {
  CommandResult result = run_command(
      binary("coexist"), {"journal", "verify", "--output", "json", "--journal", journal.string()},
      dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  return result.exit_code == 0 ? json::parse(result.out) : json();
}

TEST(DiskFullE2eTest, AcknowledgedTransactionsSurviveAFullDiskAndTheLoadGoesOnOnceThereIsSpace) {
  std::string why;
  if (!enter_private_mount_namespace(why)) GTEST_SKIP() << why;
  TempDir dir;
  const fs::path mount_point = dir.path() / "small-fs";
  SmallFileSystem small(mount_point, kSmallFs);
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
  const fs::path journal = mount_point / "journal";
  RouterProcess router(dir.path(), {{"journal", {{"path", journal.string()}}}});
  ASSERT_TRUE(router.start());

  // Requests one after another until the disk is full, and a few more after that.
  std::map<std::string, std::uint64_t> acknowledged;  // id → seq
  std::size_t sent = 0;
  std::size_t refused_requests = 0;
  {
    IngestClient client(router.ingest());
    while (sent < kTransactions && refused_requests < 3) {
      json acks = client.request(request_of(sent));
      ASSERT_TRUE(acks.is_array() && acks.size() == kPerRequest) << acks.dump().substr(0, 500);
      for (const json& ack : acks) {
        if (ack["status"] == "accepted") {
          ASSERT_EQ(refused_requests, 0U) << "acknowledged after a failed commit: " << ack.dump();
          acknowledged[ack["id"]] = ack["seq"];
        } else {
          ASSERT_EQ(ack["status"], "error") << ack.dump();
          EXPECT_EQ(ack["error"]["code"], "unavailable") << ack.dump();
        }
      }
      if (acks[0]["status"] == "error") ++refused_requests;
      sent += kPerRequest;
    }
  }
  ASSERT_EQ(refused_requests, 3U) << "the disk never filled: " << sent << " transactions fit";
  ASSERT_GT(acknowledged.size(), 100U) << "the disk was full before the load began";
  EXPECT_EQ(readyz_status(router, dir), 503);
  const int stopped = router.stop();
  // LMDB calls a write cut short by the full disk an I/O error; the router says what it is.
  EXPECT_NE(read_file(router.stdout_file()).find("the file system holding the journal is full"),
            std::string::npos)
      << read_file(router.stdout_file());
  EXPECT_EQ(stopped, 4) << "a journal error while serving";

  // Readers need no space: the journal holds exactly what was acknowledged.
  json report = verify(journal, dir);
  EXPECT_EQ(report["records"], acknowledged.size());

  // Space again: a restarted router takes the whole load resubmitted.
  ASSERT_TRUE(small.resize(kLargerFs)) << std::strerror(errno);
  ASSERT_TRUE(router.start());
  std::size_t duplicates = 0;
  {
    IngestClient client(router.ingest());
    for (std::size_t first = 0; first < kTransactions; first += kPerRequest) {
      json acks = client.request(request_of(first));
      ASSERT_TRUE(acks.is_array() && acks.size() == kPerRequest) << acks.dump().substr(0, 500);
      for (const json& ack : acks) {
        auto earlier = acknowledged.find(ack["id"]);
        if (earlier == acknowledged.end()) {
          ASSERT_EQ(ack["status"], "accepted") << ack.dump();
        } else {
          ASSERT_EQ(ack["status"], "duplicate") << ack.dump();
          ASSERT_EQ(ack["seq"], earlier->second) << ack.dump();
          ++duplicates;
        }
      }
    }
  }
  EXPECT_EQ(duplicates, acknowledged.size());
  EXPECT_EQ(readyz_status(router, dir), 200);
  EXPECT_EQ(router.stop(), 0);
  EXPECT_EQ(verify(journal, dir)["records"], kTransactions) << "every transaction exactly once";
}

}  // namespace
}  // namespace coexist::test
