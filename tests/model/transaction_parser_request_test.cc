// Frame-level rules of TransactionParser::parse_request: size, UTF-8, syntax, depth, arrays.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <string>

#include "model/canonical_json.h"
#include "model/limits.h"
#include "model/transaction_parser.h"
#include "tests/model/test_transactions.h"

namespace coexist {
namespace {

using nlohmann::json;
using test_data::is_rejected;
using test_data::is_request_rejected;

constexpr const char* kTooDeep = "JSON nesting deeper than 8 levels";

class ParseRequestTest : public ::testing::Test {
 protected:
  ParsedRequest parse(std::string_view frame) { return parser_.parse_request(frame); }
  TransactionParser parser_;
};

TEST_F(ParseRequestTest, SingleObjectIsOneItemAndNotAnArray) {
  const ParsedRequest request = parse(test_data::minimal_transaction().dump());
  EXPECT_FALSE(request.request_rejection.has_value());
  EXPECT_FALSE(request.is_array);
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_TRUE(request.items[0].transaction.has_value());
}

TEST_F(ParseRequestTest, SingleRejectedObjectIsAnItemNotAFrameRejection) {
  json transaction = test_data::minimal_transaction();
  transaction["currency"] = "EURO";
  const ParsedRequest request = parse(transaction.dump());
  EXPECT_FALSE(request.request_rejection.has_value());
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_EQ(request.items[0].rejection.code, RejectionCode::unknown_currency);
  EXPECT_EQ(request.items[0].id, "INV-2026-000123");
}

TEST_F(ParseRequestTest, ArrayElementsAreJudgedAloneInOrder) {
  json good_a = test_data::minimal_transaction();
  good_a["id"] = "A";
  json unbalanced = test_data::minimal_transaction();
  unbalanced["id"] = "B";
  unbalanced["lines"][1]["credit"] = "118.00";
  json good_c = test_data::minimal_transaction();
  good_c["id"] = "C";
  json bad_currency = test_data::minimal_transaction();
  bad_currency["id"] = "D";
  bad_currency["currency"] = "XXX";
  const json frame = json::array({good_a, unbalanced, 42, good_c, bad_currency, "E"});

  const ParsedRequest request = parse(frame.dump());
  ASSERT_FALSE(request.request_rejection.has_value());
  EXPECT_TRUE(request.is_array);
  ASSERT_EQ(request.items.size(), 6U);
  ASSERT_TRUE(request.items[0].transaction.has_value());
  EXPECT_EQ(request.items[0].transaction->id, "A");
  EXPECT_TRUE(is_rejected(request.items[1], RejectionCode::unbalanced, "lines",
                          "debits 119.00 != credits 118.00 EUR"));
  EXPECT_EQ(request.items[1].id, "B");
  EXPECT_TRUE(
      is_rejected(request.items[2], RejectionCode::schema, "", "expected a transaction object"));
  EXPECT_TRUE(request.items[2].id.empty());
  ASSERT_TRUE(request.items[3].transaction.has_value());
  EXPECT_EQ(request.items[3].transaction->id, "C");
  EXPECT_TRUE(is_rejected(request.items[4], RejectionCode::unknown_currency, "currency",
                          "\"XXX\" is not an ISO 4217 currency code"));
  EXPECT_EQ(request.items[4].id, "D");
  EXPECT_TRUE(
      is_rejected(request.items[5], RejectionCode::schema, "", "expected a transaction object"));
}

// simdjson refuses a whole document over a number it cannot hold (1e400, 30 digits). No field
// takes a number, so such a number must reject only its own transaction, with the code, path and
// message any other number in that place gets.
TEST_F(ParseRequestTest, NumbersTooLargeForSimdjsonRejectOnlyTheirOwnTransaction) {
  const auto with_number = [](const std::string& id, const std::string& field,
                              const std::string& number) {
    json transaction = test_data::minimal_transaction();
    transaction["id"] = id;
    if (field == "debit") {
      transaction["lines"][0]["debit"] = "@NUMBER@";
    } else {
      transaction[field] = "@NUMBER@";
    }
    std::string text = transaction.dump();
    const std::string placeholder = "\"@NUMBER@\"";
    text.replace(text.find(placeholder), placeholder.size(), number);
    return text;
  };
  for (const char* field : {"debit", "description", "no_such_field"}) {
    for (const char* huge : {"123456789012345678901234567890", "1e400", "-1e999"}) {
      ParsedRequest small = parse(with_number("B", field, "7"));
      ParsedRequest large = parse(with_number("B", field, huge));
      ASSERT_FALSE(large.request_rejection.has_value())
          << field << " " << huge << ": " << large.request_rejection->message;
      ASSERT_EQ(large.items.size(), 1U);
      EXPECT_FALSE(large.items[0].transaction.has_value());
      EXPECT_EQ(large.items[0].rejection.code, small.items[0].rejection.code) << field << huge;
      EXPECT_EQ(large.items[0].rejection.path, small.items[0].rejection.path) << field << huge;
      EXPECT_EQ(large.items[0].rejection.message, small.items[0].rejection.message);
      EXPECT_EQ(large.items[0].id, "B");
    }
  }
  json good = test_data::minimal_transaction();
  good["id"] = "A";
  const std::string frame = "[" + good.dump() + "," + with_number("B", "debit", "1e400") + "]";
  const ParsedRequest request = parse(frame);
  ASSERT_FALSE(request.request_rejection.has_value());
  ASSERT_EQ(request.items.size(), 2U);
  ASSERT_TRUE(request.items[0].transaction.has_value()) << "judged alone";
  EXPECT_EQ(request.items[0].transaction->id, "A");
  EXPECT_EQ(request.items[1].rejection.code, RejectionCode::bad_amount);
  EXPECT_EQ(request.items[1].rejection.path, "lines[0].debit");
  // A malformed number beside one too large is still a syntax error of the whole frame: nothing
  // of it may be journaled.
  for (const char* malformed : {"01", "00", "1.", "-", "--1", "1e", "1-2", "1.2.3", "-.5", "1e+"}) {
    const ParsedRequest broken = parse("[" + good.dump() + "," + malformed + "," +
                                       with_number("B", "debit", "1e400") + "]");
    ASSERT_TRUE(broken.request_rejection.has_value()) << malformed;
    EXPECT_EQ(broken.request_rejection->code, RejectionCode::malformed_json) << malformed;
    EXPECT_TRUE(broken.items.empty()) << malformed;
  }
}

TEST_F(ParseRequestTest, NestedArrayElementIsSchema) {
  const json frame = json::array({json::array({test_data::minimal_transaction()})});
  const ParsedRequest request = parse(frame.dump());
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_TRUE(
      is_rejected(request.items[0], RejectionCode::schema, "", "expected a transaction object"));
}

TEST_F(ParseRequestTest, EmptyArrayIsSchema) {
  const ParsedRequest request = parse(" [ ] ");
  EXPECT_TRUE(is_request_rejected(request, RejectionCode::schema, "empty array"));
}

TEST_F(ParseRequestTest, TenThousandTransactionsAreJudged) {
  std::string frame = "[";
  for (std::size_t i = 0; i < limits::kRequestTransactionsMax; ++i) frame += i == 0 ? "{}" : ",{}";
  frame += "]";
  const ParsedRequest request = parse(frame);
  ASSERT_FALSE(request.request_rejection.has_value());
  EXPECT_EQ(request.items.size(), limits::kRequestTransactionsMax);
}

TEST_F(ParseRequestTest, TenThousandAndOneTransactionsAreTooLarge) {
  std::string frame = "[{}";
  for (std::size_t i = 0; i < limits::kRequestTransactionsMax; ++i) frame += ",{}";
  frame += "]";
  EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::too_large,
                                  "more than 10000 transactions in one request"));
}

