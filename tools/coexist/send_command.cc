// coexist send: submits JSON lines to the router's ingest socket, pipelined, and prints one ack
// line per input line, in input order (the router answers a client in arrival order). Each ack
// printed gains "line": the input line it answers, counted from 1 with blank lines included, so a
// script can match an ack without an id (malformed JSON) to the line that caused it.

#include <deque>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

struct SendTally {
  std::size_t rejected = 0;
  std::size_t retryable = 0;
};

void print_ack(const std::string& reply, std::size_t line_number, bool as_json, SendTally& tally) {
  // ordered_json keeps the router's key order: the printed ack reads like the one on the wire.
  nlohmann::ordered_json ack = nlohmann::ordered_json::parse(reply, nullptr, false);
  if (ack.is_discarded()) {
    std::cout << reply << "\n";  // not JSON: shown as received rather than hidden
    return;
  }
  auto annotate = [&](nlohmann::ordered_json& one) {
    if (!one.is_object()) return;
    std::string status = one.value("status", "");
    if (status == "rejected") ++tally.rejected;
    if (status == "error") ++tally.retryable;
    one["line"] = line_number;
  };
  if (ack.is_array()) {
    for (auto& element : ack) annotate(element);
  } else {
    annotate(ack);
  }
  if (as_json) {
    std::cout << ack.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return;
  }
  auto print_one = [](const nlohmann::ordered_json& one) {
    std::cout << one.value("line", 0) << "\t" << one.value("status", "?") << "\t"
              << one.value("source", "") << "/" << one.value("id", "");
    if (one.contains("seq")) std::cout << "\tseq=" << one["seq"];
    if (one.contains("route")) {
      std::cout << "\troute=" << one.value("route", "") << " (rule \"" << one.value("rule", "")
                << "\" v" << one.value("rules_version", 0) << ")";
    }
    if (one.contains("error")) {
      std::cout << "\t" << one["error"].value("code", "") << " " << one["error"].value("path", "")
                << ": " << one["error"].value("message", "");
    }
    std::cout << "\n";
  };
  if (ack.is_array()) {
    for (const auto& element : ack) print_one(element);
  } else {
    print_one(ack);
  }
}

// The next non-blank line and its number in the input (blank lines are skipped but counted).
bool next_line(std::istream& in, std::string& line, std::size_t& line_number) {
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

int run_send(const Arguments& arguments) {
  po::options_description options("send options");
  options.add_options()("endpoint", po::value<std::string>()->default_value("tcp://127.0.0.1:5570"),
                        "router ingest endpoint")(
      "window", po::value<unsigned>()->default_value(64), "requests in flight (1..10000)")(
      "timeout-ms", po::value<unsigned>()->default_value(10000),
      "give up (exit 3) when no ack arrives for this long")(
      "output", po::value<std::string>()->default_value("json"), "json (the acks) | table")(
      "file", po::value<std::string>()->required(), "JSON lines to send, - for stdin");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional,
                                     "[--endpoint E] [--window N] FILE|-", values)) {
    return *exit_code;
  }
  bool as_json = false;
  if (!json_output(values, as_json)) return kExitUsage;
  unsigned window = values["window"].as<unsigned>();
  if (window < 1 || window > 10000) {
    print_error("send", "--window must be 1..10000");
    return kExitUsage;
  }
  unsigned timeout_ms = values["timeout-ms"].as<unsigned>();
  if (timeout_ms < 1 || timeout_ms > 3'600'000) {
    print_error("send", "--timeout-ms must be 1..3600000");
    return kExitUsage;
  }
  std::string file = values["file"].as<std::string>();
  std::ifstream file_stream;
  std::string open_error;
  if (file != "-" && !open_input_file(file, file_stream, open_error)) {
    print_error("send", open_error);
    return kExitUsage;
  }
  std::istream& in = file == "-" ? std::cin : file_stream;

  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  // The window bounds what is queued, so a send is refused only while no router is connected:
  // it then gives up after the timeout like a missing ack does, instead of blocking forever.
  socket.set(zmq::sockopt::sndhwm, static_cast<int>(window) + 16);
  socket.set(zmq::sockopt::sndtimeo, static_cast<int>(timeout_ms));
  socket.set(zmq::sockopt::rcvtimeo, static_cast<int>(timeout_ms));
  std::string endpoint = values["endpoint"].as<std::string>();
  try {
    socket.connect(endpoint);
  } catch (const zmq::error_t& error) {
    print_error("send", "bad endpoint " + endpoint + ": " + error.what());
    return kExitUsage;
  }
  SendTally tally;
  std::deque<std::size_t> in_flight_lines;  // acks come back in request order
  std::size_t line_number = 0;
  std::string line;
  bool more = next_line(in, line, line_number);
  while (more || !in_flight_lines.empty()) {
    while (more && in_flight_lines.size() < window) {
      if (!socket.send(zmq::buffer(line), zmq::send_flags::none)) {
        print_error("send", "could not reach the router at " + endpoint + " within " +
                                std::to_string(timeout_ms) + " ms (" +
                                std::to_string(in_flight_lines.size()) + " requests unanswered)");
        return kExitUnreachable;
      }
      in_flight_lines.push_back(line_number);
      more = next_line(in, line, line_number);
    }
    zmq::message_t reply;
    if (!socket.recv(reply, zmq::recv_flags::none)) {
      print_error("send", "the router at " + endpoint + " did not answer within " +
                              std::to_string(timeout_ms) + " ms (" +
                              std::to_string(in_flight_lines.size()) + " requests unanswered)");
      return kExitUnreachable;
    }
    print_ack(reply.to_string(), in_flight_lines.front(), as_json, tally);
    in_flight_lines.pop_front();
  }
  std::cout.flush();
  // A retryable error outranks a rejection: a script that resends on 3 gets the refused
  // transactions in, and the rejected ones answer `rejected` again, so it ends on 1 once the
  // router has room; stopping at 1 would leave the retryable ones out for good.
  if (tally.retryable > 0) return kExitUnreachable;
  if (tally.rejected > 0) return kExitCheckFailed;
  return kExitOk;
}

}  // namespace coexist::cli
