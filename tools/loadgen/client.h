#pragma once

// One load client: a DEALER socket that keeps `window` requests in flight, sends its planned
// frames in order and times each request from send to reply. The router answers one client's
// requests in the order they were sent, so the oldest outstanding request is the one a reply
// belongs to. Runs on its own thread; shares only the ZeroMQ context and the ack log.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "model/status.h"
#include "tools/loadgen/ack_log.h"
#include "tools/loadgen/options.h"
#include "tools/loadgen/reply_reader.h"
#include "tools/loadgen/request_plan.h"

namespace coexist::loadgen {

struct ClientResult {
  StatusCounts counts;
  std::vector<std::int64_t> latencies_ns;  // one per answered request, send → reply
  std::uint64_t unanswered_requests = 0;
  std::uint64_t unreadable_replies = 0;  // not an ack or an array of acks (counted as error)
  bool timed_out = false;
  std::string failure;  // why the client stopped early other than a timeout; empty if it did not
  std::chrono::steady_clock::time_point finished;
};

class Client {
 public:
  Client(zmq::context_t& context, const Options& options, const ClientPlan& plan, AckLog* ack_log);

  // Creates the socket and starts connecting: done before the clock starts.
  [[nodiscard]] Status connect();

  // Sends every planned request and waits for every reply, or stops when none arrives for
  // timeout_ms. Never throws.
  [[nodiscard]] ClientResult run();

 private:
  void send(std::uint32_t frame);
  // Counts one reply's acks and logs them; false when the ack log failed (result.failure set).
  [[nodiscard]] bool take_reply(const zmq::message_t& reply, ClientResult& result);

  zmq::context_t& context_;
  const Options& options_;
  const ClientPlan& plan_;
  AckLog* ack_log_;  // null without --acks-out
  zmq::socket_t socket_;
  ReplyReader reader_;
  std::string lines_;  // reused buffer for one reply's ack lines
};

}  // namespace coexist::loadgen