TEST_F(ParseRequestTest, TruncatedJsonIsMalformed) {
  const ParsedRequest request = parse(R"({"id": "X1", "lines": [)");
  ASSERT_TRUE(request.request_rejection.has_value());
  EXPECT_EQ(request.request_rejection->code, RejectionCode::malformed_json);
  EXPECT_FALSE(request.request_rejection->message.empty());
  EXPECT_TRUE(request.items.empty());
}

TEST_F(ParseRequestTest, SyntaxErrorsAreMalformedWithSimdjsonMessage) {
  for (const char* frame :
       {"{\"id\":}", "{'id':'x'}", "{\"id\":\"x\",}", "[1,]", "{} {}", "{\"a\":tru}", "nul",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"tab\there\"}"}) {
    const ParsedRequest request = parse(frame);
    ASSERT_TRUE(request.request_rejection.has_value()) << frame;
    EXPECT_EQ(request.request_rejection->code, RejectionCode::malformed_json) << frame;
    EXPECT_FALSE(request.request_rejection->message.empty()) << frame;
  }
}

TEST_F(ParseRequestTest, EmptyFrameIsMalformed) {
  for (std::string_view frame :
       {std::string_view(), std::string_view(""), std::string_view(" \n")}) {
    const ParsedRequest request = parse(frame);
    ASSERT_TRUE(request.request_rejection.has_value());
    EXPECT_EQ(request.request_rejection->code, RejectionCode::malformed_json);
  }
}

