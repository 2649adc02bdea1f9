#include "tools/coexist/ack_matcher.h"

#include <iterator>

#include "model/limits.h"
#include "router/ack_writer.h"

namespace coexist::cli {

const ExpectedAck& AckMatcher::expect_line(std::string_view text, std::size_t line) {
  ExpectedAck expected;
  expected.line = line;
  parser_.parse_request(text, parsed_);
  if (parsed_.request_rejection) {
    if (text.size() > limits::kRequestBytesMax) {
      std::string ack;
      router::append_request_rejection(*parsed_.request_rejection, ack);
      expected.local_ack = std::move(ack);
    }
  } else {
    expected.is_array = parsed_.is_array;
    expected.identities.reserve(parsed_.items.size());
    for (const ParsedItem& item : parsed_.items)
      expected.identities.emplace_back(item.source, item.id);
  }
  in_flight_.push_back(std::move(expected));
  return in_flight_.back();
}

ExpectedAck AckMatcher::take_oldest() {
  ExpectedAck oldest = std::move(in_flight_.front());
  in_flight_.pop_front();
  return oldest;
}

std::optional<AckMatcher::Match> AckMatcher::match(std::size_t line) {
  auto answered = in_flight_.begin();
  while (answered != in_flight_.end() && (answered->local_ack || answered->line != line)) {
    ++answered;
  }
  if (answered == in_flight_.end()) return std::nullopt;
  Match match;
  match.passed_over.assign(std::make_move_iterator(in_flight_.begin()),
                           std::make_move_iterator(answered));
  match.answered = std::move(*answered);
  in_flight_.erase(in_flight_.begin(), std::next(answered));
  return match;
}

}  // namespace coexist::cli
