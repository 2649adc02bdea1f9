#include "model/canonical_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/transaction_parser.h"
#include "tests/model/test_transactions.h"

namespace coexist {
namespace {

using nlohmann::json;

Transaction parsed(const json& transaction) {
  TransactionParser parser;
  ParsedItem item = parser.parse_transaction(transaction.dump());
  EXPECT_TRUE(item.transaction.has_value())
      << item.rejection.path << ": " << item.rejection.message;
  return item.transaction ? *item.transaction : Transaction{};
}

std::string escaped(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(CanonicalJson, DesignExampleHasSortedKeysAndNoWhitespace) {
  EXPECT_EQ(canonical_json(parsed(test_data::full_transaction())),
            R"({"amends":"INV-2026-000101","attributes":{"channel":"partner","region":"EMEA"},)"
            R"("correlation_id":"order-88121","currency":"EUR","description":"Subscription Nov",)"
            R"("document_date":"2026-11-24","entity":"DE01","id":"INV-2026-000123","lines":[)"
            R"({"account":"1200","cost_center":"CC10","debit":"119.00"},)"
            R"({"account":"4000","credit":"100.00","description":"fee","profit_center":"PC1"},)"
            R"({"account":"1776","counterparty":"C-77","credit":"19.00","tax_code":"V19"}],)"
            R"("posting_date":"2026-11-25","reference":"SO-4411","source":"billing",)"
            R"("traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",)"
            R"("type":"invoice"})");
}

TEST(CanonicalJson, AbsentOptionalFieldsAreOmitted) {
  EXPECT_EQ(canonical_json(parsed(test_data::minimal_transaction())),
            R"({"currency":"EUR","entity":"DE01","id":"INV-2026-000123","lines":[)"
            R"({"account":"1200","debit":"119.00"},{"account":"4000","credit":"119.00"}],)"
            R"("posting_date":"2026-11-25","source":"billing","type":"invoice"})");
}

TEST(CanonicalJson, EmptyAttributesObjectIsOmitted) {
  json transaction = test_data::minimal_transaction();
  transaction["attributes"] = json::object();
  EXPECT_EQ(canonical_json(parsed(transaction)),
            canonical_json(parsed(test_data::minimal_transaction())));
}

TEST(CanonicalJson, AmountsAreNormalisedToTheCurrencyMinorUnits) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][0]["debit"] = "119.0";
  transaction["lines"][1]["credit"] = "119";
  const std::string canonical = canonical_json(parsed(transaction));
  EXPECT_NE(canonical.find(R"("debit":"119.00")"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find(R"("credit":"119.00")"), std::string::npos) << canonical;
}

TEST(CanonicalJson, ZeroAndFourDecimalCurrenciesFormatExactly) {
  json transaction = test_data::minimal_transaction();
  transaction["currency"] = "JPY";
  transaction["lines"][0]["debit"] = "0001000";
  transaction["lines"][1]["credit"] = "1000";
  EXPECT_NE(canonical_json(parsed(transaction)).find(R"("debit":"1000")"), std::string::npos);
  transaction["currency"] = "CLF";
  transaction["lines"][0]["debit"] = "0.0001";
  transaction["lines"][1]["credit"] = "0.0001";
  EXPECT_NE(canonical_json(parsed(transaction)).find(R"("debit":"0.0001")"), std::string::npos);
}

TEST(CanonicalJson, EqualContentWithDifferentLayoutIsByteEqual) {
  const std::string compact = test_data::full_transaction().dump();
  const std::string pretty = test_data::full_transaction().dump(4);
  TransactionParser parser;
  const ParsedItem first = parser.parse_transaction(compact);
  const ParsedItem second = parser.parse_transaction(pretty);
  ASSERT_TRUE(first.transaction && second.transaction);
  EXPECT_EQ(canonical_json(*first.transaction), canonical_json(*second.transaction));
}

TEST(CanonicalJson, HeavilyEscapedStringsOutgrowTheSizeEstimate) {
  // Every character of these strings turns into six ("\u0001"): far beyond the estimate the
  // writer starts from, so it must grow mid-write without losing what it wrote.
  json transaction = test_data::minimal_transaction();
  transaction["description"] = std::string(1024, '\x01');
  transaction["attributes"] = {{"a", std::string(256, '\x1f')}, {"b", std::string(256, '"')}};
  transaction["lines"][0]["description"] = std::string(1024, '\n');
  const std::string canonical = canonical_json(parsed(transaction));
  EXPECT_EQ(canonical, transaction.dump());
  EXPECT_GT(canonical.size(), 6U * 1024U);
}

TEST(CanonicalJson, AppendKeepsExistingOutput) {
  std::string out = "prefix:";
  append_canonical_json(parsed(test_data::minimal_transaction()), out);
  EXPECT_EQ(out, "prefix:" + canonical_json(parsed(test_data::minimal_transaction())));
}

TEST(JsonString, EveryAsciiByteIsEscapedLikeNlohmann) {
  for (int byte = 0; byte < 0x80; ++byte) {
    const std::string text = "a" + std::string(1, static_cast<char>(byte)) + "b";
    EXPECT_EQ(escaped(text), json(text).dump()) << "byte " << byte;
  }
}

TEST(JsonString, EscapeIsFoundAtEveryPositionOfALongString) {
  // The writer skips eight bytes at a time: an escape must be seen wherever it sits.
  for (int byte = 0; byte < 0x80; ++byte) {
    for (std::size_t position = 0; position < 24; ++position) {
      std::string text = "abcdefghijklmnopqrstuvwx";
      text[position] = static_cast<char>(byte);
      ASSERT_EQ(escaped(text), json(text).dump()) << "byte " << byte << " at " << position;
    }
  }
}

TEST(JsonString, MultiByteCharactersNextToEscapes) {
  for (const std::string text : {"€\"€", "ééééééé\n", "😀😀\t😀😀\u001f", "\x7f€\x01ü\"\\"}) {
    EXPECT_EQ(escaped(text), json(text).dump());
  }
}

TEST(JsonString, ShortEscapesAndLowerCaseHex) {
  EXPECT_EQ(escaped("\"\\\b\f\n\r\t"), R"("\"\\\b\f\n\r\t")");
  EXPECT_EQ(escaped(std::string("\0\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(escaped("\x1b"), R"("\u001b")");
}

TEST(JsonString, DeleteSlashAndNonAsciiPassThrough) {
  EXPECT_EQ(escaped("\x7f"), "\"\x7f\"");
  EXPECT_EQ(escaped("a/b"), "\"a/b\"");
  EXPECT_EQ(escaped("Zürich €5 😀 \u2028"), "\"Zürich €5 😀 \u2028\"");
  EXPECT_EQ(escaped("Zürich €5 😀 \u2028"), json("Zürich €5 😀 \u2028").dump());
}

TEST(JsonString, EmptyString) { EXPECT_EQ(escaped(""), "\"\""); }

// Random transactions whose strings mix quotes, backslashes, control characters, NUL, DEL,
// JSON punctuation and multi-byte UTF-8: the fixed seed makes any failure reproducible.
class RandomTransactions {
 public:
  explicit RandomTransactions(std::uint32_t seed) : random_(seed) {}

  json next() {
    json transaction = test_data::minimal_transaction();
    transaction["id"] = text(kIdentifierPieces, 1, 20);
    transaction["entity"] = text(kIdentifierPieces, 1, 8);
    transaction["source"] = "src." + std::to_string(pick(1000));
    if (coin()) transaction["description"] = text(kAnyPieces, 1, 40);
    if (coin()) transaction["reference"] = text(kIdentifierPieces, 1, 20);
    if (coin()) transaction["correlation_id"] = text(kIdentifierPieces, 1, 20);
    if (coin()) transaction["amends"] = text(kIdentifierPieces, 1, 20);
    if (coin()) transaction["document_date"] = "2024-02-29";
    if (coin()) {
      json attributes = json::object();
      for (std::size_t i = pick(6) + 1; i > 0; --i) {
        attributes[text(kIdentifierPieces, 1, 10)] = text(kAnyPieces, 0, 20);
      }
      transaction["attributes"] = attributes;
    }
    transaction["lines"] = lines();
    return transaction;
  }

 private:
  static constexpr const char* kIdentifierPieces[] = {
      "a", "Z", "0", "-", " ", "\"", "\\",     "/",      "{", "}", "[",
      "]", ",", ":", "é", "€", "😀",  "\u2028", "\u00a0", "'", "<", "&"};
  static constexpr const char* kAnyPieces[] = {
      "a",    "Z",    "0",    " ",      "\"", "\\", "/", "\b",     "\f", "\n", "\r", "\t",
      "\x01", "\x1f", "\x7f", "\u0000", "é",  "€",  "😀", "\u2028", "{",  "}",  ",",  ":"};

  std::size_t pick(std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
  }
  bool coin() { return pick(2) == 0; }

  template <std::size_t N>
  std::string text(const char* const (&pieces)[N], std::size_t length_min, std::size_t length_max) {
    std::string result;
    const std::size_t length = length_min + pick(length_max - length_min + 1);
    for (std::size_t i = 0; i < length; ++i) {
      const std::string_view piece = pieces[pick(N)];
      // "\u0000" in a C string is empty: stand for NUL explicitly.
      result += piece.empty() ? std::string(1, '\0') : std::string(piece);
    }
    return result;
  }

  json lines() {
    json lines = json::array();
    std::int64_t total = 0;
    for (std::size_t i = pick(5) + 1; i > 0; --i) {
      const std::int64_t cents = static_cast<std::int64_t>(pick(10'000'000)) + 1;
      total += cents;
      json line = {{"account", text(kIdentifierPieces, 1, 6)}, {"debit", cents_text(cents)}};
      if (coin()) line["description"] = text(kAnyPieces, 1, 20);
      if (coin()) line["tax_code"] = text(kIdentifierPieces, 1, 6);
      lines.push_back(line);
    }
    lines.push_back({{"account", "9999"}, {"credit", cents_text(total)}});
    return lines;
  }

  static std::string cents_text(std::int64_t cents) {
    return std::to_string(cents / 100) + "." + std::to_string(cents % 100 / 10) +
           std::to_string(cents % 10);
  }

  std::mt19937 random_;
};

TEST(CanonicalJson, RoundTripThroughNlohmannIsTheIdentity) {
  RandomTransactions transactions(20261125);
  TransactionParser parser;
  for (int i = 0; i < 2000; ++i) {
    const json input = transactions.next();
    const ParsedItem item = parser.parse_transaction(input.dump());
    ASSERT_TRUE(item.transaction.has_value())
        << i << ": " << item.rejection.path << ": " << item.rejection.message;
    const std::string canonical = canonical_json(*item.transaction);
    ASSERT_EQ(canonical, json::parse(canonical).dump()) << "transaction " << i;
    // Already-normalised amounts: the canonical form is what nlohmann makes of the input.
    ASSERT_EQ(canonical, input.dump()) << "transaction " << i;
  }
}

TEST(CanonicalJson, ParsingTheCanonicalFormIsAFixedPoint) {
  RandomTransactions transactions(7);
  TransactionParser parser;
  for (int i = 0; i < 500; ++i) {
    const ParsedItem first = parser.parse_transaction(transactions.next().dump(2));
    ASSERT_TRUE(first.transaction.has_value()) << i << ": " << first.rejection.message;
    const std::string canonical = canonical_json(*first.transaction);
    const ParsedItem second = parser.parse_transaction(canonical);
    ASSERT_TRUE(second.transaction.has_value()) << i << ": " << second.rejection.message;
    ASSERT_EQ(canonical_json(*second.transaction), canonical) << "transaction " << i;
  }
}

}  // namespace
}  // namespace coexist
