#pragma once

// Reads the router's reply frames: counts acks by status and, for --acks-out, turns them into
// JSON lines. Uses simdjson because the load generator shares the cores with the router it
// measures, and at 100,000+ acks/s nlohmann's parse would take a noticeable share of them.
// Not thread-safe: one reader per client thread.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coexist::loadgen {

struct StatusCounts {
  std::uint64_t accepted = 0;
  std::uint64_t duplicate = 0;
  std::uint64_t rejected = 0;
  std::uint64_t error = 0;  // retryable errors, unknown statuses and unreadable replies

  void add(const StatusCounts& other);
  [[nodiscard]] std::uint64_t total() const { return accepted + duplicate + rejected + error; }
};

class ReplyReader {
 public:
  // Counts the acks in `reply` (one ack object or an array of them) into `counts` and returns how
  // many there were; nullopt when the reply is not JSON of that shape (nothing is counted).
  // When `lines` is not null, appends each ack to it as one line of compact JSON.
  [[nodiscard]] std::optional<std::size_t> read(std::string_view reply, StatusCounts& counts,
                                                std::string* lines);

 private:
  [[nodiscard]] static bool count_ack(simdjson::dom::element ack, StatusCounts& counts);

  simdjson::dom::parser parser_;
};

}  // namespace coexist::loadgen
