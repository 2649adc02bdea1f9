// coexist-loadgen: drives a coexist router's ingest socket with generated transactions and
// reports throughput and ack latency. See options.cc for the command line.

#include <iostream>
#include <memory>

#include "tools/loadgen/ack_log.h"
#include "tools/loadgen/load_run.h"
#include "tools/loadgen/options.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/request_plan.h"

namespace coexist::loadgen {
namespace {

int fail(const std::string& message) {
  std::cerr << "coexist-loadgen: " << message << "\n";
  return kExitFailure;
}

int run(int argc, char** argv) {
  int exit_code = kExitOk;
  std::optional<Options> options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  Result<RequestPlan> plan = build_plan(*options);
  if (!plan.is_ok()) {
    int failed = fail(plan.status().message());
    // A plan refused for its options (a --batch over the request size limit) is a usage error.
    return plan.status().code() == Status::Code::invalid_argument ? kExitUsage : failed;
  }
  std::unique_ptr<AckLog> ack_log;
  if (!options->acks_out.empty()) {
    Result<std::unique_ptr<AckLog>> opened = AckLog::open(options->acks_out);
    if (!opened.is_ok()) return fail(opened.status().message());
    ack_log = std::move(opened).value();
  }
  Result<LoadOutcome> outcome = run_load(*options, plan.value(), ack_log.get());
  if (!outcome.is_ok()) return fail(outcome.status().message());
  std::cout << make_report(*options, plan.value(), outcome.value()).dump() << std::endl;
  exit_code = kExitOk;
  for (const ClientResult& client : outcome.value().clients) {
    if (!client.failure.empty()) exit_code = fail(client.failure);
    if (client.unreadable_replies > 0) {
      std::cerr << "coexist-loadgen: " << client.unreadable_replies
                << " replies were not acks (counted as error)\n";
    }
  }
  for (const ClientResult& client : outcome.value().clients) {
    if (client.timed_out) exit_code = kExitTimeout;  // the exit code the crash test waits for
  }
  return exit_code;
}

}  // namespace
}  // namespace coexist::loadgen

int main(int argc, char** argv) {
  try {
    return coexist::loadgen::run(argc, argv);
  } catch (const std::exception& error) {  // out of memory for the plan, mostly
    std::cerr << "coexist-loadgen: " << error.what() << "\n";
    return coexist::loadgen::kExitFailure;
  }
}
