// The reply envelope by ZeroMQ's convention: frames up to the first empty one go back with the
// reply, so clients behind a proxy and REQ clients correlating their requests get their answer.

#include "router/zmq_envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/router/in_process_router.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

std::vector<zmq::message_t> frames_of(const std::vector<std::string>& texts) {
  std::vector<zmq::message_t> frames;
  for (const std::string& text : texts) frames.emplace_back(text.data(), text.size());
  return frames;
}

TEST(EnvelopeFramesTest, EverythingUpToTheFirstEmptyFrameFollowedByAPayload) {
  using router::envelope_frames;
  EXPECT_EQ(envelope_frames(frames_of({"id", "payload"})), 1U) << "a DEALER's plain request";
  EXPECT_EQ(envelope_frames(frames_of({"id", "", "payload"})), 2U) << "REQ";
  EXPECT_EQ(envelope_frames(frames_of({"proxy", "client", "", "payload"})), 3U) << "via a proxy";
  EXPECT_EQ(envelope_frames(frames_of({"id", "a", "b", "", "payload"})), 4U) << "two hops";
  EXPECT_EQ(envelope_frames(frames_of({"id", ""})), 1U) << "a DEALER's empty request";
  EXPECT_EQ(envelope_frames(frames_of({"id", "", ""})), 2U) << "REQ's empty request";
  EXPECT_EQ(envelope_frames(frames_of({"id", "payload", ""})), 1U) << "no frame after it";
  EXPECT_EQ(envelope_frames(frames_of({"id", "x", "y"})), 1U) << "multi-frame garbage";
}

// A router (ingest and admin) in-process, each socket reachable through a standard zmq_proxy:
// a ROUTER front for clients, a DEALER back connected to the router's socket.
class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::OpenOptions options;
    options.path = dir_.path();
    ASSERT_TRUE(router_.start(options, true, 10000));
    ingest_proxy_front_ = start_proxy(router_.server->endpoint(), ingest_proxy_);
    admin_proxy_front_ = start_proxy(router_.admin->endpoint(), admin_proxy_);
  }

  void TearDown() override {
    for (Proxy* proxy : {&ingest_proxy_, &admin_proxy_}) {
      if (!proxy->thread.joinable()) continue;
      (void)proxy->control.send(zmq::str_buffer("TERMINATE"), zmq::send_flags::none);
      proxy->thread.join();
    }
  }

  struct Proxy {
    std::string control_endpoint;
    zmq::socket_t control;
    std::thread thread;
  };

  // Starts a proxy in front of `backend_endpoint`; returns the endpoint clients connect to.
  std::string start_proxy(const std::string& backend_endpoint, Proxy& proxy) {
    static int proxies = 0;
    proxy.control_endpoint = "inproc://proxy-control-" + std::to_string(++proxies);
    auto front = std::make_shared<zmq::socket_t>(router_.context, zmq::socket_type::router);
    auto back = std::make_shared<zmq::socket_t>(router_.context, zmq::socket_type::dealer);
    auto control = std::make_shared<zmq::socket_t>(router_.context, zmq::socket_type::pair);
    front->set(zmq::sockopt::linger, 0);
    back->set(zmq::sockopt::linger, 0);
    front->bind("tcp://127.0.0.1:*");
    std::string front_endpoint = front->get(zmq::sockopt::last_endpoint);
    back->connect(backend_endpoint);
    control->bind(proxy.control_endpoint);
    proxy.control = zmq::socket_t(router_.context, zmq::socket_type::pair);
    proxy.control.connect(proxy.control_endpoint);
    proxy.thread = std::thread([front, back, control] {
      zmq::proxy_steerable(*front, *back, zmq::socket_ref(), *control);
    });
    return front_endpoint;
  }

  zmq::socket_t connected(zmq::socket_type type, const std::string& endpoint) {
    zmq::socket_t socket(router_.context, type);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 10000);
    socket.connect(endpoint);
    return socket;
  }

  static nlohmann::json exchange(zmq::socket_t& socket, const std::string& request) {
    (void)socket.send(zmq::buffer(request), zmq::send_flags::none);
    zmq::message_t reply;
    if (!socket.recv(reply, zmq::recv_flags::none)) return "no reply";
    return nlohmann::json::parse(reply.to_string());
  }

  TempDir dir_;
  InProcessRouter router_;
  Proxy ingest_proxy_;
  Proxy admin_proxy_;
  std::string ingest_proxy_front_;
  std::string admin_proxy_front_;
};

TEST_F(EnvelopeTest, AReqClientBehindAProxyGetsItsAck) {
  zmq::socket_t client = connected(zmq::socket_type::req, ingest_proxy_front_);
  nlohmann::json ack = exchange(client, transaction("P1"));
  EXPECT_EQ(ack.value("status", ""), "accepted") << ack.dump();
  ack = exchange(client, transaction("P1"));
  EXPECT_EQ(ack.value("status", ""), "duplicate") << ack.dump();
}

TEST_F(EnvelopeTest, ADealerBehindAProxySendingTheDelimiterGetsItsAckAfterIt) {
  zmq::socket_t client = connected(zmq::socket_type::dealer, ingest_proxy_front_);
  (void)client.send(zmq::message_t(), zmq::send_flags::sndmore);
  (void)client.send(zmq::buffer(transaction("P2")), zmq::send_flags::none);
  zmq::message_t delimiter;
  ASSERT_TRUE(client.recv(delimiter, zmq::recv_flags::none));
  EXPECT_EQ(delimiter.size(), 0U);
  ASSERT_TRUE(delimiter.more());
  zmq::message_t reply;
  ASSERT_TRUE(client.recv(reply, zmq::recv_flags::none));
  EXPECT_EQ(nlohmann::json::parse(reply.to_string())["status"], "accepted") << reply.to_string();
}

TEST_F(EnvelopeTest, AReqClientCorrelatingItsRequestsGetsEveryAck) {
  // ZMQ_REQ_CORRELATE puts a request id frame ahead of the delimiter; a reply without it is
  // dropped by the REQ socket.
  zmq::socket_t client(router_.context, zmq::socket_type::req);
  client.set(zmq::sockopt::linger, 0);
  client.set(zmq::sockopt::rcvtimeo, 10000);
  client.set(zmq::sockopt::req_correlate, 1);
  client.set(zmq::sockopt::req_relaxed, 1);
  client.connect(router_.server->endpoint());
  EXPECT_EQ(exchange(client, transaction("C1")).value("status", ""), "accepted");
  EXPECT_EQ(exchange(client, transaction("C2")).value("status", ""), "accepted");
}

TEST_F(EnvelopeTest, AnAdminClientBehindAProxyGetsItsAnswer) {
  zmq::socket_t client = connected(zmq::socket_type::req, admin_proxy_front_);
  nlohmann::json answer = exchange(client, R"({"op":"rules.active"})");
  EXPECT_EQ(answer.value("status", ""), "ok") << answer.dump();
}

TEST_F(EnvelopeTest, ADirectDealerIsStillAnsweredInOneFrame) {
  nlohmann::json ack = InProcessRouter::exchange(router_.client, transaction("D1"));
  EXPECT_EQ(ack.value("status", ""), "accepted") << ack.dump();
}

}  // namespace
}  // namespace coexist::test
