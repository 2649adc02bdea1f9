// IngestServer in-process on a journal at its maximum size: a transaction that does not fit is
// answered journal_full (retryable), and the other transactions of its batch, whoever sent them,
// are journaled and acknowledged as usual.

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "journal/verify.h"
#include "router/ingest_server.h"
#include "tests/router/commit_gate.h"
#include "tests/router/in_process_router.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t kMapBytesMax = 512 << 10;
constexpr std::size_t kHugeBytes = 700 << 10;  // never fits in kMapBytesMax

class IngestJournalFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::OpenOptions options;
    options.path = dir_.path();
    options.map_size_bytes_initial = kMapBytesMax;
    options.map_size_bytes_max = kMapBytesMax;
    options.before_append_for_test = [this] { gate_.pass(); };
    ASSERT_TRUE(router_.start(options, false, 20000));
    other_client_.set(zmq::sockopt::linger, 0);
    other_client_.set(zmq::sockopt::rcvtimeo, 20000);
    other_client_.connect(router_.server->endpoint());
  }
  // Before the router's thread is joined: a held commit would keep it from ending.
  void TearDown() override { gate_.release(); }

  static void send(zmq::socket_t& socket, const std::string& frame) {
    (void)socket.send(zmq::buffer(frame), zmq::send_flags::none);
  }
  static json receive(zmq::socket_t& socket) {
    zmq::message_t reply;
    EXPECT_TRUE(socket.recv(reply, zmq::recv_flags::none));
    return json::parse(reply.to_string());
  }
  void expect_verified(std::uint64_t records) {
    auto report = journal::verify(*router_.journal, std::nullopt);
    ASSERT_TRUE(report.is_ok());
    EXPECT_TRUE(report.value().ok) << report.value().problem;
    EXPECT_EQ(report.value().records, records);
  }

  TempDir dir_;
  CommitGate gate_;         // outlives the router, whose commit thread calls it
  InProcessRouter router_;  // after what its thread uses, so it stops first
  zmq::socket_t other_client_{router_.context, zmq::socket_type::dealer};
};

TEST_F(IngestJournalFullTest,
       TransactionThatDoesNotFitIsJournalFullAndTheRestOfItsRequestIsAccepted) {
  json acks = InProcessRouter::exchange(router_.client, "[" + transaction("A") + "," +
                                                            large_transaction("HUGE", kHugeBytes) +
                                                            "," + transaction("B") + "]");
  ASSERT_TRUE(acks.is_array()) << acks.dump();
  ASSERT_EQ(acks.size(), 3U);
  EXPECT_EQ(acks[0]["status"], "accepted") << acks[0].dump();
  EXPECT_EQ(acks[0]["seq"], 1);
  EXPECT_EQ(acks[1]["status"], "error") << acks[1].dump();
  EXPECT_EQ(acks[1]["error"]["code"], "journal_full");
  EXPECT_EQ(acks[1]["id"], "HUGE");
  EXPECT_EQ(acks[1]["source"], "billing");
  EXPECT_EQ(acks[2]["status"], "accepted") << acks[2].dump();
  EXPECT_EQ(acks[2]["seq"], 2);
  EXPECT_EQ(router_.metrics.accepted_total.load(), 2U);
  EXPECT_EQ(router_.metrics.retryable_errors_total.load(), 1U);
  EXPECT_TRUE(router_.journal->failure().is_ok());
  expect_verified(2);
}

// The reviewer's case: one client's huge request in the same group commit made every other
// client's small request fail with it, and their retries, arriving together again, fail again.
TEST_F(IngestJournalFullTest, OneClientsHugeRequestDoesNotFailTheOtherRequestsOfItsBatch) {
  gate_.hold_next();
  send(router_.client, transaction("A"));
  ASSERT_TRUE(gate_.wait_until_holding()) << "A's batch never reached the journal";
  send(other_client_, large_transaction("HUGE", kHugeBytes));
  send(router_.client, transaction("B"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (router_.metrics.requests_total.load() < 3) {  // in the batch being built, together
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the requests never arrived";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  gate_.release();

  EXPECT_EQ(receive(router_.client)["seq"], 1) << "A";
  json huge = receive(other_client_);
  EXPECT_EQ(huge["status"], "error") << huge.dump();
  EXPECT_EQ(huge["error"]["code"], "journal_full") << huge.dump();
  json b = receive(router_.client);
  EXPECT_EQ(b["status"], "accepted") << b.dump();
  EXPECT_EQ(b["seq"], 2) << b.dump();
  expect_verified(2);
}

}  // namespace
}  // namespace coexist::test
