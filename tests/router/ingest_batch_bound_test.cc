// IngestServer in-process: a batch stops taking requests once its transactions' canonical JSON
// reaches IngestOptions::batch_canonical_bytes_max (config `ingest.batch_mb_max`). What arrives
// meanwhile waits in ZeroMQ's queue for the next batch, so a burst of large transactions behind
// a slow commit neither gathers in the router's memory nor makes one huge commit; and a request is
// never split between batches.

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "router/ingest_server.h"
#include "tests/router/commit_gate.h"
#include "tests/router/in_process_router.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using json = nlohmann::json;

constexpr std::size_t kLargeBytes = 20 << 10;

class IngestBatchBoundTest : public ::testing::Test {
 protected:
  // The bound: three and a half large transactions, so a batch takes four of them.
  void SetUp() override {
    large_frame_bytes_ = large_transaction("L0", kLargeBytes).size();
    journal::OpenOptions options;
    options.path = dir_.path();
    options.before_append_for_test = [this] { gate_.pass(); };
    router_.ingest_options.batch_canonical_bytes_max = large_frame_bytes_ * 7 / 2;
    ASSERT_TRUE(router_.start(options, false, 20000));
  }
  // Before the router's thread is joined: a held commit would keep it from ending.
  void TearDown() override { gate_.release(); }

  void send(const std::string& frame) {
    (void)router_.client.send(zmq::buffer(frame), zmq::send_flags::none);
  }
  json receive() {
    zmq::message_t reply;
    EXPECT_TRUE(router_.client.recv(reply, zmq::recv_flags::none));
    return json::parse(reply.to_string());
  }
  // Waits until the router has taken in `count` requests, then a while longer to see it take no
  // more; returns how many it took.
  std::uint64_t requests_taken_settling_at(std::uint64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (router_.metrics.requests_total.load() < count &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return router_.metrics.requests_total.load();
  }

  TempDir dir_;
  CommitGate gate_;         // outlives the router, whose commit thread calls it
  InProcessRouter router_;  // after what its thread uses, so it stops first
  std::size_t large_frame_bytes_ = 0;
};

TEST_F(IngestBatchBoundTest, ABurstBehindAHeldCommitWaitsInTheQueueAndIsCommittedInBoundedBatches) {
  gate_.hold_next();
  send(transaction("A"));
  ASSERT_TRUE(gate_.wait_until_holding()) << "A's batch never reached the journal";
  for (int i = 1; i <= 10; ++i) send(large_transaction("L" + std::to_string(i), kLargeBytes));

  EXPECT_EQ(requests_taken_settling_at(5), 5U)
      << "while A's commit is held, the next batch takes four large requests and no more";
  gate_.release();

  json a = receive();
  EXPECT_EQ(a["status"], "accepted") << a.dump();
  EXPECT_EQ(a["seq"], 1);
  for (int i = 1; i <= 10; ++i) {
    json ack = receive();
    EXPECT_EQ(ack["status"], "accepted") << ack.dump();
    EXPECT_EQ(ack["id"], "L" + std::to_string(i));
    EXPECT_EQ(ack["seq"], i + 1) << "in the order sent";
  }
  EXPECT_EQ(router_.metrics.commits_total.load(), 4U) << "A, then 4 + 4 + 2 large ones";
  EXPECT_EQ(router_.journal->head().value().seq, 11U);
}

TEST_F(IngestBatchBoundTest, ARequestOverTheBoundIsTakenWholeInOneBatch) {
  std::string array = "[";
  for (int i = 1; i <= 5; ++i) {
    array += (i > 1 ? "," : "") + large_transaction("L" + std::to_string(i), kLargeBytes);
  }
  send(array + "]");
  json acks = receive();
  ASSERT_TRUE(acks.is_array()) << acks.dump();
  ASSERT_EQ(acks.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(acks[i]["status"], "accepted") << acks[i].dump();
    EXPECT_EQ(acks[i]["seq"], i + 1);
  }
  EXPECT_EQ(router_.metrics.commits_total.load(), 1U) << "one request, one group commit";
}

}  // namespace
}  // namespace coexist::test
