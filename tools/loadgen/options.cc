#include "tools/loadgen/options.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "model/limits.h"

namespace coexist::loadgen {
namespace {

namespace po = boost::program_options;

constexpr char kSynopsis[] =
    "usage: coexist-loadgen [--endpoint E] [--clients C] [--window W] [--transactions N]\n"
    "                       [--batch K] [--seed S] [--first-index I] [--duplicates-percent P]\n"
    "                       [--timeout-ms T] [--acks-out FILE]\n"
    "Sends N generated transactions to a coexist router from C clients, each keeping W requests\n"
    "in flight, and prints one JSON object: throughput, ack latency, counts per status.\n"
    "Exit: 0 every request was answered, 2 usage error, 3 a client timed out, 1 other failure.\n";

po::options_description describe() {
  po::options_description options("options");
  auto add = options.add_options();
  add("help,h", "print this help");
  add("endpoint", po::value<std::string>()->default_value("tcp://127.0.0.1:5570"),
      "the router's ingest endpoint");
  add("clients", po::value<std::int64_t>()->default_value(1),
      "clients (one DEALER socket each), 1..256");
  add("window", po::value<std::int64_t>()->default_value(1),
      "requests in flight per client, 1..1024");
  add("transactions", po::value<std::int64_t>()->default_value(10000),
      "transactions to send in total, resubmissions included (>= 1)");
  add("batch", po::value<std::int64_t>()->default_value(1),
      "transactions per request; more than 1 sends JSON arrays (1..10000)");
  add("seed", po::value<std::int64_t>()->default_value(1), "generator seed (>= 0)");
  add("first-index", po::value<std::int64_t>()->default_value(0),
      "generator index of the first transaction, >= 0 (rerun a range to resubmit it)");
  add("duplicates-percent", po::value<std::int64_t>()->default_value(0),
      "share of requests (0..100) that resubmit an earlier request of the same client");
  add("timeout-ms", po::value<std::int64_t>()->default_value(10000),
      "a client waiting this long for a reply gives up; the run exits 3 (1..3600000)");
  add("acks-out", po::value<std::string>(),
      "append every ack received to FILE, one JSON line each, flushed as they arrive");
  return options;
}

// Reads a signed option (so "-1" is not silently wrapped) and checks its range.
bool read_in_range(const po::variables_map& values, const char* name, std::int64_t low,
                   std::int64_t high, std::uint64_t& out) {
  std::int64_t value = values[name].as<std::int64_t>();
  if (value < low || value > high) {
    std::cerr << "coexist-loadgen: --" << name << " must be in " << low << ".." << high << ", got "
              << value << "\n";
    return false;
  }
  out = static_cast<std::uint64_t>(value);
  return true;
}

bool read_in_range(const po::variables_map& values, const char* name, std::int64_t low,
                   std::int64_t high, std::uint32_t& out) {
  std::uint64_t wide = 0;
  if (!read_in_range(values, name, low, high, wide)) return false;
  out = static_cast<std::uint32_t>(wide);
  return true;
}

bool read_options(const po::variables_map& values, Options& options) {
  constexpr auto kBatchMax = static_cast<std::int64_t>(limits::kRequestTransactionsMax);
  options.endpoint = values["endpoint"].as<std::string>();
  if (values.count("acks-out") != 0) options.acks_out = values["acks-out"].as<std::string>();
  // Both at most INT64_MAX: first_index + transactions cannot wrap, so every id of a run is new.
  return read_in_range(values, "seed", 0, INT64_MAX, options.seed) &&
         read_in_range(values, "first-index", 0, INT64_MAX, options.first_index) &&
         read_in_range(values, "clients", 1, 256, options.clients) &&
         read_in_range(values, "window", 1, 1024, options.window) &&
         read_in_range(values, "transactions", 1, INT64_MAX, options.transactions) &&
         read_in_range(values, "batch", 1, kBatchMax, options.batch) &&
         read_in_range(values, "duplicates-percent", 0, 100, options.duplicates_percent) &&
         read_in_range(values, "timeout-ms", 1, 3'600'000, options.timeout_ms);
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  po::options_description options = describe();
  po::variables_map values;
  try {
    // No positional arguments: a bare word (an endpoint without --endpoint, say) is refused
    // rather than ignored.
    po::store(po::command_line_parser(argc, argv)
                  .options(options)
                  .positional(po::positional_options_description())
                  .run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "coexist-loadgen: " << error.what() << "\n" << kSynopsis;
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (values.count("help") != 0) {
    std::cout << kSynopsis << "\n" << options;
    exit_code = kExitOk;
    return std::nullopt;
  }
  Options parsed;
  if (!read_options(values, parsed)) {
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return parsed;
}

}  // namespace coexist::loadgen
