#include "router/ack_writer.h"

#include <charconv>

#include "model/canonical_json.h"

namespace coexist::router {
namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[20];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_error(std::string& out, std::string_view code, std::string_view path,
                  std::string_view message) {
  out += R"("error":{"code":)";
  append_json_string(out, code);
  if (!path.empty()) {
    out += R"(,"path":)";
    append_json_string(out, path);
  }
  out += R"(,"message":)";
  append_json_string(out, message);
}

void append_identity(std::string& out, const BatchItem& item) {
  out += R"({"id":)";
  append_json_string(out, item.id);
  out += R"(,"source":)";
  append_json_string(out, item.source);
}

// The retryable error code for a failed append.
std::string_view retry_code(const Status& status) {
  return status.code() == Status::Code::journal_full ? "journal_full" : "unavailable";
}

// Said of a transaction the journal, at its maximum size, had no room left for: the others of
// its batch were judged as usual.
constexpr std::string_view kNoRoomMessage =
    "the journal reached map_size_mb_max and has no room for this transaction; retry later";

void append_item(const Batch& batch, const BatchItem& item, std::string& out) {
  append_identity(out, item);
  if (item.rejection) {
    out += R"(,"status":"rejected",)";
    append_error(out, to_string(item.rejection->code), item.rejection->path,
                 item.rejection->message);
    out += "}}";
    return;
  }
  if (!batch.status.is_ok()) {
    out += R"(,"status":"error",)";
    append_error(out, retry_code(batch.status), "", batch.status.message());
    out += "}}";
    return;
  }
  const journal::AppendResult& result = batch.results[item.append_index];
  if (result.status == journal::AppendStatus::journal_full) {
    out += R"(,"status":"error",)";
    append_error(out, "journal_full", "", kNoRoomMessage);
    out += "}}";
    return;
  }
  if (result.status == journal::AppendStatus::conflict) {
    out += R"(,"status":"rejected",)";
    append_error(out, "conflict", "",
                 "this source and id were journaled at seq " + std::to_string(result.seq) +
                     " with different content");
    out += R"(,"seq":)";
    append_number(out, result.seq);
    out += "}}";
    return;
  }
  out += result.status == journal::AppendStatus::accepted ? R"(,"status":"accepted","seq":)"
                                                          : R"(,"status":"duplicate","seq":)";
  append_number(out, result.seq);
  out += R"(,"route":)";
  append_json_string(out, result.route);
  out += R"(,"rule":)";
  append_json_string(out, result.rule);
  out += R"(,"rules_version":)";
  append_number(out, result.rules_version);
  out += "}";
}

}  // namespace

void append_request_rejection(const Rejection& rejection, std::string& out) {
  out += R"({"status":"rejected",)";
  append_error(out, to_string(rejection.code), rejection.path, rejection.message);
  out += "}}";
}

void append_reply(const Batch& batch, const BatchRequest& request, std::string& out) {
  if (request.request_rejection) return append_request_rejection(*request.request_rejection, out);
  if (request.is_array) out.push_back('[');
  for (std::size_t i = 0; i < request.item_count; ++i) {
    if (i > 0) out.push_back(',');
    append_item(batch, batch.items[request.first_item + i], out);
  }
  if (request.is_array) out.push_back(']');
}

}  // namespace coexist::router
