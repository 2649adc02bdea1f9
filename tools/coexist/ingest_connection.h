#pragma once

// `coexist send`'s connection to the router's ingest socket: a DEALER whose requests carry a
// request id (the input line number) in REQ's envelope, and a monitor that tells when the TCP
// connection under it breaks.
//
// A broken connection loses every request written to it, and the router cannot answer them on
// a new one: left alone, the DEALER reconnects, and send would wait out its timeout for answers
// that cannot come (with a full window, nothing new is sent meanwhile). So next() reports the
// break, after the replies that had already arrived, and reconnect() replaces the socket: the
// requests still queued in the old one go with it, and their lines are reported unanswered
// rather than sent late, out of order.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

namespace coexist::cli {

class IngestConnection {
 public:
  struct Reply {
    std::optional<std::size_t> line;  // the request id it came back with, if any
    std::string text;                 // the ack
  };
  enum class Outcome { reply, broken, timed_out };
  struct Event {
    Outcome outcome = Outcome::timed_out;
    Reply reply;  // for Outcome::reply
  };

  // Queued requests per connection beyond the window, and how long a send or a reply may take.
  IngestConnection(std::string endpoint, int send_queue, std::chrono::milliseconds timeout);
  ~IngestConnection();
  IngestConnection(const IngestConnection&) = delete;
  IngestConnection& operator=(const IngestConnection&) = delete;

  // Connects (libzmq connects in the background); an error message for a bad endpoint.
  [[nodiscard]] std::optional<std::string> connect();
  // Queues one request; false when it could not be queued within the timeout (no router).
  [[nodiscard]] bool send(std::size_t line, const std::string& request);
  // The next reply, or the break of the connection once every reply that arrived before it has
  // been taken, or nothing within the timeout.
  [[nodiscard]] Event next();
  // After a break: a new socket on the same endpoint (the old one and its queue are dropped).
  [[nodiscard]] std::optional<std::string> reconnect();

 private:
  std::optional<Reply> take_reply(zmq::recv_flags flags);
  bool connection_broke();

  std::string endpoint_;
  int send_queue_;
  std::chrono::milliseconds timeout_;
  zmq::context_t context_{1};
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<zmq::socket_t> monitor_;
  int generation_ = 0;  // names each socket's monitor endpoint
};

}  // namespace coexist::cli
