// libFuzzer target: ingest request frames (model/transaction_parser.h), the bytes any client on
// the network can send. Beyond "no crash, no sanitizer report", it checks what the journal relies
// on:
// - every item is answered: a transaction, or a rejection with a code and a message;
// - an accepted transaction's canonical JSON is a fixed point: it is what nlohmann's dump() makes
//   of it, it is accepted again both as a submission and as a stored record, and canonicalises to
//   the same bytes (duplicates are told from conflicts by comparing these bytes);
// - the router's reuse of one parser and one request across frames (parse_request into a
//   request that held the previous frame's items) answers exactly as a fresh parse does.
// Run: tools/fuzz.sh (preset `fuzz`, clang + libFuzzer + ASan/UBSan).

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/canonical_json.h"
#include "model/limits.h"
#include "model/transaction_parser.h"
#include "tests/fuzz/fuzz_failure.h"

namespace {

using coexist::ParsedItem;
using coexist::ParsedRequest;
using coexist::ParsePurpose;
using coexist::TransactionParser;
namespace fuzz = coexist::fuzz;

constexpr std::string_view kTarget = "transaction_parser_fuzz";

// The verdict on one item as comparable text: the canonical JSON, or the rejection.
std::string verdict(const ParsedItem& item) {
  if (item.transaction) return "accepted " + coexist::canonical_json(*item.transaction);
  return "rejected " + std::string(to_string(item.rejection.code)) + " " + item.rejection.path +
         " " + item.rejection.message + " id=" + item.id + " source=" + item.source;
}

std::string verdicts(const ParsedRequest& request) {
  if (request.request_rejection) {
    return "request rejected " + std::string(to_string(request.request_rejection->code)) + " " +
           request.request_rejection->message;
  }
  std::string out = request.is_array ? "array" : "object";
  for (const ParsedItem& item : request.items) out += "\n" + verdict(item);
  return out;
}

void check_canonical_is_a_fixed_point(const coexist::Transaction& transaction) {
  const std::string canonical = coexist::canonical_json(transaction);
  if (nlohmann::json::parse(canonical).dump() != canonical) {
    fuzz::fail(kTarget, "canonical JSON is not nlohmann's dump of itself", canonical);
  }
  for (ParsePurpose purpose : {ParsePurpose::submission, ParsePurpose::stored}) {
    TransactionParser reparser(coexist::limits::kStoredTransactionBytesMax, purpose);
    const ParsedItem again = reparser.parse_transaction(canonical);
    if (!again.transaction)
      fuzz::fail(kTarget, "canonical JSON is rejected on a second parse", canonical);
    if (coexist::canonical_json(*again.transaction) != canonical) {
      fuzz::fail(kTarget, "canonical JSON changes on a second parse", canonical);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);

  // As the router parses: one parser and one request, reused frame after frame.
  static TransactionParser reused_parser;
  static ParsedRequest reused_request;
  reused_parser.parse_request(frame, reused_request);

  TransactionParser fresh_parser;
  const ParsedRequest fresh = fresh_parser.parse_request(frame);
  if (verdicts(fresh) != verdicts(reused_request)) {
    fuzz::fail(kTarget, "a reused parser and request answer differently from a fresh one",
               "fresh:\n" + verdicts(fresh) + "\nreused:\n" + verdicts(reused_request));
  }
  if (fresh.request_rejection) {
    if (!fresh.items.empty())
      fuzz::fail(kTarget, "a refused request still has items", verdicts(fresh));
    if (fresh.request_rejection->message.empty())
      fuzz::fail(kTarget, "a request refusal without a message");
    return 0;
  }
  if (!fresh.is_array && fresh.items.size() != 1)
    fuzz::fail(kTarget, "an object request is not one item");
  for (const ParsedItem& item : fresh.items) {
    if (item.transaction) {
      check_canonical_is_a_fixed_point(*item.transaction);
    } else if (item.rejection.message.empty()) {
      fuzz::fail(kTarget, "a rejection without a message", verdict(item));
    }
  }
  return 0;
}
