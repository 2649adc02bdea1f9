// IngestServer in-process against a journal whose commits fail on demand: after a failed commit
// nothing more is acknowledged, every later request is answered `unavailable`, and the router's
// /readyz answers 503.

#include "router/ingest_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "router/http_endpoint.h"
#include "router/readiness.h"
#include "tests/router/in_process_router.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

class IngestServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::OpenOptions options;
    options.path = dir_.path();
    options.fail_commit_for_test = [this] { return fail_.load(); };
    ASSERT_TRUE(router_.start(options, false, 10000));
  }

  nlohmann::json request(const std::string& frame) {
    return InProcessRouter::exchange(router_.client, frame);
  }

  TempDir dir_;
  std::atomic<bool> fail_{false};
  InProcessRouter router_;  // after what its thread uses, so it stops first
};

TEST_F(IngestServerTest, AfterAFailedCommitNothingIsAcknowledgedAgain) {
  EXPECT_EQ(request(transaction("A"))["status"], "accepted");
  fail_.store(true);
  auto failed = request(transaction("B"));
  EXPECT_EQ(failed["status"], "error");
  EXPECT_EQ(failed["error"]["code"], "unavailable");
  EXPECT_EQ(failed["id"], "B");
  fail_.store(false);  // the disk is back, but the journal's state after the failure is unknown
  auto later = request(transaction("C"));
  EXPECT_EQ(later["status"], "error");
  EXPECT_EQ(later["error"]["code"], "unavailable");
  EXPECT_FALSE(router_.journal->failure().is_ok()) << "what /readyz reports as not ready";
  EXPECT_EQ(router_.journal->head().value().seq, 1U);
  EXPECT_EQ(router_.metrics.accepted_total.load(), 1U);
}

TEST_F(IngestServerTest, RejectedTransactionsStillGetTheirAnswerWhileTheJournalIsHealthy) {
  auto acks = request("[" + transaction("A") + R"(,{"id":"B","source":"billing"}])");
  ASSERT_TRUE(acks.is_array());
  EXPECT_EQ(acks[0]["status"], "accepted");
  EXPECT_EQ(acks[1]["status"], "rejected");
  EXPECT_EQ(acks[1]["error"]["code"], "schema");
}

TEST_F(IngestServerTest, EmptyRequestFromADealerIsAnsweredInOneFrame) {
  (void)router_.client.send(zmq::message_t(), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(router_.client.recv(reply, zmq::recv_flags::none));
  EXPECT_FALSE(reply.more()) << "a DEALER gets no delimiter frame";
  auto ack = nlohmann::json::parse(reply.to_string());
  EXPECT_EQ(ack["status"], "rejected") << ack.dump();
  EXPECT_EQ(ack["error"]["code"], "malformed_json") << ack.dump();
  EXPECT_EQ(request(transaction("A"))["status"], "accepted") << "and the client is still served";
}

TEST_F(IngestServerTest, ReadyzTurnsNotReadyAfterAFailedCommitAndStaysSo) {
  std::atomic<bool> serving{true};
  std::atomic<bool> stopping{false};
  router::HttpEndpoint http(
      router_.metrics, [&] { return router::is_ready(serving, stopping, *router_.journal); },
      [] { return nlohmann::json::object(); });
  ASSERT_TRUE(http.start("127.0.0.1:0").is_ok());
  httplib::Client client("http://" + http.address());
  auto readyz = [&] {
    auto response = client.Get("/readyz");
    return response ? response->status : -1;
  };
  EXPECT_EQ(request(transaction("A"))["status"], "accepted");
  EXPECT_EQ(readyz(), 200);
  stopping.store(true);  // SIGTERM: intake stops at once, so does readiness
  EXPECT_EQ(readyz(), 503) << "told to stop, while the journal is fine";
  stopping.store(false);
  EXPECT_EQ(readyz(), 200);
  fail_.store(true);
  EXPECT_EQ(request(transaction("B"))["error"]["code"], "unavailable");
  EXPECT_EQ(readyz(), 503);
  fail_.store(false);
  EXPECT_EQ(request(transaction("C"))["error"]["code"], "unavailable");
  EXPECT_EQ(readyz(), 503) << "a failed commit is sticky: not ready until restarted";
}

}  // namespace
}  // namespace coexist::test
