#include "router/ack_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "router/batch.h"

namespace coexist::test {
namespace {

using router::Batch;
using router::BatchItem;
using router::BatchRequest;

journal::AppendResult result(journal::AppendStatus status, std::uint64_t seq,
                             std::string route = "both", std::string rule = "DE01 dual run",
                             std::uint32_t rules_version = 3) {
  journal::AppendResult out;
  out.status = status;
  out.seq = seq;
  out.route = std::move(route);
  out.rule = std::move(rule);
  out.rules_version = rules_version;
  return out;
}

Rejection rejection(RejectionCode code, std::string path, std::string message) {
  Rejection out;
  out.code = code;
  out.path = std::move(path);
  out.message = std::move(message);
  return out;
}

// Builds a batch the way the ingest server does, without a journal: items that reached the
// journal take the next append index and the result given; the others carry their rejection.
class BatchBuilder {
 public:
  BatchBuilder& journaled(std::string id, journal::AppendResult append_result,
                          std::string source = "billing") {
    BatchItem item;
    item.id = std::move(id);
    item.source = std::move(source);
    item.append_index = batch_.results.size();
    batch_.results.push_back(std::move(append_result));
    pending_items_.push_back(std::move(item));
    return *this;
  }

  BatchBuilder& rejected(std::string id, Rejection why, std::string source = "billing") {
    BatchItem item;
    item.id = std::move(id);
    item.source = std::move(source);
    item.rejection = std::move(why);
    pending_items_.push_back(std::move(item));
    return *this;
  }

  // Closes a request holding the items added since the previous one.
  BatchBuilder& request(bool is_array) {
    BatchRequest request;
    request.is_array = is_array;
    request.first_item = batch_.items.size();
    request.item_count = pending_items_.size();
    for (BatchItem& item : pending_items_) batch_.items.push_back(std::move(item));
    pending_items_.clear();
    batch_.requests.push_back(std::move(request));
    return *this;
  }

  BatchBuilder& request_rejection(Rejection why) {
    BatchRequest request;
    request.first_item = batch_.items.size();
    request.request_rejection = std::move(why);
    batch_.requests.push_back(std::move(request));
    return *this;
  }

  BatchBuilder& failed(Status status) {
    batch_.status = std::move(status);
    batch_.results.clear();  // a failed append writes nothing and returns no results
    return *this;
  }

  [[nodiscard]] const Batch& batch() const { return batch_; }

 private:
  Batch batch_;
  std::vector<BatchItem> pending_items_;
};

std::string reply(const Batch& batch, std::size_t request = 0) {
  std::string out;
  router::append_reply(batch, batch.requests.at(request), out);
  return out;
}

nlohmann::json parsed(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(value.is_discarded()) << "not JSON: " << text;
  return value;
}

TEST(AckWriterTest, AcceptedReplyIsExact) {
  BatchBuilder builder;
  builder.journaled("INV-2026-000123", result(journal::AppendStatus::accepted, 42)).request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"INV-2026-000123","source":"billing","status":"accepted","seq":42,)"
            R"("route":"both","rule":"DE01 dual run","rules_version":3})");
}

TEST(AckWriterTest, AcceptedByTheDefaultRouteBeforeAnyRulesVersion) {
  BatchBuilder builder;
  builder.journaled("P-1", result(journal::AppendStatus::accepted, 1, "legacy", "default", 0))
      .request(false);
  EXPECT_EQ(reply(builder.batch()), R"({"id":"P-1","source":"billing","status":"accepted","seq":1,)"
                                    R"("route":"legacy","rule":"default","rules_version":0})");
}

TEST(AckWriterTest, DuplicateReplyCarriesTheOriginalSeqAndRoute) {
  BatchBuilder builder;
  builder.journaled("INV-1", result(journal::AppendStatus::duplicate, 7, "new", "US cut over", 2))
      .request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"INV-1","source":"billing","status":"duplicate","seq":7,)"
            R"("route":"new","rule":"US cut over","rules_version":2})");
}

TEST(AckWriterTest, ConflictIsRejectedWithTheOriginalSeqInsideTheError) {
  BatchBuilder builder;
  builder.journaled("INV-1", result(journal::AppendStatus::conflict, 42)).request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"INV-1","source":"billing","status":"rejected","error":{"code":"conflict",)"
            R"("message":"this source and id were journaled at seq 42 with different content",)"
            R"("seq":42}})");
  nlohmann::json ack = parsed(reply(builder.batch()));
  EXPECT_EQ(ack["error"]["seq"], 42);
  EXPECT_FALSE(ack.contains("seq"));
  EXPECT_FALSE(ack.contains("route"));
}

