// coexist-zmq-echo-ceiling: the messaging ceiling the router's ingest throughput is compared with.
//
// A ROUTER socket with the ingest server's queue options (ROUTER_MANDATORY and the same high-water
// marks; no linger, no message size cap) that answers every request at once with a
// fixed, ack-shaped reply ({"status":"accepted",…}, about the size of a real ack). Nothing is
// parsed, validated, hashed or journaled: what coexist-loadgen measures against it is what
// ZeroMQ over loopback TCP and the load generator cost on this machine, for the same clients ×
// window. Whatever a router does per transaction comes on top of that, on the same cores.
//
// --drain answers like the router's group commit does: it receives every request that has
// arrived, then sends all their replies, so replies leave in bursts instead of one by one.
//
// Prints its endpoint as one JSON line once bound ({"endpoint": "tcp://127.0.0.1:PORT"}), then
// serves until SIGTERM or SIGINT and prints {"requests": N}. Exit: 0 stopped, 2 usage error.

#include <signal.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace {

namespace po = boost::program_options;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kReceiveHighWaterMark = 1000;  // as router/ingest_server.cc
constexpr int kSendHighWaterMark = 100000;
constexpr int kPollIntervalMs = 50;  // how often a stop signal is looked at

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int /*signal*/) { g_stop.store(true); }

// The size and shape of a real accepted ack.
const std::string kReply =
    R"({"status":"accepted","id":"LG-1-123456","source":"billing","seq":123456,)"
    R"("route":"legacy","rule":"default","rules_version":0})";

struct Request {
  std::vector<zmq::message_t> envelope;  // routing id (+ empty delimiter from REQ peers)
};

// Receives one whole request; false when none is waiting (or a signal interrupted the wait).
bool receive(zmq::socket_t& socket, Request& request) {
  request.envelope.clear();
  try {
    zmq::message_t frame;
    if (!socket.recv(frame, zmq::recv_flags::dontwait)) return false;
    while (frame.more()) {
      request.envelope.push_back(std::move(frame));
      frame = zmq::message_t();
      (void)socket.recv(frame, zmq::recv_flags::none);  // the rest of a multipart is here
    }
  } catch (const zmq::error_t&) {
    return false;  // EINTR: the stop flag is looked at next
  }
  return true;  // the last frame is the payload, dropped unread
}

// Answers `request`; a client that has gone (EHOSTUNREACH under ROUTER_MANDATORY) or is not
// reading is skipped, as the router drops such replies.
void reply(zmq::socket_t& socket, Request& request) {
  try {
    for (zmq::message_t& frame : request.envelope) {
      if (!socket.send(frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    }
    (void)socket.send(zmq::buffer(kReply), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
  }
}

std::uint64_t serve(zmq::socket_t& socket, bool drain) {
  std::uint64_t requests = 0;
  std::vector<Request> waiting;
  Request request;
  while (!g_stop.load()) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(kPollIntervalMs));
    } catch (const zmq::error_t&) {
      continue;  // EINTR: the stop flag is looked at next
    }
    if (!drain) {
      while (receive(socket, request)) {
        reply(socket, request);
        ++requests;
      }
      continue;
    }
    std::size_t count = 0;
    for (;; ++count) {
      if (count == waiting.size()) waiting.emplace_back();
      if (!receive(socket, waiting[count])) break;
    }
    for (std::size_t i = 0; i < count; ++i) reply(socket, waiting[i]);
    requests += count;
  }
  return requests;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bind_endpoint;
  bool drain = false;
  po::options_description options("usage: coexist-zmq-echo-ceiling [options]");
  options.add_options()("help,h", "this help")(
      "bind", po::value(&bind_endpoint)->default_value("tcp://127.0.0.1:*"),
      "endpoint to bind (a free loopback port by default)")(
      "drain", po::bool_switch(&drain),
      "receive every waiting request before replying to them, as group commit does");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, options), values);
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "coexist-zmq-echo-ceiling: " << error.what() << "\n" << options;
    return kExitUsage;
  }
  if (values.count("help") != 0) {
    std::cout << options;
    return kExitOk;
  }
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::router);
  socket.set(zmq::sockopt::router_mandatory, 1);
  socket.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
  socket.set(zmq::sockopt::sndhwm, kSendHighWaterMark);
  socket.set(zmq::sockopt::linger, 0);
  try {
    socket.bind(bind_endpoint);
  } catch (const zmq::error_t& error) {
    std::cerr << "coexist-zmq-echo-ceiling: cannot bind " << bind_endpoint << ": " << error.what()
              << "\n";
    return kExitUsage;
  }
  std::cout << nlohmann::json{{"endpoint", socket.get(zmq::sockopt::last_endpoint)}}.dump()
            << std::endl;
  std::uint64_t requests = serve(socket, drain);
  std::cout << nlohmann::json{{"requests", requests}}.dump() << std::endl;
  return kExitOk;
}
