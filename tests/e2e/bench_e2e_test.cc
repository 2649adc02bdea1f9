// End-to-end: the benchmark tools the figures come from still measure what they claim.
// The ceiling writes every record and index entry, in synced batches, with the ids spread over
// the sequences asked for; tools/bench/ingest.sh runs a small scenario to the end against the real
// router and reports figures that agree with what the scenario did. Small sizes: these check the
// tools, not the machine's speed.

#include <gtest/gtest.h>
#include <lmdb.h>

#include <set>

#include "tests/e2e/router_process.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

// The entries of one named database of the LMDB environment in `dir` (keys in order).
std::vector<std::string> keys_of(const std::filesystem::path& dir, const char* database) {
  std::vector<std::string> keys;
  MDB_env* env = nullptr;
  EXPECT_EQ(mdb_env_create(&env), 0);
  EXPECT_EQ(mdb_env_set_maxdbs(env, 8), 0);
  EXPECT_EQ(mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0), 0) << dir;
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  MDB_cursor* cursor = nullptr;
  if (mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0 &&
      mdb_dbi_open(txn, database, 0, &dbi) == 0 && mdb_cursor_open(txn, dbi, &cursor) == 0) {
    MDB_val key{};
    MDB_val value{};
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
      keys.emplace_back(static_cast<const char*>(key.mv_data), key.mv_size);
    }
    mdb_cursor_close(cursor);
  } else {
    ADD_FAILURE() << "no database '" << database << "' in " << dir;
  }
  if (txn != nullptr) mdb_txn_abort(txn);
  mdb_env_close(env);
  return keys;
}

std::uint64_t big_endian(const std::string& key) {
  std::uint64_t value = 0;
  for (char byte : key) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

TEST(LmdbCeilingTest, WritesEveryRecordAndIndexEntryInTheIdSequencesAskedFor) {
  TempDir dir;
  auto result = run_command(binary("coexist-lmdb-ceiling"),
                            {"--dir", (dir.path() / "env").string(), "--records", "1000", "--batch",
                             "100", "--id-streams", "4", "--seed", "3"},
                            dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["records"], 1000);
  EXPECT_EQ(report["batch"], 100);
  EXPECT_GT(report["records_per_s"].get<double>(), 0);
  // Ten synced commits of a hundred: the commit rate is the record rate over the batch.
  EXPECT_NEAR(report["commits_per_s"].get<double>() * 100, report["records_per_s"].get<double>(),
              1e-6 * report["records_per_s"].get<double>());
  EXPECT_GT(report["mean_record_bytes"].get<double>(), 500);  // the generator's ~1 KiB records
  EXPECT_GT(report["written_bytes_per_record"].get<double>(),
            report["mean_record_bytes"].get<double>());
  EXPECT_GT(report["cpu_us_per_record"].get<double>(), 0);

  std::vector<std::string> seqs = keys_of(dir.path() / "env", "transactions");
  ASSERT_EQ(seqs.size(), 1000U);
  EXPECT_EQ(big_endian(seqs.front()), 1U);
  EXPECT_EQ(big_endian(seqs.back()), 1000U);
  std::vector<std::string> index = keys_of(dir.path() / "env", "idempotency");
  ASSERT_EQ(index.size(), 1000U);
  std::set<std::string> streams;
  for (const std::string& key : index) {
    std::string id = key.substr(key.find('\0') + 1);  // source 0x00 id
    ASSERT_EQ(id.rfind("LG-3-s", 0), 0U) << id;
    streams.insert(id.substr(0, id.find('-', 6)));
  }
  EXPECT_EQ(streams, (std::set<std::string>{"LG-3-s0", "LG-3-s1", "LG-3-s2", "LG-3-s3"}));
}

TEST(LmdbCeilingTest, BadSizesAreUsageErrors) {
  TempDir dir;
  for (const char* batch : {"0", "-1"}) {
    auto result =
        run_command(binary("coexist-lmdb-ceiling"),
                    {"--dir", (dir.path() / "env").string(), "--batch", batch}, dir.path());
    EXPECT_EQ(result.exit_code, 2) << batch << ": " << result.err;
  }
}

// The script the figures come from, run small against the real binaries of this build:
// it must finish, and its summary must agree with the load it generated.
TEST(IngestBenchmarkTest, ASmallRunReportsFiguresThatAgreeWithTheLoad) {
  TempDir dir;
  auto summary_file = dir.path() / "summary.json";
  std::filesystem::path build_dir = std::filesystem::path(COEXIST_BIN_DIR).parent_path();
  std::string command = "BUILD_DIR='" + build_dir.string() + "' BENCH_TMPDIR='" +
                        dir.path().string() + "' '" + COEXIST_SOURCE_DIR +
                        "/tools/bench/ingest.sh' --scenario 1x1 --scenario 8x32 "
                        "--transactions 400 --ceiling-records 2000 --json-out '" +
                        summary_file.string() + "'";
  auto result = run_command("/bin/bash", {"-c", command}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("inside the router"), std::string::npos) << result.out;
  auto summary = nlohmann::json::parse(read_file(summary_file));

  EXPECT_GT(summary["ceiling"]["records_per_s"].get<double>(), 0);
  for (const char* name : {"1x1", "8x32"}) {
    SCOPED_TRACE(name);
    const nlohmann::json& scenario = summary["scenarios"][name];
    EXPECT_EQ(scenario["transactions"], 400);
    EXPECT_EQ(scenario["not_accepted"], 0);
    EXPECT_GT(scenario["accepted_per_s"].get<double>(), 0);
    // Read in clock ticks of 10 ms: a run this short may take less than one, so only its
    // presence is checked.
    EXPECT_TRUE(scenario["router_cpu_us_per_tx"].is_number());
    EXPECT_GT(scenario["router_written_bytes_per_tx"].get<double>(), 0);
    // The router's own view of the run, read from its /metrics.
    EXPECT_GT(scenario["router"]["held_ms_mean"].get<double>(), 0);
    EXPECT_GT(scenario["router"]["commit_ms"].get<double>(), 0);
  }
  // One client with one request in flight: every group commit carries exactly one transaction.
  EXPECT_EQ(summary["scenarios"]["1x1"]["router"]["transactions_per_commit"], 1.0);
  // 256 in flight: commits carry many.
  EXPECT_GT(summary["scenarios"]["8x32"]["router"]["transactions_per_commit"].get<double>(), 1.0);
}

}  // namespace
}  // namespace coexist::test