TEST_F(ParseRequestTest, ScalarTopLevelIsMalformed) {
  for (const char* frame : {"42", "\"INV-1\"", "null", "true"}) {
    EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::malformed_json,
                                    "expected a transaction object or an array of them"))
        << frame;
  }
}

TEST_F(ParseRequestTest, InvalidUtf8IsMalformed) {
  for (const std::string& bad : {std::string("\xff"), std::string("\xc3\x28"),
                                 std::string("\xed\xa0\x80"),  // encoded surrogate
                                 std::string("\xc0\xaf"),      // overlong '/'
                                 std::string("\xe2\x82")}) {   // truncated sequence
    std::string frame = R"({"id":"X)" + bad + R"(","source":"billing"})";
    EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::malformed_json, "invalid UTF-8"));
  }
  EXPECT_TRUE(
      is_request_rejected(parse("[1,\xff]"), RejectionCode::malformed_json, "invalid UTF-8"));
}

TEST_F(ParseRequestTest, DepthBombIsTooLarge) {
  EXPECT_TRUE(
      is_request_rejected(parse(std::string(100'000, '[')), RejectionCode::too_large, kTooDeep));
}

TEST_F(ParseRequestTest, ClosedDepthBombIsTooLarge) {
  const std::string frame = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::too_large, kTooDeep));
}

TEST_F(ParseRequestTest, DeepObjectInsideATransactionIsTooLarge) {
  json transaction = test_data::minimal_transaction();
  json deep = "leaf";
  for (int i = 0; i < 8; ++i) deep = json::array({deep});
  transaction["attributes"] = {{"deep", deep}};
  EXPECT_TRUE(is_request_rejected(parse(transaction.dump()), RejectionCode::too_large, kTooDeep));
}

TEST_F(ParseRequestTest, BracketsInsideStringsDoNotCountAsNesting) {
  json transaction = test_data::minimal_transaction();
  transaction["description"] = std::string(1000, '[') + "\\\"[{";
  const ParsedRequest request = parse(json::array({transaction}).dump());
  ASSERT_FALSE(request.request_rejection.has_value());
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_TRUE(request.items[0].transaction.has_value());
}

TEST_F(ParseRequestTest, UnclosedBracketsInsideStringsAreMalformedNotTooDeep) {
  const std::string frame = R"({"description":")" + std::string(100, '[') + "\"";
  const ParsedRequest request = parse(frame);
  ASSERT_TRUE(request.request_rejection.has_value());
  EXPECT_EQ(request.request_rejection->code, RejectionCode::malformed_json);
}

TEST_F(ParseRequestTest, TwoMebibyteFrameIsTooLarge) {
  const std::string frame(std::size_t{2} * 1024 * 1024, ' ');
  EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::too_large,
                                  "request is 2097152 bytes, the limit is 1048576"));
}

TEST_F(ParseRequestTest, FrameOfExactlyTheLimitIsParsed) {
  std::string frame = test_data::minimal_transaction().dump();
  frame.resize(limits::kRequestBytesMax, ' ');
  const ParsedRequest request = parse(frame);
  ASSERT_FALSE(request.request_rejection.has_value());
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_TRUE(request.items[0].transaction.has_value());
  frame += ' ';
  EXPECT_TRUE(is_request_rejected(parse(frame), RejectionCode::too_large,
                                  "request is 1048577 bytes, the limit is 1048576"));
}

// What one parsed request says, in comparable form: the canonical JSON of each valid item.
json summary_of(const ParsedRequest& request) {
  json out = {{"is_array", request.is_array}, {"items", json::array()}};
  if (request.request_rejection) {
    out["request_rejection"] = {to_string(request.request_rejection->code),
                                request.request_rejection->path,
                                request.request_rejection->message};
  }
  for (const ParsedItem& item : request.items) {
    json summary = {{"id", item.id}, {"source", item.source}};
    if (item.transaction) {
      summary["canonical"] = canonical_json(*item.transaction);
      summary["totals"] = {item.transaction->debit_total, item.transaction->credit_total,
                           item.transaction->minor_units};
    } else {
      summary["rejection"] = {to_string(item.rejection.code), item.rejection.path,
                              item.rejection.message};
    }
    out["items"].push_back(summary);
  }
  return out;
}

