#include "tools/loadgen/client.h"

namespace coexist::loadgen {

Client::Client(zmq::context_t& context, const Options& options, const ClientPlan& plan,
               AckLog* ack_log)
    : context_(context),
      options_(options),
      plan_(plan),
      ack_log_(ack_log),
      sent_at_(options.window) {
  result_.latencies_ns.reserve(plan.send_order.size());
}

Status Client::connect() {
  try {
    socket_ = zmq::socket_t(context_, zmq::socket_type::dealer);
    // The window bounds what is queued; a little slack keeps libzmq from ever refusing a send.
    int queue_max = static_cast<int>(options_.window) + 16;
    socket_.set(zmq::sockopt::sndhwm, queue_max);
    socket_.set(zmq::sockopt::rcvhwm, queue_max);
    socket_.set(zmq::sockopt::linger, 0);  // at exit, unanswered requests are abandoned
    socket_.connect(options_.endpoint);
  } catch (const zmq::error_t& error) {
    return Status::error(Status::Code::invalid_argument,
                         "cannot connect to " + options_.endpoint + ": " + error.what());
  }
  return Status::ok();
}

bool Client::done() const {
  return !result_.failure.empty() || (next_ == plan_.send_order.size() && in_flight_ == 0);
}

void Client::fail(std::string why) {
  if (result_.failure.empty()) result_.failure = std::move(why);
}

void Client::start(Clock::time_point now) {
  last_reply_ = now;
  result_.finished = now;
  fill_window();
}

void Client::fill_window() {
  const std::vector<std::uint32_t>& order = plan_.send_order;
  try {
    while (result_.failure.empty() && in_flight_ < options_.window && next_ < order.size()) {
      const std::string& payload = plan_.frames[order[next_]];
      sent_at_[(oldest_ + in_flight_) % sent_at_.size()] = Clock::now();
      // Refused only while the connection is not up yet (the high-water mark exceeds the
      // window): poll for writability and try again then.
      send_blocked_ = !socket_.send(zmq::buffer(payload), zmq::send_flags::dontwait);
      if (send_blocked_) return;
      ++next_;
      ++in_flight_;
    }
  } catch (const zmq::error_t& error) {
    fail(std::string("socket error: ") + error.what());
  }
}

void Client::take_replies() {
  try {
    while (in_flight_ > 0 && result_.failure.empty()) {
      zmq::message_t reply;
      if (!socket_.recv(reply, zmq::recv_flags::dontwait)) return;
      last_reply_ = Clock::now();
      result_.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(last_reply_ - sent_at_[oldest_])
              .count());
      oldest_ = (oldest_ + 1) % sent_at_.size();
      --in_flight_;
      if (!take_reply(reply)) return;
    }
  } catch (const zmq::error_t& error) {
    fail(std::string("socket error: ") + error.what());
  }
}

bool Client::take_reply(const zmq::message_t& reply) {
  if (reply.more()) {  // a reply is one frame: drop the rest (already here) and count it unreadable
    zmq::message_t rest;
    do {
      (void)socket_.recv(rest, zmq::recv_flags::none);
    } while (rest.more());
    ++result_.unreadable_replies;
    ++result_.counts.error;
    return true;
  }
  lines_.clear();
  std::optional<std::size_t> acks =
      reader_.read(reply.to_string_view(), result_.counts, ack_log_ != nullptr ? &lines_ : nullptr);
  if (!acks) {
    ++result_.unreadable_replies;
    ++result_.counts.error;
    return true;
  }
  if (ack_log_ == nullptr) return true;
  Status status = ack_log_->append(lines_);
  if (!status.is_ok()) fail(status.message());
  return status.is_ok();
}

void Client::finish(bool timed_out) {
  result_.timed_out = timed_out;
  result_.unanswered_requests = plan_.send_order.size() - result_.latencies_ns.size();
  // The wait that ended in a timeout is not load the router carried: leave it out of elapsed_s.
  result_.finished = timed_out ? last_reply_ : Clock::now();
}

}  // namespace coexist::loadgen
