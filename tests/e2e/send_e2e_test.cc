// End-to-end: `coexist send` labels every ack with the line it answers, also when requests are
// lost on the way (a broken connection), and never sends a line the router can only refuse.
// Each request carries its line number as a request id, which the ack comes back with.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "tests/e2e/cli_command.h"
#include "tests/e2e/router_process.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

std::string id_of(const std::string& transaction) {
  return nlohmann::json::parse(transaction)["id"].get<std::string>();
}

TEST(SendE2eTest, ALineOverTheRequestLimitIsRefusedWithoutCostingTheLinesAfterIt) {
  // Over ZMQ_MAXMSGSIZE (16 MiB) the router's libzmq drops the connection, and with it every
  // request in flight; the acks for the lines after it used to be printed one line too early.
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  std::string huge = sample_transaction(2);
  huge.insert(huge.size() - 1, std::string(17u << 20, ' '));
  const std::vector<std::string> lines = {sample_transaction(1),      huge,
                                          sample_transaction(3),      sample_transaction(4),
                                          std::string(2u << 20, '['), sample_transaction(5)};
  auto result = coexist(dir, {"send", "--endpoint", router.ingest(), "--timeout-ms", "5000",
                              write_lines(dir, "lines.jsonl", lines).string()});
  EXPECT_EQ(result.exit_code, 1) << "a line was rejected: " << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), lines.size()) << result.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(acks[i]["line"], i + 1) << acks[i].dump();
    if (i == 1 || i == 4) {
      EXPECT_EQ(acks[i]["status"], "rejected") << acks[i].dump();
      EXPECT_EQ(acks[i]["error"]["code"], "too_large") << acks[i].dump();
    } else {
      EXPECT_EQ(acks[i]["status"], "accepted") << acks[i].dump();
      EXPECT_EQ(acks[i]["id"], id_of(lines[i])) << acks[i].dump();
    }
  }
  EXPECT_EQ(router.stop(), 0);
}

// A ROUTER in the test's place: it reads `requests` requests and answers them as `answer` says
// (an empty string: no answer, as if the request was lost), with the envelope they came with,
// as the router does; or without it when `keep_envelope` is false, as routers before request
// ids did.
class FakeRouter {
 public:
  using Answer = std::function<std::string(std::size_t index, const std::string& request)>;
  FakeRouter(std::size_t requests, Answer answer, bool keep_envelope = true) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvtimeo, 10000);
    socket_.bind("tcp://127.0.0.1:*");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this, requests, keep_envelope, answer = std::move(answer)] {
      for (std::size_t i = 0; i < requests; ++i) {
        std::vector<zmq::message_t> frames;
        do {
          zmq::message_t frame;
          if (!socket_.recv(frame)) return;
          frames.push_back(std::move(frame));
        } while (frames.back().more());
        std::string reply = answer(i, frames.back().to_string());
        if (reply.empty()) continue;
        const std::size_t envelope = keep_envelope ? frames.size() - 1 : 1;
        for (std::size_t f = 0; f < envelope; ++f) {
          (void)socket_.send(frames[f], zmq::send_flags::sndmore);
        }
        (void)socket_.send(zmq::buffer(reply), zmq::send_flags::none);
      }
    });
  }
  ~FakeRouter() { thread_.join(); }
  const std::string& endpoint() const { return endpoint_; }

 private:
  zmq::context_t context_{1};
  zmq::socket_t socket_{context_, zmq::socket_type::router};
  std::string endpoint_;
  std::thread thread_;
};

std::string accepted_ack(const std::string& request, std::size_t seq) {
  auto transaction = nlohmann::json::parse(request);
  return nlohmann::json{{"id", transaction["id"]}, {"source", transaction["source"]},
                        {"status", "accepted"},    {"seq", seq},
                        {"route", "legacy"},       {"rule", "default"},
                        {"rules_version", 0}}
      .dump();
}

TEST(SendE2eTest, AcksAfterALostRequestAreMatchedToTheirOwnLines) {
  TempDir dir;
  const std::vector<std::string> lines = {sample_transaction(1), sample_transaction(2),
                                          sample_transaction(3), sample_transaction(4)};
  std::vector<nlohmann::json> acks;
  CommandResult result;
  {
    FakeRouter fake(4, [](std::size_t index, const std::string& request) {
      return index == 1 ? std::string() : accepted_ack(request, index + 1);  // line 2 is lost
    });
    result = coexist(dir, {"send", "--endpoint", fake.endpoint(), "--window", "4",
                           write_lines(dir, "four.jsonl", lines).string()});
  }
  EXPECT_EQ(result.exit_code, 3) << "a line may need resending: " << result.err;
  acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 4U) << result.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(acks[i]["line"], i + 1) << acks[i].dump();
    EXPECT_EQ(acks[i]["id"], id_of(lines[i])) << acks[i].dump();
    EXPECT_EQ(acks[i]["status"], i == 1 ? "error" : "accepted") << acks[i].dump();
  }
  EXPECT_EQ(acks[1]["error"]["code"], "unavailable") << acks[1].dump();
  EXPECT_EQ(acks[2]["seq"], 3) << "line 3's own ack, not line 2's label on it";
}

