#pragma once

// Parses ingest request frames into validated Transactions, on the hot path (simdjson DOM).
// A frame holds one transaction object or a JSON array of them; each array element is judged
// alone. Not thread-safe: one parser per thread (it reuses its buffers between frames).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/limits.h"
#include "model/rejection.h"
#include "model/transaction.h"

namespace coexist {

// One element of a request: a valid transaction, or why it was rejected. `id` and `source` are
// copied from the element when they are strings (so a rejection ack can name them), else empty.
struct ParsedItem {
  std::optional<Transaction> transaction;
  Rejection rejection;  // meaningful only when !transaction
  std::string id;
  std::string source;
};

struct ParsedRequest {
  // Set when the frame as a whole is refused (malformed JSON, invalid UTF-8, over the size,
  // depth or element-count limit, neither object nor array): then `items` is empty.
  std::optional<Rejection> request_rejection;
  bool is_array = false;  // the reply mirrors the request: an array of acks, or one ack
  std::vector<ParsedItem> items;
};

// What the parser is reading. A journaled transaction passed the checks of the day it was
// submitted; a check added since (a transaction amending itself) must not make `journal verify`
// call a sound record invalid, nor stop `rules simulate` on it. Such checks are for submissions.
enum class ParsePurpose : std::uint8_t {
  submission,  // an ingest request (or a file the CLI is about to send): every check
  stored,      // a canonical transaction read back from the journal: the structural checks only
};

class TransactionParser {
 public:
  // `bytes_max`: the largest input accepted (a longer one is `too_large`); the request limit for
  // ingest, limits::kStoredTransactionBytesMax to re-read journaled canonical transactions.
  explicit TransactionParser(std::size_t bytes_max = limits::kRequestBytesMax,
                             ParsePurpose purpose = ParsePurpose::submission);
  ~TransactionParser();
  TransactionParser(const TransactionParser&) = delete;
  TransactionParser& operator=(const TransactionParser&) = delete;

  // Never throws; every problem becomes a Rejection with code, path and message.
  [[nodiscard]] ParsedRequest parse_request(std::string_view frame);
  // The same into `request`, reusing what an earlier call left in it: its items and their
  // transactions keep their buffers (the router parses every frame into one request, which so
  // stays in its cache). Every part of `request` is set or emptied, whatever it held before.
  void parse_request(std::string_view frame, ParsedRequest& request);

  // Parses exactly one transaction object (CLI, tests): an array is a `schema` rejection.
  [[nodiscard]] ParsedItem parse_transaction(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coexist
