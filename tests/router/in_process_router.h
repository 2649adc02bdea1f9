#pragma once

// A router's network thread run in-process for tests: IngestServer (and, when asked, its
// AdminService) on a journal opened with the test's options, a DEALER client on each socket, and
// the thread stopped and joined on destruction.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "router/admin_service.h"
#include "router/ingest_server.h"
#include "router/rules_state.h"

namespace coexist::test {

// A small valid transaction (DE01 invoice, 5.00 EUR) with this id.
inline std::string transaction(const std::string& id) {
  return R"({"id":")" + id + R"(","source":"billing","entity":"DE01","type":"invoice",)"
         R"("posting_date":"2026-11-25","currency":"EUR","lines":[{"account":"1200",)"
         R"("debit":"5.00"},{"account":"4000","credit":"5.00"}]})";
}

struct InProcessRouter {
  // Opens the journal, binds the sockets on free loopback ports, starts the thread and connects
  // the clients (which wait up to `reply_timeout_ms` for a reply); false after a failure.
  [[nodiscard]] bool start(const journal::OpenOptions& options, bool with_admin,
                           int reply_timeout_ms) {
    auto opened = journal::Journal::open(options);
    if (!opened.is_ok()) return false;
    journal = std::move(opened.value());
    rules_state = std::move(router::RulesState::load(*journal).value());
    if (with_admin) {
      admin = std::make_unique<router::AdminService>(context, *journal, *rules_state, clock,
                                                     "tcp://127.0.0.1:*");
    }
    server = std::make_unique<router::IngestServer>(
        context, *journal, *rules_state, admin.get(), metrics, clock,
        ingest_options);
    if (!server->bind().is_ok() || (admin && !admin->bind().is_ok())) return false;
    thread = std::thread([this] { server->run(stop); });
    for (zmq::socket_t* socket : {&client, &admin_client}) {
      socket->set(zmq::sockopt::linger, 0);
      socket->set(zmq::sockopt::rcvtimeo, reply_timeout_ms);
    }
    client.connect(server->endpoint());
    if (admin) admin_client.connect(admin->endpoint());
    return true;
  }

  ~InProcessRouter() {
    stop.store(true);
    if (thread.joinable()) thread.join();
  }

  // Sends one frame on `socket` and returns the parsed reply.
  static nlohmann::json exchange(zmq::socket_t& socket, const std::string& frame) {
    (void)socket.send(zmq::buffer(frame), zmq::send_flags::none);
    zmq::message_t reply;
    EXPECT_TRUE(socket.recv(reply, zmq::recv_flags::none));
    return nlohmann::json::parse(reply.to_string());
  }

  router::IngestOptions ingest_options{"tcp://127.0.0.1:*", 1000};  // set before start()
  std::atomic<bool> stop{false};
  std::unique_ptr<journal::Journal> journal;
  std::unique_ptr<router::RulesState> rules_state;
  router::Metrics metrics;
  router::SystemClock clock;
  zmq::context_t context{1};
  std::unique_ptr<router::AdminService> admin;  // with_admin only
  std::unique_ptr<router::IngestServer> server;
  std::thread thread;
  zmq::socket_t client{context, zmq::socket_type::dealer};
  zmq::socket_t admin_client{context, zmq::socket_type::dealer};
};

}  // namespace coexist::test