// A line and its corrected resubmission carry the same source and id: when the first is lost,
// the second's ack must not be taken for it.
TEST(SendE2eTest, ALostLineIsNotAnsweredByALaterOneWithTheSameId) {
  TempDir dir;
  const std::string first = sample_transaction(7);
  std::string second = first;
  second.replace(second.find("sample transaction"), 6, "SAMPLE");  // same id, other content
  CommandResult result;
  {
    FakeRouter fake(2, [](std::size_t index, const std::string& request) {
      return index == 0 ? std::string() : accepted_ack(request, 1);  // the first is lost
    });
    result = coexist(dir, {"send", "--endpoint", fake.endpoint(), "--window", "2",
                           write_lines(dir, "same-id.jsonl", {first, second}).string()});
  }
  EXPECT_EQ(result.exit_code, 3) << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 2U) << result.out;
  EXPECT_EQ(acks[0]["line"], 1);
  EXPECT_EQ(acks[0]["status"], "error") << "line 1 was never answered: " << acks[0].dump();
  EXPECT_EQ(acks[1]["line"], 2);
  EXPECT_EQ(acks[1]["status"], "accepted") << acks[1].dump();
}

TEST(SendE2eTest, AnAckWithoutItsRequestIdStopsSendWithExitThree) {
  TempDir dir;
  CommandResult result;
  {
    FakeRouter fake(
        1, [](std::size_t, const std::string& request) { return accepted_ack(request, 1); },
        /*keep_envelope=*/false);
    result = coexist(dir, {"send", "--endpoint", fake.endpoint(),
                           write_lines(dir, "one.jsonl", {sample_transaction(1)}).string()});
  }
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("without the request id"), std::string::npos) << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 1U) << result.out;
  EXPECT_EQ(acks[0]["status"], "error");
  EXPECT_EQ(acks[0]["id"], id_of(sample_transaction(1)));
}

TEST(SendE2eTest, LinesStillUnansweredAtTheTimeoutArePrintedAsUnavailable) {
  TempDir dir;
  const std::vector<std::string> lines = {sample_transaction(1), "{not json",
                                          "[" + sample_transaction(2) + "]"};
  CommandResult result;
  {
    FakeRouter fake(3, [](std::size_t, const std::string&) { return std::string(); });
    result = coexist(dir, {"send", "--endpoint", fake.endpoint(), "--timeout-ms", "500",
                           write_lines(dir, "three.jsonl", lines).string()});
  }
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("from line 1"), std::string::npos) << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 3U) << result.out;
  EXPECT_EQ(acks[0]["id"], id_of(lines[0]));
  EXPECT_FALSE(acks[1].contains("id")) << "a malformed line names nothing";
  ASSERT_TRUE(acks[2].is_array()) << "an array's acks mirror it";
  EXPECT_EQ(acks[2][0]["id"], id_of(sample_transaction(2)));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json& ack = acks[i].is_array() ? acks[i][0] : acks[i];
    EXPECT_EQ(ack["status"], "error") << acks[i].dump();
    EXPECT_EQ(ack["error"]["code"], "unavailable") << acks[i].dump();
    EXPECT_EQ(ack["line"], i + 1) << acks[i].dump();
  }
}

// A router killed and restarted while send runs costs only the lines that were in flight: they
// are printed unavailable, and send carries on with the rest on a new connection.
TEST(SendE2eTest, ARouterRestartedMidwayCostsOnlyTheLinesInFlight) {
  TempDir dir;
  const std::string ingest = "ipc://" + (dir.path() / "ingest.sock").string();  // kept on restart
  RouterProcess router(dir.path(), {{"listen", {{"ingest", ingest}}}});
  ASSERT_TRUE(router.start());
  constexpr std::size_t kLines = 30000;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < kLines; ++i) lines.push_back(sample_transaction(i, "RS"));
  const auto file = write_lines(dir, "many.jsonl", lines);
  const auto out = dir.path() / "send.out";
  ChildProcess send(binary("coexist"),
                    {"send", "--endpoint", ingest, "--window", "64", file.string()}, out,
                    dir.path() / "send.err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::error_code no_file_yet;
  while (std::filesystem::file_size(out, no_file_yet) < 100'000 && send.running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(send.running()) << "send finished before the router could be killed";
  // Frozen first, so that send fills its window with requests the router has taken and will
  // never answer: the kill then surely loses some.
  router.process().signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  router.kill_hard();
  ASSERT_TRUE(router.start());
  auto exit_code = send.wait_for_exit(std::chrono::seconds(60));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 3) << "the lines in flight need resending: "
                           << read_file(dir.path() / "send.err");

  auto acks = json_lines(read_file(out));
  ASSERT_EQ(acks.size(), kLines) << "one printed line per input line, to the end of the input";
  std::size_t accepted = 0;
  std::vector<std::string> unanswered;
  for (std::size_t i = 0; i < kLines; ++i) {
    ASSERT_EQ(acks[i]["line"], i + 1);
    ASSERT_EQ(acks[i]["id"], id_of(lines[i])) << acks[i].dump();
    if (acks[i]["status"] == "accepted") {
      ++accepted;
    } else {
      ASSERT_EQ(acks[i]["error"]["code"], "unavailable") << acks[i].dump();
      unanswered.push_back(lines[i]);
    }
  }
  EXPECT_GE(unanswered.size(), 1U);
  EXPECT_LE(unanswered.size(), 64U + 16U) << "at most a window and a queue were in flight";
  EXPECT_EQ(acks.back()["status"], "accepted") << "the rest went on the new connection";

  // Every line printed accepted is journaled; resent, the unanswered ones get in too.
  auto resend = coexist(
      dir, {"send", "--endpoint", ingest, write_lines(dir, "again.jsonl", unanswered).string()});
  EXPECT_EQ(resend.exit_code, 0) << resend.err;
  auto verify = coexist(
      dir, {"journal", "verify", "--output", "json", "--journal", router.journal_dir().string()});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], kLines);
  EXPECT_EQ(router.stop(), 0);
}

}  // namespace
}  // namespace coexist::test
