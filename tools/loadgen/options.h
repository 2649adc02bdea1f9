#pragma once

// coexist-loadgen's command line: the load shape (clients × window × batch), what to send
// (seed, first index, count, duplicate share) and where (endpoint, acks log).

#include <cstdint>
#include <optional>
#include <string>

namespace coexist::loadgen {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the run could not proceed (socket, file, bad reply)
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTimeout = 3;  // some client waited timeout_ms without a reply

struct Options {
  std::string endpoint = "tcp://127.0.0.1:5570";
  std::uint32_t clients = 1;           // 1..256, one DEALER socket each, polled by one thread
  std::uint32_t window = 1;            // requests in flight per client, 1..1024
  std::uint64_t transactions = 10000;  // sent in total, resubmissions included
  std::uint64_t seed = 1;
  std::uint64_t first_index = 0;         // generator index of the first new transaction
  std::uint32_t duplicates_percent = 0;  // share of requests that resubmit an earlier one
  std::uint32_t batch = 1;               // transactions per request; >1 sends JSON arrays
  std::uint32_t timeout_ms = 10000;
  std::string acks_out;  // empty: acks are not logged
};

// Parses argv. On --help prints usage and sets exit_code to kExitOk; on a bad option prints the
// problem and sets exit_code to kExitUsage; in both cases returns nullopt.
[[nodiscard]] std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace coexist::loadgen
