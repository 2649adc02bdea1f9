// End-to-end: the real coexist-loadgen against a real router. What it reports must be what the
// router did: its counts per status agree with the journal, its resubmissions are answered
// duplicate, a rerun of the same range regenerates the same transactions, and its exit codes
// say what happened (2 usage, 3 a client got no reply in time).

#include <gtest/gtest.h>

#include <map>

#include "tests/e2e/router_process.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

struct LoadgenRun {
  int exit_code = -1;
  nlohmann::json report;  // its one JSON object (null when it printed none)
  std::string err;
};

LoadgenRun loadgen(const TempDir& dir, const std::string& endpoint,
                   std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--endpoint", endpoint});
  CommandResult result = run_command(binary("coexist-loadgen"), arguments, dir.path());
  LoadgenRun run{result.exit_code, nullptr, result.err};
  if (!result.out.empty()) run.report = nlohmann::json::parse(result.out);
  return run;
}

// seq by id, from a --acks-out file.
std::map<std::string, std::int64_t> seqs_by_id(const std::filesystem::path& acks_file,
                                               const std::string& expected_status) {
  std::map<std::string, std::int64_t> seqs;
  std::istringstream lines(read_file(acks_file));
  for (std::string line; std::getline(lines, line);) {
    auto ack = nlohmann::json::parse(line);
    EXPECT_EQ(ack["status"], expected_status) << line;
    seqs[ack["id"].get<std::string>()] = ack["seq"].get<std::int64_t>();
  }
  return seqs;
}

class LoadgenE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(router_.start()); }
  void TearDown() override { EXPECT_EQ(router_.stop(), 0); }

  LoadgenRun run(std::vector<std::string> arguments) {
    return loadgen(dir_, router_.ingest(), std::move(arguments));
  }
  nlohmann::json journal_stats() {
    auto result = run_command(
        binary("coexist"),
        {"journal", "stats", "--output", "json", "--journal", router_.journal_dir().string()},
        dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
  }

  TempDir dir_;
  RouterProcess router_{dir_.path()};
};

