// IngestServer in-process against a journal whose commits fail on demand: after a failed commit
// nothing more is acknowledged, every later request is answered `unavailable`, and the router's
// /readyz answers 503.

#include "router/ingest_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "router/http_endpoint.h"
#include "router/readiness.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

std::string transaction(const std::string& id) {
  return R"({"id":")" + id + R"(","source":"billing","entity":"DE01","type":"invoice","posting_date":"2026-11-25","currency":"EUR","lines":[{"account":"1200","debit":"5.00"},{"account":"4000","credit":"5.00"}]})";
}

class IngestServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::OpenOptions options;
    options.path = dir_.path();
    options.fail_commit_for_test = [this] { return fail_.load(); };
    journal_ = std::move(journal::Journal::open(options).value());
    rules_state_ = std::move(router::RulesState::load(*journal_).value());
    server_ = std::make_unique<router::IngestServer>(
        context_, *journal_, *rules_state_, nullptr, metrics_, clock_,
        router::IngestOptions{"tcp://127.0.0.1:*", 1000});
    ASSERT_TRUE(server_->bind().is_ok());
    thread_ = std::thread([this] { server_->run(stop_); });
    client_.set(zmq::sockopt::linger, 0);
    client_.set(zmq::sockopt::rcvtimeo, 10000);
    client_.connect(server_->endpoint());
  }
  void TearDown() override {
    stop_.store(true);
    thread_.join();
  }

  nlohmann::json request(const std::string& frame) {
    (void)client_.send(zmq::buffer(frame), zmq::send_flags::none);
    zmq::message_t reply;
    EXPECT_TRUE(client_.recv(reply, zmq::recv_flags::none));
    return nlohmann::json::parse(reply.to_string());
  }

  TempDir dir_;
  std::atomic<bool> fail_{false};
  std::atomic<bool> stop_{false};
  std::unique_ptr<journal::Journal> journal_;
  std::unique_ptr<router::RulesState> rules_state_;
  router::Metrics metrics_;
  router::SystemClock clock_;
  zmq::context_t context_{1};
  std::unique_ptr<router::IngestServer> server_;
  std::thread thread_;
  zmq::socket_t client_{context_, zmq::socket_type::dealer};
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
  EXPECT_FALSE(journal_->failure().is_ok()) << "what /readyz reports as not ready";
  EXPECT_EQ(journal_->head().value().seq, 1U);
  EXPECT_EQ(metrics_.accepted_total.load(), 1U);
}

TEST_F(IngestServerTest, RejectedTransactionsStillGetTheirAnswerWhileTheJournalIsHealthy) {
  auto acks = request("[" + transaction("A") + R"(,{"id":"B","source":"billing"}])");
  ASSERT_TRUE(acks.is_array());
  EXPECT_EQ(acks[0]["status"], "accepted");
  EXPECT_EQ(acks[1]["status"], "rejected");
  EXPECT_EQ(acks[1]["error"]["code"], "schema");
}

TEST_F(IngestServerTest, EmptyRequestFromADealerIsAnsweredInOneFrame) {
  (void)client_.send(zmq::message_t(), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(client_.recv(reply, zmq::recv_flags::none));
  EXPECT_FALSE(reply.more()) << "a DEALER gets no delimiter frame";
  auto ack = nlohmann::json::parse(reply.to_string());
  EXPECT_EQ(ack["status"], "rejected") << ack.dump();
  EXPECT_EQ(ack["error"]["code"], "malformed_json") << ack.dump();
  EXPECT_EQ(request(transaction("A"))["status"], "accepted") << "and the client is still served";
}

TEST_F(IngestServerTest, ReadyzTurnsNotReadyAfterAFailedCommitAndStaysSo) {
  std::atomic<bool> serving{true};
  router::HttpEndpoint http(
      metrics_, [&] { return router::is_ready(serving, *journal_); },
      [] { return nlohmann::json::object(); });
  ASSERT_TRUE(http.start("127.0.0.1:0").is_ok());
  httplib::Client client("http://" + http.address());
  auto readyz = [&] {
    auto response = client.Get("/readyz");
    return response ? response->status : -1;
  };
  EXPECT_EQ(request(transaction("A"))["status"], "accepted");
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