TEST(AckWriterTest, RejectedElementNamesThePath) {
  BatchBuilder builder;
  builder
      .rejected("X1", rejection(RejectionCode::bad_amount, "lines[2].debit",
                                "\"1.234\" has more than 2 decimals for EUR"))
      .request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"X1","source":"billing","status":"rejected","error":{"code":"bad_amount",)"
            R"("path":"lines[2].debit","message":"\"1.234\" has more than 2 decimals for EUR"}})");
}

TEST(AckWriterTest, RejectedWithoutPathOmitsThePath) {
  BatchBuilder builder;
  builder
      .rejected("X1",
                rejection(RejectionCode::unbalanced, "", "debits 119.00 != credits 118.00 EUR"))
      .request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"X1","source":"billing","status":"rejected","error":{"code":"unbalanced",)"
            R"("message":"debits 119.00 != credits 118.00 EUR"}})");
}

TEST(AckWriterTest, RejectedElementWithoutIdOrSourceHasEmptyOnes) {
  BatchBuilder builder;
  builder.rejected("", rejection(RejectionCode::schema, "id", "missing required field"), "")
      .request(false);
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"","source":"","status":"rejected","error":{"code":"schema","path":"id",)"
            R"("message":"missing required field"}})");
}

TEST(AckWriterTest, EveryRejectionCodeIsWrittenByName) {
  const std::pair<RejectionCode, const char*> codes[] = {
      {RejectionCode::malformed_json, "malformed_json"},
      {RejectionCode::schema, "schema"},
      {RejectionCode::unknown_currency, "unknown_currency"},
      {RejectionCode::bad_amount, "bad_amount"},
      {RejectionCode::unbalanced, "unbalanced"},
      {RejectionCode::conflict, "conflict"},
      {RejectionCode::too_large, "too_large"},
      {RejectionCode::unauthorized, "unauthorized"},
  };
  for (const auto& [code, name] : codes) {
    BatchBuilder builder;
    builder.rejected("X", rejection(code, "", "m")).request(false);
    EXPECT_EQ(parsed(reply(builder.batch()))["error"]["code"], name);
  }
}

TEST(AckWriterTest, RequestRejectionHasNoIdentity) {
  std::string out;
  router::append_request_rejection(
      rejection(RejectionCode::malformed_json, "", "expected a value at byte 0"), out);
  EXPECT_EQ(out, R"({"status":"rejected","error":{"code":"malformed_json",)"
                 R"("message":"expected a value at byte 0"}})");
}

TEST(AckWriterTest, RequestRejectionKeepsItsPath) {
  std::string out;
  router::append_request_rejection(
      rejection(RejectionCode::too_large, "[10000]", "at most 10000 transactions per request"),
      out);
  EXPECT_EQ(out, R"({"status":"rejected","error":{"code":"too_large","path":"[10000]",)"
                 R"("message":"at most 10000 transactions per request"}})");
}

TEST(AckWriterTest, RejectedRequestIsAnsweredByOneObjectEvenForAnArray) {
  BatchBuilder builder;
  builder.request_rejection(
      rejection(RejectionCode::too_large, "", "the request frame holds more than 1 MiB"));
  EXPECT_EQ(reply(builder.batch()), R"({"status":"rejected","error":{"code":"too_large",)"
                                    R"("message":"the request frame holds more than 1 MiB"}})");
}

TEST(AckWriterTest, JournalFullIsARetryableError) {
  BatchBuilder builder;
  builder.journaled("INV-1", result(journal::AppendStatus::accepted, 1))
      .request(false)
      .failed(Status::error(Status::Code::journal_full, "the journal reached 16 MiB"));
  EXPECT_EQ(reply(builder.batch()),
            R"({"id":"INV-1","source":"billing","status":"error","error":{"code":"journal_full",)"
            R"("message":"the journal reached 16 MiB"}})");
}

