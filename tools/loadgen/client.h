#pragma once

// One load client: a DEALER socket that keeps `window` requests in flight, sends its planned
// frames in order and times each request from send to reply. The router answers one client's
// requests in the order they were sent, so the oldest outstanding request is the one a reply
// belongs to. A client never blocks: one polling thread drives every client (run_load), so the
// load generator costs the cores it shares with the router as little as it can.

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

using Clock = std::chrono::steady_clock;

struct ClientResult {
  StatusCounts counts;
  std::vector<std::int64_t> latencies_ns;  // one per answered request, send → reply
  std::uint64_t unanswered_requests = 0;
  std::uint64_t unreadable_replies = 0;  // not an ack or an array of acks (counted as error)
  bool timed_out = false;
  std::string failure;  // why the client stopped early other than a timeout; empty if it did not
  Clock::time_point finished;
};

class Client {
 public:
  Client(zmq::context_t& context, const Options& options, const ClientPlan& plan, AckLog* ack_log);

  // Creates the socket and starts connecting: done before the clock starts.
  [[nodiscard]] Status connect();
  [[nodiscard]] zmq::socket_t& socket() { return socket_; }

  // Starts the client's clock (the timeout counts from here) and fills its window.
  void start(Clock::time_point now);
  // Sends planned requests until the window is full or the plan is sent.
  void fill_window();
  // Takes every reply that has arrived, without waiting.
  void take_replies();
  // Ends the run: by now without a reply for timeout_ms (`timed_out`), or because it is done.
  void finish(bool timed_out);

  // Every request answered, or stopped by a failure: nothing more to poll for.
  [[nodiscard]] bool done() const;
  [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
  // A send was refused (not connected yet): poll for writability before filling the window.
  [[nodiscard]] bool send_blocked() const { return send_blocked_; }
  [[nodiscard]] Clock::time_point last_reply() const { return last_reply_; }
  [[nodiscard]] ClientResult& result() { return result_; }

 private:
  // Counts one reply's acks and logs them; false when the ack log failed (result.failure set).
  [[nodiscard]] bool take_reply(const zmq::message_t& reply);
  void fail(std::string why);

  zmq::context_t& context_;
  const Options& options_;
  const ClientPlan& plan_;
  AckLog* ack_log_;  // null without --acks-out
  zmq::socket_t socket_;
  ReplyReader reader_;
  std::string lines_;  // reused buffer for one reply's ack lines
  ClientResult result_;
  // Send times of the requests in flight, oldest first, as a ring of `window` slots.
  std::vector<Clock::time_point> sent_at_;
  std::size_t oldest_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t next_ = 0;  // index into plan_.send_order
  bool send_blocked_ = false;
  Clock::time_point last_reply_{};
};

}  // namespace coexist::loadgen
