// End-to-end: how `coexist serve` starts and stops. A start-up that cannot serve writes nothing
// to the journal; an empty data.mdb is refused, not taken for a new journal; the ready file and
// a deleted working directory end in messages and exit codes, never in an abort; an ipc://
// endpoint another process serves is refused as a busy tcp port is.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "tests/e2e/router_process.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;

// Each test sends one transaction to a journal of its own.
constexpr const char* kTransaction =
    R"({"id":"INV-1","source":"billing","entity":"DE01","type":"invoice",)"
    R"("posting_date":"2026-11-25","currency":"EUR","lines":[{"account":"1200","debit":"119.00"},)"
    R"({"account":"4000","credit":"119.00"}]})";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Outcome {
  std::optional<int> exit_code;  // nullopt: still running after the limit (then killed)
  std::string said;              // standard output (the log) and standard error
};

// Runs a program that is expected to end by itself; one that goes on serving is killed.
Outcome run_to_exit(const fs::path& program, const std::vector<std::string>& arguments,
                    const fs::path& dir) {
  static int counter = 0;
  auto out = dir / ("run-" + std::to_string(++counter) + ".out");
  auto err = dir / ("run-" + std::to_string(counter) + ".err");
  ChildProcess child(program, arguments, out, err);
  Outcome outcome;
  outcome.exit_code = child.wait_for_exit(std::chrono::seconds(20));
  outcome.said = read_file(out) + read_file(err);
  return outcome;
}

Outcome serve(const fs::path& dir, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "serve");
  return run_to_exit(binary("coexist"), arguments, dir);
}

// A data.mdb emptied by a failed restore used to be initialised as a new journal: seq 1 again,
// and every resubmission accepted a second time.
TEST(ServeLifecycleE2eTest, EmptyDataFileIsAJournalErrorNotANewJournal) {
  TempDir dir;
  {
    RouterProcess router(dir.path());
    ASSERT_TRUE(router.start());
    IngestClient client(router.ingest());
    EXPECT_EQ(client.request(kTransaction)["status"], "accepted");
    EXPECT_EQ(router.stop(), 0);
  }
  fs::resize_file(dir.path() / "journal" / "data.mdb", 0);
  Outcome outcome = serve(dir.path(), {"--config", (dir.path() / "config.json").string()});
  ASSERT_TRUE(outcome.exit_code.has_value()) << "the router serves an empty data.mdb";
  EXPECT_EQ(*outcome.exit_code, 4) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, (dir.path() / "journal" / "data.mdb").string() + " is empty"))
      << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "delete the empty data.mdb")) << outcome.said;
  EXPECT_EQ(fs::file_size(dir.path() / "journal" / "data.mdb"), 0U);
}

}  // namespace
}  // namespace coexist::test
