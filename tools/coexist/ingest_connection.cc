#include "tools/coexist/ingest_connection.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

namespace coexist::cli {

IngestConnection::IngestConnection(std::string endpoint, int send_queue,
                                   std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), send_queue_(send_queue), timeout_(timeout) {}

IngestConnection::~IngestConnection() = default;

std::optional<std::string> IngestConnection::connect() {
  auto socket = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  socket->set(zmq::sockopt::linger, 0);  // requests not sent when we close: reported unanswered
  // The window bounds what is queued, so a send is refused only while no router is connected:
  // it then gives up after the timeout like a missing ack does, instead of blocking forever.
  socket->set(zmq::sockopt::sndhwm, send_queue_);
  socket->set(zmq::sockopt::sndtimeo, static_cast<int>(timeout_.count()));
  const std::string monitor_endpoint =
      "inproc://coexist-send-monitor-" + std::to_string(++generation_);
  try {
    socket->connect(endpoint_);
    if (zmq_socket_monitor(socket->handle(), monitor_endpoint.c_str(), ZMQ_EVENT_DISCONNECTED) !=
        0) {
      return "cannot watch the connection to " + endpoint_ + ": " + zmq_strerror(zmq_errno());
    }
    auto monitor = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::pair);
    monitor->set(zmq::sockopt::linger, 0);
    monitor->connect(monitor_endpoint);
    monitor_ = std::move(monitor);
  } catch (const zmq::error_t& error) {
    return "bad endpoint " + endpoint_ + ": " + error.what();
  }
  socket_ = std::move(socket);
  return std::nullopt;
}

std::optional<std::string> IngestConnection::reconnect() {
  // The monitor first: its endpoint goes with the socket it watches.
  monitor_.reset();
  socket_.reset();
  return connect();
}

bool IngestConnection::send(std::size_t line, const std::string& request) {
  const std::string request_id = std::to_string(line);
  return socket_->send(zmq::buffer(request_id), zmq::send_flags::sndmore) &&
         socket_->send(zmq::message_t(), zmq::send_flags::sndmore) &&
         socket_->send(zmq::buffer(request), zmq::send_flags::none);
}

std::optional<IngestConnection::Reply> IngestConnection::take_reply(zmq::recv_flags flags) {
  std::vector<zmq::message_t> frames;
  do {
    zmq::message_t frame;
    if (!socket_->recv(frame, flags)) {
      if (frames.empty()) return std::nullopt;
      break;  // the rest of a multipart is always there; defensive only
    }
    frames.push_back(std::move(frame));
    flags = zmq::recv_flags::none;
  } while (frames.back().more());
  Reply reply;
  reply.text = frames.back().to_string();
  if (frames.size() == 3 && frames[1].size() == 0) {
    const std::string_view id = frames[0].to_string_view();
    std::size_t line = 0;
    auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), line);
    if (error == std::errc{} && end == id.data() + id.size()) reply.line = line;
  }
  return reply;
}

// Whether the monitor has reported a disconnection (its events: [u16 event, u32 value][address]).
bool IngestConnection::connection_broke() {
  bool broke = false;
  for (;;) {
    zmq::message_t event;
    if (!monitor_->recv(event, zmq::recv_flags::dontwait)) return broke;
    std::uint16_t number = 0;
    if (event.size() >= sizeof number) std::memcpy(&number, event.data(), sizeof number);
    broke = broke || number == ZMQ_EVENT_DISCONNECTED;
    while (event.more()) (void)monitor_->recv(event, zmq::recv_flags::none);
  }
}

IngestConnection::Event IngestConnection::next() {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    // Replies that arrived before a break are answers all the same: they go first.
    if (auto reply = take_reply(zmq::recv_flags::dontwait)) return {Outcome::reply, *reply};
    if (connection_broke()) return {Outcome::broken, {}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {Outcome::timed_out, {}};
    zmq::pollitem_t items[] = {{socket_->handle(), 0, ZMQ_POLLIN, 0},
                               {monitor_->handle(), 0, ZMQ_POLLIN, 0}};
    (void)zmq::poll(items, 2, left);
  }
}

}  // namespace coexist::cli
