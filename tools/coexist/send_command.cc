// coexist send: submits JSON lines to the router's ingest socket, pipelined, and prints one ack
// line per input line sent, in input order (the router answers a client in arrival order). Each
// ack printed gains "line": the input line it answers, counted from 1 with blank lines included,
// so a script can match an ack without an id (malformed JSON) to the line that caused it. Each
// request carries its line number as a request id that the ack comes back with (ack_matcher.h),
// so a connection that breaks midway cannot shift acks onto the wrong lines: a line whose
// request was lost, or that got no answer in time, is printed as a retryable `unavailable` error
// and the exit code is 3.

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "tools/coexist/ack_matcher.h"
#include "tools/coexist/cli.h"
#include "tools/coexist/ingest_connection.h"

namespace coexist::cli {
namespace {

struct SendTally {
  std::size_t rejected = 0;
  std::size_t retryable = 0;
};

// `ack` keeps the router's key order (ordered_json): the printed ack reads like the one on the
// wire.
void print_ack(nlohmann::ordered_json ack, std::size_t line_number, bool as_json,
               SendTally& tally) {
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

// The ack printed for a line the router did not answer: retryable, as DESIGN.md's
// `unavailable`, shaped like the router's ack for that line would have been.
nlohmann::ordered_json unanswered_ack(const ExpectedAck& line, const std::string& why) {
  const std::string message =
      why +
      "; whether it was journaled is unknown: resubmit it (a journaled transaction is "
      "answered duplicate)";
  auto one = [&](const AckIdentity* identity) {
    nlohmann::ordered_json ack;
    if (identity != nullptr) {
      ack["id"] = identity->second;
      ack["source"] = identity->first;
    }
    ack["status"] = "error";
    ack["error"] = {{"code", "unavailable"}, {"message", message}};
    return ack;
  };
  if (!line.is_array) return one(line.identities.empty() ? nullptr : &line.identities.front());
  nlohmann::ordered_json acks = nlohmann::ordered_json::array();
  for (const AckIdentity& identity : line.identities) acks.push_back(one(&identity));
  return acks;
}

// Prints the ack of a line answered here, or reports it unanswered for `why`.
void print_settled(const ExpectedAck& line, const std::string& why, bool as_json,
                   SendTally& tally) {
  if (line.local_ack) {
    print_ack(nlohmann::ordered_json::parse(*line.local_ack), line.line, as_json, tally);
  } else {
    print_ack(unanswered_ack(line, why), line.line, as_json, tally);
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
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
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

  const std::string endpoint = values["endpoint"].as<std::string>();
  IngestConnection router(endpoint, static_cast<int>(window) + 16,
                          std::chrono::milliseconds(timeout_ms));
  if (auto error = router.connect()) {
    print_error("send", *error);
    return kExitUsage;
  }
  SendTally tally;
  AckMatcher in_flight;
  // Reported on every line still in flight when send gives up.
  auto give_up = [&](const std::string& why) {
    while (!in_flight.empty()) print_settled(in_flight.take_oldest(), why, as_json, tally);
    std::cout.flush();
    return kExitUnreachable;
  };
  const std::string lost_connection =
      "no answer: the connection to the router broke while this line was in flight";
  std::size_t line_number = 0;
  std::string line;
  bool more = next_line(in, line, line_number);
  while (more || !in_flight.empty()) {
    while (more && in_flight.size() < window) {
      if (!in_flight.expect_line(line, line_number).local_ack && !router.send(line_number, line)) {
        print_error("send", "could not reach the router at " + endpoint + " within " +
                                std::to_string(timeout_ms) + " ms; line " +
                                std::to_string(line_number) + " and the rest were not sent");
        in_flight.withdraw_newest();
        return give_up("no answer: the router could not be reached");
      }
      more = next_line(in, line, line_number);
    }
    while (!in_flight.empty() && in_flight.oldest().local_ack) {
      print_settled(in_flight.take_oldest(), "", as_json, tally);
    }
    if (in_flight.empty()) continue;
    IngestConnection::Event event = router.next();
    if (event.outcome == IngestConnection::Outcome::broken) {
      // Whatever was in flight is lost with the connection (or dropped with the old socket's
      // queue): reported, and the rest of the input goes on a new connection.
      while (!in_flight.empty())
        print_settled(in_flight.take_oldest(), lost_connection, as_json, tally);
      if (auto error = router.reconnect()) {
        print_error("send", *error);
        return kExitUnreachable;
      }
      continue;
    }
    if (event.outcome == IngestConnection::Outcome::timed_out) {
      const std::string unsent =
          more ? "; line " + std::to_string(line_number) + " and the rest were not sent" : "";
      print_error("send", "the router at " + endpoint + " did not answer within " +
                              std::to_string(timeout_ms) + " ms (" +
                              std::to_string(in_flight.size()) +
                              " requests unanswered, from line " +
                              std::to_string(in_flight.oldest().line) + ")" + unsent);
      return give_up("no answer within " + std::to_string(timeout_ms) + " ms");
    }
    const IngestConnection::Reply* reply = &event.reply;
    auto matched = reply->line ? in_flight.match(*reply->line) : std::nullopt;
    if (!matched) {
      print_error("send", "the router answered " + reply->text.substr(0, 300) +
                              (reply->line ? " for line " + std::to_string(*reply->line) +
                                                 ", which is not in flight"
                                           : " without the request id it was sent (a router older "
                                             "than this coexist answers so: use the router's own "
                                             "coexist send)"));
      return give_up("no answer that could be matched to this line");
    }
    for (const ExpectedAck& passed : matched->passed_over) {
      print_settled(passed, lost_connection, as_json, tally);
    }
    nlohmann::ordered_json ack = nlohmann::ordered_json::parse(reply->text, nullptr, false);
    if (ack.is_discarded()) {  // not JSON: shown as received rather than hidden
      std::cout << reply->text << "\n";
      continue;
    }
    print_ack(std::move(ack), matched->answered.line, as_json, tally);
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