// The router parses every frame into one ParsedRequest, reusing its transactions' buffers: each
// parse must say exactly what a parse into a fresh request says, whatever the previous frame
// left behind (more lines, optional fields, attributes, array items, a rejection).
TEST_F(ParseRequestTest, ParsingIntoAReusedRequestSaysWhatAFreshParseSays) {
  json full = test_data::full_transaction();
  json minimal = test_data::minimal_transaction();
  json yen = test_data::minimal_transaction();
  yen["currency"] = "JPY";
  yen["lines"] = json::array({{{"account", "1200"}, {"debit", "500"}},
                              {{"account", "4000"}, {"credit", "500"}}});
  json unknown_field = minimal;
  unknown_field["colour"] = "blue";
  json unbalanced = full;
  unbalanced["lines"][0]["debit"] = "120.00";
  json no_id = minimal;
  no_id.erase("id");
  json many_lines = minimal;
  many_lines["lines"] = json::array();
  for (int i = 0; i < 40; ++i) {
    many_lines["lines"].push_back({{"account", "1200"}, {"debit", "1.00"}, {"tax_code", "V19"}});
    many_lines["lines"].push_back({{"account", "4000"}, {"credit", "1.00"}});
  }
  const std::vector<std::string> frames = {
      full.dump(),
      minimal.dump(),
      json::array({full, unknown_field, yen}).dump(),
      yen.dump(),
      "{not json",
      many_lines.dump(),
      unbalanced.dump(),
      full.dump(),
      no_id.dump(),
      json::array({minimal, full}).dump(),
      "[]",
      json::array({unbalanced, many_lines, no_id, minimal}).dump(),
      minimal.dump(),
  };
  for (bool reversed : {false, true}) {
    std::vector<std::string> order = frames;
    if (reversed) std::reverse(order.begin(), order.end());
    ParsedRequest reused;
    for (const std::string& frame : order) {
      parser_.parse_request(frame, reused);
      TransactionParser fresh_parser;
      EXPECT_EQ(summary_of(reused), summary_of(fresh_parser.parse_request(frame)))
          << (reversed ? "reversed, " : "") << "frame " << frame;
    }
  }
}

TEST_F(ParseRequestTest, ParserIsReusableAfterLargeAndBrokenFrames) {
  std::string large = "[";
  for (int i = 0; i < 2000; ++i) {
    large += (i == 0 ? "" : ",") + test_data::minimal_transaction().dump();
  }
  large += "]";
  ASSERT_GT(large.size(), 64U * 1024U);
  EXPECT_EQ(parse(large).items.size(), 2000U);
  EXPECT_TRUE(parse("{\"broken\"").request_rejection.has_value());
  EXPECT_TRUE(parse(std::string(1000, '[')).request_rejection.has_value());
  const ParsedRequest request = parse(test_data::full_transaction().dump());
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_TRUE(request.items[0].transaction.has_value());
}

TEST_F(ParseRequestTest, FrameWithoutTrailingNulOrPaddingIsReadWithinBounds) {
  // The frame is a view into a larger buffer: the parser must not read past its end.
  const std::string text = test_data::minimal_transaction().dump() + "garbage";
  const std::string_view frame(text.data(), text.size() - 7);
  const ParsedRequest request = parse(frame);
  ASSERT_FALSE(request.request_rejection.has_value());
  EXPECT_TRUE(request.items[0].transaction.has_value());
}

TEST_F(ParseRequestTest, RandomlyCorruptedFramesAreAnsweredNotCrashedOn) {
  // A cheap fuzz pass (run under the asan preset too): every mutation of valid frames gets a
  // well-formed answer, one item per element, each valid or rejected with a code and message.
  const std::string valid =
      json::array({test_data::full_transaction(), test_data::minimal_transaction()}).dump();
  using std::string_literals::operator""s;
  const std::string bytes = "{}[]\",:.-+0e\\u\x00\x7f\xc3\xa9\xff abcnulltrue"s;
  std::mt19937 random(4217);
  const auto pick = [&random](std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
  };
  for (int round = 0; round < 20'000; ++round) {
    std::string frame = valid;
    for (std::size_t edits = pick(4) + 1; edits > 0; --edits) {
      const std::size_t at = pick(frame.size());
      switch (pick(3)) {
        case 0:
          frame[at] = bytes[pick(bytes.size())];
          break;
        case 1:
          frame.erase(at, pick(8) + 1);
          break;
        default:
          frame.insert(at, 1, bytes[pick(bytes.size())]);
          break;
      }
      if (frame.empty()) frame = "[";
    }
    const ParsedRequest request = parse(frame);
    if (request.request_rejection) {
      ASSERT_TRUE(request.items.empty());
      ASSERT_FALSE(request.request_rejection->message.empty());
      continue;
    }
    for (const ParsedItem& item : request.items) {
      if (!item.transaction) {
        ASSERT_FALSE(item.rejection.message.empty()) << frame;
      }
    }
  }
}

}  // namespace
}  // namespace coexist