// At the journal's maximum size a batch is split: one transaction that does not fit is answered
// journal_full, retryable, and the others of the same request their own verdicts.
TEST(AckWriterTest, TransactionWithNoRoomIsJournalFullWhileTheOthersAreAnswered) {
  journal::AppendResult no_room;
  no_room.status = journal::AppendStatus::journal_full;
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 7))
      .journaled("B", no_room)
      .journaled("C", result(journal::AppendStatus::duplicate, 3))
      .request(true);
  EXPECT_EQ(reply(builder.batch()),
            R"([{"id":"A","source":"billing","status":"accepted","seq":7,"route":"both",)"
            R"("rule":"DE01 dual run","rules_version":3},)"
            R"({"id":"B","source":"billing","status":"error","error":{"code":"journal_full",)"
            R"("message":"the journal reached map_size_mb_max and has no room for this )"
            R"(transaction; retry later"}},)"
            R"({"id":"C","source":"billing","status":"duplicate","seq":3,"route":"both",)"
            R"("rule":"DE01 dual run","rules_version":3}])");
}

TEST(AckWriterTest, EveryOtherJournalFailureIsUnavailable) {
  for (Status::Code code : {Status::Code::unavailable, Status::Code::io_error,
                            Status::Code::corruption, Status::Code::failed_precondition}) {
    BatchBuilder builder;
    builder.journaled("INV-1", result(journal::AppendStatus::accepted, 1))
        .request(false)
        .failed(Status::error(code, "commit failed: EIO"));
    EXPECT_EQ(reply(builder.batch()),
              R"({"id":"INV-1","source":"billing","status":"error","error":{"code":"unavailable",)"
              R"("message":"commit failed: EIO"}})")
        << to_string(code);
  }
}

TEST(AckWriterTest, RejectedElementStaysRejectedWhenTheJournalFails) {
  BatchBuilder builder;
  builder.rejected("X1", rejection(RejectionCode::unknown_currency, "currency", "\"EURO\""))
      .journaled("INV-1", result(journal::AppendStatus::accepted, 1))
      .request(true)
      .failed(Status::error(Status::Code::journal_full, "full"));
  EXPECT_EQ(reply(builder.batch()),
            R"([{"id":"X1","source":"billing","status":"rejected","error":{)"
            R"("code":"unknown_currency","path":"currency","message":"\"EURO\""}},)"
            R"({"id":"INV-1","source":"billing","status":"error","error":{"code":"journal_full",)"
            R"("message":"full"}}])");
}

TEST(AckWriterTest, ArrayRequestGetsAnArrayInRequestOrder) {
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 10))
      .rejected("B", rejection(RejectionCode::unbalanced, "", "off by 1.00"))
      .journaled("C", result(journal::AppendStatus::duplicate, 3))
      .journaled("D", result(journal::AppendStatus::conflict, 4))
      .request(true);
  nlohmann::json acks = parsed(reply(builder.batch()));
  ASSERT_TRUE(acks.is_array());
  ASSERT_EQ(acks.size(), 4U);
  EXPECT_EQ(acks[0]["id"], "A");
  EXPECT_EQ(acks[0]["status"], "accepted");
  EXPECT_EQ(acks[0]["seq"], 10);
  EXPECT_EQ(acks[1]["id"], "B");
  EXPECT_EQ(acks[1]["status"], "rejected");
  EXPECT_EQ(acks[2]["id"], "C");
  EXPECT_EQ(acks[2]["status"], "duplicate");
  EXPECT_EQ(acks[2]["seq"], 3);
  EXPECT_EQ(acks[3]["id"], "D");
  EXPECT_EQ(acks[3]["error"]["code"], "conflict");
  EXPECT_EQ(acks[3]["error"]["seq"], 4);
}

TEST(AckWriterTest, ArrayOfOneIsStillAnArray) {
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 1, "hold", "JP held", 1))
      .request(true);
  EXPECT_EQ(reply(builder.batch()), R"([{"id":"A","source":"billing","status":"accepted","seq":1,)"
                                    R"("route":"hold","rule":"JP held","rules_version":1}])");
}

TEST(AckWriterTest, EmptyArrayGetsAnEmptyArray) {
  BatchBuilder builder;
  builder.request(true);
  EXPECT_EQ(reply(builder.batch()), "[]");
}

TEST(AckWriterTest, SingleRequestIsNotWrapped) {
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 1)).request(false);
  EXPECT_TRUE(parsed(reply(builder.batch())).is_object());
}

