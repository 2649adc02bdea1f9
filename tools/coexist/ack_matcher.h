#pragma once

// Which input line of `coexist send` an ack from the router answers.
//
// The router answers one client's requests in the order they arrived, so the next ack answers
// the oldest line in flight, as long as the connection holds. When it breaks (the router
// restarted, or dropped a frame over ZMQ_MAXMSGSIZE), the requests it carried are lost, libzmq
// reconnects and sends the rest, and from then on the next ack answers a later line. Labelling
// it with the oldest line would report a line that was never journaled as accepted.
//
// So every request carries its line number as a request id, in the envelope ZeroMQ's REQ
// sockets use ([request id][empty][payload]), which the router sends back with the ack
// (router/zmq_envelope.h). An ack is matched to its line exactly; the older lines in flight it
// passes over were lost. (Matching by the source and id an ack names is not enough: two lines
// may carry the same ones, a transaction and its corrected resubmission.)

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/transaction_parser.h"

namespace coexist::cli {

// (source, id): what an ack names, per transaction.
using AckIdentity = std::pair<std::string, std::string>;

struct ExpectedAck {
  std::size_t line = 0;  // in the input, from 1, blank lines counted; also the request id
  bool is_array = false;
  // Per transaction, as the router will name them ("" where the element has none); empty when
  // the router refuses the request as a whole. For the ack printed when none comes.
  std::vector<AckIdentity> identities;
  // Set for a line answered here without sending it (see expect_line): the ack to print.
  std::optional<std::string> local_ack;
};

class AckMatcher {
 public:
  // Reads `text`, input line `line`, as the router will, and queues what its ack will name.
  // A line over the request limit is not sent: the router could only refuse it `too_large`,
  // and one over ZMQ_MAXMSGSIZE would cost the connection and every request in flight on it.
  // Such a line gets `local_ack`, the very ack the router would give. Returns the queued entry.
  const ExpectedAck& expect_line(std::string_view text, std::size_t line);

  // The newest line was not sent after all: no ack will come for it.
  void withdraw_newest() { in_flight_.pop_back(); }

  [[nodiscard]] bool empty() const { return in_flight_.empty(); }
  [[nodiscard]] std::size_t size() const { return in_flight_.size(); }
  [[nodiscard]] const ExpectedAck& oldest() const { return in_flight_.front(); }
  ExpectedAck take_oldest();

  struct Match {
    // The older lines in flight it passed over: lost, but for those answered here (local_ack).
    std::vector<ExpectedAck> passed_over;
    ExpectedAck answered;
  };
  // The line in flight with this number, and the older ones still in flight; nullopt when no
  // such line is in flight (nothing is taken then).
  std::optional<Match> match(std::size_t line);

 private:
  TransactionParser parser_;
  ParsedRequest parsed_;
  std::deque<ExpectedAck> in_flight_;
};

}  // namespace coexist::cli
