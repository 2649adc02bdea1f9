#include "model/transaction_parser.h"

#include <simdjson.h>

#include <algorithm>

#include "model/assert.h"
#include "model/json_depth.h"
#include "model/limits.h"
#include "model/transaction_reader.h"

// Frame-level checks, in order; any failure refuses the whole frame:
//   1. size > the parser's bytes_max (kRequestBytesMax for requests): too_large, before parsing,
//      so a huge frame costs nothing;
//   2. simdjson parse: invalid UTF-8 -> malformed_json; nesting deeper than kJsonDepthMax ->
//      too_large; any other syntax error -> malformed_json with simdjson's message. A number
//      simdjson cannot hold is not a frame error: see zero_numbers();
//   3. the root: an object is one transaction; an array must hold 1..kRequestTransactionsMax
//      elements, each judged alone by read_transaction(); anything else is malformed_json.

namespace coexist {
namespace {

using simdjson::SUCCESS;

// Buffers start small and grow (once) to the largest frame seen, at most the parser's bytes_max.
constexpr std::size_t kInitialCapacity = std::size_t{64} * 1024;

Rejection frame_rejection(RejectionCode code, std::string message) {
  return Rejection{code, "", std::move(message)};
}

// The length of the JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) that
// starts `text`, or 0 when none does.
std::size_t json_number_length(std::string_view text) {
  const auto digits_from = [&](std::size_t at) {
    std::size_t end = at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    return end;
  };
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i >= text.size() || text[i] < '0' || text[i] > '9') return 0;
  i = text[i] == '0' ? i + 1 : digits_from(i);
  if (i < text.size() && text[i] == '.') {
    const std::size_t end = digits_from(i + 1);
    if (end == i + 1) return 0;
    i = end;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t at = i + 1;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    const std::size_t end = digits_from(at);
    if (end == at) return 0;
    i = end;
  }
  return i;
}

// `frame` with every well-formed number outside strings written as 0. No field of a request
// takes a number (amounts are strings), so a number anywhere rejects its transaction, with a
// code and path that depend on where it is, not on its value. simdjson refuses the whole
// document over a number it cannot hold (1e400, 30 digits): rewritten, the frame parses, and
// each transaction is judged alone with its own path, as for any other number. A malformed
// number ("01", "1.", "--1") is left as it is, so the frame stays a syntax error.
std::string zero_numbers(std::string_view frame) {
  std::string out;
  out.reserve(frame.size());
  bool in_string = false;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < frame.size()) {
        out.push_back(frame[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // The whole run of number characters: a number when all of it is one, else left alone.
      std::size_t end = i;
      while (end < frame.size() &&
             std::string_view("0123456789+-.eE").find(frame[end]) != std::string_view::npos) {
        ++end;
      }
      const std::string_view run = frame.substr(i, end - i);
      if (json_number_length(run) == run.size()) {
        out.push_back('0');
      } else {
        out.append(run);
      }
      i = end - 1;
    } else {
      in_string = c == '"';
      out.push_back(c);
    }
  }
  return out;
}

Rejection parse_error_rejection(simdjson::error_code error, std::string_view frame) {
  if (error == simdjson::UTF8_ERROR) {
    return frame_rejection(RejectionCode::malformed_json, "invalid UTF-8");
  }
  if (error == simdjson::DEPTH_ERROR || json_nesting_exceeds(frame, limits::kJsonDepthMax)) {
    return frame_rejection(
        RejectionCode::too_large,
        "JSON nesting deeper than " + std::to_string(limits::kJsonDepthMax) + " levels");
  }
  return frame_rejection(RejectionCode::malformed_json, simdjson::error_message(error));
}

}  // namespace

struct TransactionParser::Impl {
  Impl(std::size_t max, ParsePurpose purpose_in) : bytes_max(max), purpose(purpose_in), parser(max) {}

  std::size_t bytes_max;
  ParsePurpose purpose;
  simdjson::dom::parser parser;
  simdjson::dom::element root;

