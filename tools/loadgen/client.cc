#include "tools/loadgen/client.h"

namespace coexist::loadgen {

using Clock = std::chrono::steady_clock;

Client::Client(zmq::context_t& context, const Options& options, const ClientPlan& plan,
               AckLog* ack_log)
    : context_(context), options_(options), plan_(plan), ack_log_(ack_log) {}

Status Client::connect() {
  try {
    socket_ = zmq::socket_t(context_, zmq::socket_type::dealer);
    // The window bounds what is queued; a little slack keeps libzmq from ever blocking a send.
    int queue_max = static_cast<int>(options_.window) + 16;
    socket_.set(zmq::sockopt::sndhwm, queue_max);
    socket_.set(zmq::sockopt::rcvhwm, queue_max);
    socket_.set(zmq::sockopt::rcvtimeo, static_cast<int>(options_.timeout_ms));
    socket_.set(zmq::sockopt::linger, 0);  // at exit, unanswered requests are abandoned
    socket_.connect(options_.endpoint);
  } catch (const zmq::error_t& error) {
    return Status::error(Status::Code::invalid_argument,
                         "cannot connect to " + options_.endpoint + ": " + error.what());
  }
  return Status::ok();
}

void Client::send(std::uint32_t frame) {
  const std::string& payload = plan_.frames[frame];
  (void)socket_.send(zmq::buffer(payload), zmq::send_flags::none);  // blocking: never false
}

bool Client::take_reply(const zmq::message_t& reply, ClientResult& result) {
  if (reply.more()) {  // a reply is one frame: drop the rest (already here) and count it unreadable
    zmq::message_t rest;
    do {
      (void)socket_.recv(rest, zmq::recv_flags::none);
    } while (rest.more());
    ++result.unreadable_replies;
    ++result.counts.error;
    return true;
  }
  lines_.clear();
  std::optional<std::size_t> acks =
      reader_.read(reply.to_string_view(), result.counts, ack_log_ != nullptr ? &lines_ : nullptr);
  if (!acks) {
    ++result.unreadable_replies;
    ++result.counts.error;
    return true;
  }
  if (ack_log_ == nullptr) return true;
  Status status = ack_log_->append(lines_);
  if (!status.is_ok()) result.failure = status.message();
  return status.is_ok();
}

ClientResult Client::run() {
  ClientResult result;
  const std::vector<std::uint32_t>& order = plan_.send_order;
  result.latencies_ns.reserve(order.size());
  // Send times of the requests in flight, oldest first, as a ring of `window` slots.
  std::vector<Clock::time_point> sent_at(options_.window);
  std::size_t oldest = 0;
  std::size_t in_flight = 0;
  std::size_t next = 0;
  Clock::time_point last_reply = Clock::now();
  try {
    while (next < order.size() || in_flight > 0) {
      while (in_flight < options_.window && next < order.size()) {
        sent_at[(oldest + in_flight) % sent_at.size()] = Clock::now();
        send(order[next++]);
        ++in_flight;
      }
      // Block for one reply, then take every reply already here before sending again: the
      // router answers a whole batch at once, and one wake-up per burst instead of per reply
      // keeps the load generator's own CPU share (it shares the cores with the router) down.
      bool stop = false;
      for (auto flags = zmq::recv_flags::none; in_flight > 0; flags = zmq::recv_flags::dontwait) {
        zmq::message_t reply;
        if (!socket_.recv(reply, flags)) {
          if (flags == zmq::recv_flags::none) {  // rcvtimeo elapsed
            result.timed_out = true;
            stop = true;
          }
          break;
        }
        last_reply = Clock::now();
        result.latencies_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(last_reply - sent_at[oldest])
                .count());
        oldest = (oldest + 1) % sent_at.size();
        --in_flight;
        if (!take_reply(reply, result)) {
          stop = true;
          break;
        }
      }
      if (stop) break;
    }
  } catch (const zmq::error_t& error) {
    result.failure = std::string("socket error: ") + error.what();
  }
  result.unanswered_requests = order.size() - result.latencies_ns.size();
  // The wait that ended in a timeout is not load the router carried: leave it out of elapsed_s.
  result.finished = result.timed_out ? last_reply : Clock::now();
  return result;
}

}  // namespace coexist::loadgen
