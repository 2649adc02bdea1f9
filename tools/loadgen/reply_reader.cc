#include "tools/loadgen/reply_reader.h"

namespace coexist::loadgen {

void StatusCounts::add(const StatusCounts& other) {
  accepted += other.accepted;
  duplicate += other.duplicate;
  rejected += other.rejected;
  error += other.error;
}

bool ReplyReader::count_ack(simdjson::dom::element ack, StatusCounts& counts) {
  std::string_view status;
  if (!ack.is_object() || ack["status"].get(status) != simdjson::SUCCESS) return false;
  if (status == "accepted") {
    ++counts.accepted;
  } else if (status == "duplicate") {
    ++counts.duplicate;
  } else if (status == "rejected") {
    ++counts.rejected;
  } else {
    ++counts.error;
  }
  return true;
}

std::optional<std::size_t> ReplyReader::read(std::string_view reply, StatusCounts& counts,
                                             std::string* lines) {
  simdjson::dom::element root;
  if (parser_.parse(reply.data(), reply.size()).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  StatusCounts found;
  std::size_t acks = 0;
  std::size_t lines_size = lines != nullptr ? lines->size() : 0;
  auto take = [&](simdjson::dom::element ack) {
    if (!count_ack(ack, found)) return false;
    ++acks;
    if (lines != nullptr) {
      *lines += simdjson::minify(ack);
      lines->push_back('\n');
    }
    return true;
  };
  bool readable = true;
  simdjson::dom::array array;
  if (root.get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element ack : array) readable = readable && take(ack);
  } else {
    readable = take(root);
  }
  if (!readable) {
    if (lines != nullptr) lines->resize(lines_size);  // all of a reply's lines, or none
    return std::nullopt;
  }
  counts.add(found);
  return acks;
}

}  // namespace coexist::loadgen