  // Parses `frame` into `root`, or says why the whole frame is refused.
  std::optional<Rejection> parse_frame(std::string_view frame) {
    if (frame.size() > bytes_max) {
      return frame_rejection(RejectionCode::too_large,
                             "request is " + std::to_string(frame.size()) +
                                 " bytes, the limit is " + std::to_string(bytes_max));
    }
    // realloc_if_needed = true: simdjson copies the frame into its own padded buffer, reused
    // from frame to frame, because a ZeroMQ message has no readable padding after it.
    // An empty view may carry a null pointer, which simdjson would hand to memcpy.
    const char* data = frame.empty() ? "" : frame.data();
    simdjson::error_code error = parser.parse(data, frame.size(), true).get(root);
    if (error == simdjson::NUMBER_ERROR) {
      const std::string zeroed = zero_numbers(frame);
      if (parser.parse(zeroed.data(), zeroed.size(), true).get(root) == SUCCESS) {
        return std::nullopt;
      }
    }
    if (error != SUCCESS) return parse_error_rejection(error, frame);
    return std::nullopt;
  }
};

TransactionParser::TransactionParser(std::size_t bytes_max, ParsePurpose purpose)
    : impl_(std::make_unique<Impl>(bytes_max, purpose)) {
  // max_depth is fixed here; simdjson keeps it when the buffers later grow. Failing is running
  // out of memory at startup, which no caller could handle better than by stopping.
  const simdjson::error_code error =
      impl_->parser.allocate(std::min(kInitialCapacity, bytes_max), limits::kJsonDepthMax);
  COEXIST_ASSERT(error == SUCCESS);
}

TransactionParser::~TransactionParser() = default;

ParsedRequest TransactionParser::parse_request(std::string_view frame) {
  ParsedRequest request;
  parse_request(frame, request);
  return request;
}

void TransactionParser::parse_request(std::string_view frame, ParsedRequest& request) {
  request.request_rejection.reset();
  request.is_array = false;
  if (std::optional<Rejection> rejection = impl_->parse_frame(frame)) {
    request.request_rejection = std::move(*rejection);
    request.items.clear();
    return;
  }
  const simdjson::dom::element& root = impl_->root;
  simdjson::dom::array array;
  if (root.get_array().get(array) == SUCCESS) {
    request.is_array = true;
    const std::size_t count = array.size();
    if (count == 0) {
      request.request_rejection = frame_rejection(RejectionCode::schema, "empty array");
    } else if (count > limits::kRequestTransactionsMax) {
      request.request_rejection = frame_rejection(
          RejectionCode::too_large, "more than " + std::to_string(limits::kRequestTransactionsMax) +
                                        " transactions in one request");
    } else {
      request.items.resize(count);
      std::size_t index = 0;
      for (const simdjson::dom::element element : array) {
        detail::read_transaction(element, impl_->purpose, request.items[index++]);
      }
      return;
    }
  } else if (root.is_object()) {
    request.items.resize(1);
    detail::read_transaction(root, impl_->purpose, request.items.front());
    return;
  } else {
    request.request_rejection = frame_rejection(
        RejectionCode::malformed_json, "expected a transaction object or an array of them");
  }
  request.items.clear();
}

ParsedItem TransactionParser::parse_transaction(std::string_view json) {
  ParsedItem item;
  if (std::optional<Rejection> rejection = impl_->parse_frame(json)) {
    item.rejection = std::move(*rejection);
  } else if (impl_->root.is_array()) {
    item.rejection =
        frame_rejection(RejectionCode::schema, "expected a transaction object, not an array");
  } else if (!impl_->root.is_object()) {
    item.rejection =
        frame_rejection(RejectionCode::malformed_json, "expected a transaction object");
  } else {
    detail::read_transaction(impl_->root, impl_->purpose, item);
  }
  return item;
}

}  // namespace coexist