TEST_F(LoadgenE2eTest, EveryTransactionIsAcceptedAndJournaledAndTheReportSaysSo) {
  auto result = run({"--clients", "4", "--window", "8", "--transactions", "2000", "--seed", "7"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json& report = result.report;
  EXPECT_EQ(report["status"]["accepted"], 2000);
  EXPECT_EQ(report["status"]["duplicate"], 0);
  EXPECT_EQ(report["status"]["rejected"], 0);
  EXPECT_EQ(report["status"]["error"], 0);
  EXPECT_EQ(report["requests"], 2000);
  EXPECT_EQ(report["unanswered_requests"], 0);
  EXPECT_EQ(report["timed_out"], false);
  EXPECT_GT(report["accepted_per_s"].get<double>(), 0);
  const nlohmann::json& latency = report["latency_ms"];
  EXPECT_GT(latency["p50"].get<double>(), 0);
  EXPECT_LE(latency["p50"].get<double>(), latency["p99"].get<double>());
  EXPECT_LE(latency["p99"].get<double>(), latency["max"].get<double>());
  EXPECT_GT(report["mean_canonical_bytes"].get<double>(), 0);

  EXPECT_EQ(journal_stats()["transactions"], 2000);
  auto verify =
      run_command(binary("coexist"),
                  {"journal", "verify", "--journal", router_.journal_dir().string()}, dir_.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(LoadgenE2eTest, ResubmittedRequestsAreAnsweredDuplicateAndJournaledOnce) {
  auto result = run({"--clients", "3", "--window", "4", "--transactions", "1500",
                     "--duplicates-percent", "25", "--seed", "11"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json& report = result.report;
  auto resubmitted = report["resubmitted_requests"].get<std::int64_t>();
  EXPECT_GT(resubmitted, 200);  // about 25 % of 1,500
  EXPECT_EQ(report["status"]["duplicate"], resubmitted);
  EXPECT_EQ(report["status"]["accepted"], 1500 - resubmitted);
  EXPECT_EQ(report["status"]["rejected"], 0);
  EXPECT_EQ(journal_stats()["transactions"], 1500 - resubmitted);
}

// The generator is a pure function of (seed, index): a second process sending the same range
// sends the same bytes, so every transaction is a duplicate of the first run's, with its seq.
TEST_F(LoadgenE2eTest, RerunningARangeResubmitsTheSameTransactions) {
  auto first_acks = dir_.path() / "first.jsonl";
  auto first = run({"--clients", "2", "--window", "16", "--transactions", "400", "--seed", "5",
                    "--first-index", "1000", "--acks-out", first_acks.string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again_acks = dir_.path() / "again.jsonl";
  auto again = run({"--clients", "5", "--window", "3", "--transactions", "400", "--seed", "5",
                    "--first-index", "1000", "--acks-out", again_acks.string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.report["status"]["duplicate"], 400);
  EXPECT_EQ(again.report["status"]["accepted"], 0);

  auto accepted = seqs_by_id(first_acks, "accepted");
  auto duplicates = seqs_by_id(again_acks, "duplicate");
  EXPECT_EQ(accepted.size(), 400U);
  EXPECT_EQ(duplicates, accepted);
  EXPECT_EQ(accepted.count("LG-5-1000"), 1U);
  EXPECT_EQ(accepted.count("LG-5-1399"), 1U);
}

TEST_F(LoadgenE2eTest, ArraysAreCountedPerTransaction) {
  auto acks = dir_.path() / "acks.jsonl";
  auto result = run({"--clients", "2", "--window", "2", "--transactions", "995", "--batch", "10",
                     "--seed", "3", "--acks-out", acks.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.report["requests"], 100);  // 99 arrays of 10 and one of 5
  EXPECT_EQ(result.report["status"]["accepted"], 995);
  EXPECT_EQ(seqs_by_id(acks, "accepted").size(), 995U);
  EXPECT_EQ(journal_stats()["transactions"], 995);
}

TEST(LoadgenExitCodes, BadOptionsExitTwoAndSayWhy) {
  TempDir dir;
  auto result = loadgen(dir, "tcp://127.0.0.1:1", {"--clients", "0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.report.is_null());
  EXPECT_NE(result.err.find("--clients"), std::string::npos) << result.err;

  // A batch whose requests would pass the router's 1 MiB request limit is refused before any
  // load: every such request would be rejected whole as too_large.
  auto too_big = loadgen(dir, "tcp://127.0.0.1:1", {"--batch", "2000", "--transactions", "2000"});
  EXPECT_EQ(too_big.exit_code, 2);
  EXPECT_TRUE(too_big.report.is_null());
  EXPECT_NE(too_big.err.find("smaller --batch"), std::string::npos) << too_big.err;
}

// A router that reads requests and never answers: every client times out, the run exits 3 and
// still prints its report, saying how many requests went unanswered.
TEST(LoadgenExitCodes, NoReplyWithinTheTimeoutExitsThreeWithAReport) {
  TempDir dir;
  zmq::context_t context(1);
  zmq::socket_t silent(context, zmq::socket_type::router);
  silent.set(zmq::sockopt::linger, 0);
  silent.bind("tcp://127.0.0.1:*");
  auto result =
      loadgen(dir, silent.get(zmq::sockopt::last_endpoint),
              {"--clients", "2", "--window", "4", "--transactions", "20", "--timeout-ms", "300"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  ASSERT_TRUE(result.report.is_object()) << result.err;
  EXPECT_EQ(result.report["timed_out"], true);
  EXPECT_EQ(result.report["unanswered_requests"], 20);
  EXPECT_EQ(result.report["status"]["accepted"], 0);
}

}  // namespace
}  // namespace coexist::test