TEST(AckWriterTest, EachRequestGetsOnlyItsOwnItems) {
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 1))
      .journaled("B", result(journal::AppendStatus::accepted, 2))
      .request(true)
      .request_rejection(rejection(RejectionCode::malformed_json, "", "not JSON"))
      .journaled("C", result(journal::AppendStatus::accepted, 3))
      .request(false);
  nlohmann::json first = parsed(reply(builder.batch(), 0));
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[1]["seq"], 2);
  EXPECT_EQ(parsed(reply(builder.batch(), 1))["error"]["code"], "malformed_json");
  nlohmann::json third = parsed(reply(builder.batch(), 2));
  EXPECT_EQ(third["id"], "C");
  EXPECT_EQ(third["seq"], 3);
}

TEST(AckWriterTest, RepliesAreAppendedToWhatTheBufferHolds) {
  BatchBuilder builder;
  builder.journaled("A", result(journal::AppendStatus::accepted, 1)).request(false);
  std::string out = "prefix|";
  router::append_reply(builder.batch(), builder.batch().requests[0], out);
  EXPECT_EQ(out.rfind("prefix|{\"id\":\"A\"", 0), 0U) << out;
}

TEST(AckWriterTest, LargestSeqIsWrittenInFull) {
  BatchBuilder builder;
  builder
      .journaled("A", result(journal::AppendStatus::accepted, UINT64_MAX, "new", "r", UINT32_MAX))
      .request(false);
  nlohmann::json ack = parsed(reply(builder.batch()));
  EXPECT_EQ(ack["seq"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_EQ(ack["rules_version"].get<std::uint32_t>(), UINT32_MAX);
}

// Ids, sources, rule names and messages come from clients and operators: whatever they hold,
// every reply must stay one valid JSON document that gives the strings back unchanged.
const std::string kAwkwardStrings[] = {
    "quote\"inside",
    "back\\slash",
    "\\\"",
    "new\nline\ttab\rreturn",
    std::string("nul\0byte", 8),
    "\x01\x02\x1f\x7f",
    "\b\f",
    "non-ASCII \xc3\xa9 \xe2\x82\xac \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
    "</script>",
    "\xe2\x80\xa8 line separator",
    "",
};

TEST(AckWriterTest, EveryReplyParsesWhateverTheStringsHold) {
  for (const std::string& text : kAwkwardStrings) {
    BatchBuilder builder;
    builder.journaled(text, result(journal::AppendStatus::accepted, 1, "both", text, 1), text)
        .journaled(text, result(journal::AppendStatus::duplicate, 2, "new", text, 1), text)
        .journaled(text, result(journal::AppendStatus::conflict, 3), text)
        .rejected(text, rejection(RejectionCode::schema, text, text), text)
        .request(true)
        .journaled(text, result(journal::AppendStatus::accepted, 4), text)
        .request(false)
        .request_rejection(rejection(RejectionCode::malformed_json, text, text));
    nlohmann::json array = parsed(reply(builder.batch(), 0));
    ASSERT_TRUE(array.is_array()) << text;
    ASSERT_EQ(array.size(), 4U);
    for (const nlohmann::json& ack : array) {
      EXPECT_EQ(ack["id"], text);
      EXPECT_EQ(ack["source"], text);
    }
    EXPECT_EQ(array[0]["rule"], text);
    EXPECT_EQ(array[1]["rule"], text);
    if (text.empty()) {
      EXPECT_FALSE(array[3]["error"].contains("path"));
    } else {
      EXPECT_EQ(array[3]["error"]["path"], text);
    }
    EXPECT_EQ(array[3]["error"]["message"], text);
    EXPECT_EQ(parsed(reply(builder.batch(), 1))["id"], text);
    EXPECT_EQ(parsed(reply(builder.batch(), 2))["error"]["message"], text);

    BatchBuilder failing;
    failing.journaled(text, result(journal::AppendStatus::accepted, 1), text)
        .request(false)
        .failed(Status::error(Status::Code::unavailable, text));
    nlohmann::json error = parsed(reply(failing.batch()));
    EXPECT_EQ(error["id"], text);
    EXPECT_EQ(error["error"]["message"], text);
  }
}

TEST(AckWriterTest, ControlCharactersAreEscapedLikeNlohmann) {
  const std::string id = std::string("a\"b\\c\n\x01", 7);
  BatchBuilder builder;
  builder.rejected(id, rejection(RejectionCode::schema, "", "m"), "s").request(false);
  const std::string out = reply(builder.batch());
  const std::string expected_id = nlohmann::json(id).dump();
  EXPECT_EQ(out.substr(6, expected_id.size()), expected_id) << out;
  EXPECT_EQ(expected_id, R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace coexist::test
