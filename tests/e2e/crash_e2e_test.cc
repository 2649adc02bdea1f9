// The crash test: a pipelined load, `kill -9` of the router at a random moment, restart. Every
// acknowledged transaction must be in the journal with the acknowledged seq, resubmitting all
// of them must answer `duplicate` with that seq, and `journal verify` must pass.
// COEXIST_LONG_TESTS=1 runs more kill points.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#include "tests/e2e/router_process.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

constexpr std::uint64_t kTransactions = 20000;
constexpr int kClients = 4;
constexpr int kWindow = 32;

bool long_tests() { return std::getenv("COEXIST_LONG_TESTS") != nullptr; }

// Submits transactions [client, client + kClients, …) with kWindow in flight; records each
// ack's seq by transaction index (0 = no ack). Stops when done or when the router goes silent.
void run_client(const std::string& endpoint, int client, std::vector<std::int64_t>& seqs,
                std::vector<std::string>& statuses, std::atomic<std::uint64_t>& acked,
                std::mutex& mutex) {
  IngestClient socket(endpoint);
  std::vector<std::uint64_t> mine;
  for (std::uint64_t i = static_cast<std::uint64_t>(client); i < kTransactions; i += kClients) mine.push_back(i);
  std::size_t sent = 0;
  std::size_t received = 0;
  while (received < mine.size()) {
    while (sent < mine.size() && sent - received < kWindow) socket.send(sample_transaction(mine[sent++]));
    auto reply = socket.receive(std::chrono::milliseconds(3000));
    if (!reply) return;  // the router was killed
    auto ack = nlohmann::json::parse(*reply);
    std::uint64_t index = mine[received++];  // replies to one client come in request order
    std::lock_guard lock(mutex);
    EXPECT_EQ(ack.value("id", ""), "TX-" + std::to_string(index));
    statuses[index] = ack.value("status", "");
    if (ack.contains("seq")) seqs[index] = ack["seq"].get<std::int64_t>();
    acked.fetch_add(1);
  }
}

struct LoadResult {
  std::vector<std::int64_t> seqs = std::vector<std::int64_t>(kTransactions, 0);
  std::vector<std::string> statuses = std::vector<std::string>(kTransactions);
};

// Runs the load; if kill_after_acks is set, kill -9s the router once that many acks arrived.
LoadResult run_load(RouterProcess& router, std::optional<std::uint64_t> kill_after_acks) {
  LoadResult result;
  std::atomic<std::uint64_t> acked{0};
  std::mutex mutex;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back(run_client, router.ingest(), c, std::ref(result.seqs),
                         std::ref(result.statuses), std::ref(acked), std::ref(mutex));
  }
  if (kill_after_acks) {
    while (acked.load() < *kill_after_acks) std::this_thread::sleep_for(std::chrono::microseconds(200));
    router.kill_hard();
  }
  for (auto& client : clients) client.join();
  return result;
}

class CrashE2eTest : public ::testing::TestWithParam<int> {};

TEST_P(CrashE2eTest, EveryAcknowledgedTransactionSurvivesKillNine) {
  std::mt19937_64 random(static_cast<std::uint64_t>(GetParam()) * 7919 + 17);
  std::uint64_t kill_after = 500 + random() % (kTransactions - 2000);
  SCOPED_TRACE("kill point: after " + std::to_string(kill_after) + " acks (seed param " +
               std::to_string(GetParam()) + ")");
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  LoadResult before = run_load(router, kill_after);
  std::size_t acknowledged = 0;
  for (std::uint64_t i = 0; i < kTransactions; ++i) {
    if (before.statuses[i].empty()) continue;
    ASSERT_EQ(before.statuses[i], "accepted") << "transaction " << i;
    ++acknowledged;
  }
  EXPECT_GE(acknowledged, kill_after);

  ASSERT_TRUE(router.start());
  LoadResult after = run_load(router, std::nullopt);
  std::size_t duplicates = 0;
  for (std::uint64_t i = 0; i < kTransactions; ++i) {
    if (before.statuses[i].empty()) {
      // Never acknowledged: journaled before the kill (duplicate) or not (accepted now).
      EXPECT_TRUE(after.statuses[i] == "accepted" || after.statuses[i] == "duplicate") << i;
      continue;
    }
    ASSERT_EQ(after.statuses[i], "duplicate") << "acknowledged transaction " << i << " was lost";
    ASSERT_EQ(after.seqs[i], before.seqs[i]) << "transaction " << i << " changed seq";
    ++duplicates;
  }
  EXPECT_EQ(duplicates, acknowledged);
  EXPECT_EQ(router.stop(), 0);

  auto verify = run_command(binary("coexist"),
                            {"journal", "verify", "--output", "json", "--journal",
                             router.journal_dir().string()},
                            dir.path());
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], kTransactions)
      << "every transaction exactly once";
}

INSTANTIATE_TEST_SUITE_P(KillPoints, CrashE2eTest,
                         ::testing::Range(0, long_tests() ? 12 : 3));

}  // namespace
}  // namespace coexist::test
