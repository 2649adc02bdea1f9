// Element-level rules of TransactionParser: one transaction object judged alone.

#include "model/transaction_parser.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/model/test_transactions.h"

namespace coexist {
namespace {

using nlohmann::json;
using test_data::is_rejected;

class TransactionParserTest : public ::testing::Test {
 protected:
  ParsedItem parse(const json& transaction) {
    return parser_.parse_transaction(transaction.dump());
  }
  ParsedItem parse_text(std::string_view text) { return parser_.parse_transaction(text); }

  // The minimal transaction with `field` set to `value`.
  ParsedItem parse_with(const std::string& field, const json& value) {
    json transaction = test_data::minimal_transaction();
    transaction[field] = value;
    return parse(transaction);
  }
  // The minimal transaction with lines[0].field set to `value`.
  ParsedItem parse_with_line(const std::string& field, const json& value) {
    json transaction = test_data::minimal_transaction();
    transaction["lines"][0][field] = value;
    return parse(transaction);
  }
  // The minimal transaction in `currency`, one line debiting and one crediting `amount`.
  ParsedItem parse_amount_in(const char* currency, const char* amount) {
    json transaction = test_data::minimal_transaction();
    transaction["currency"] = currency;
    transaction["lines"][0]["debit"] = amount;
    transaction["lines"][1]["credit"] = amount;
    return parse(transaction);
  }

  TransactionParser parser_;
};

std::string repeated(std::string_view piece, std::size_t count) {
  std::string result;
  for (std::size_t i = 0; i < count; ++i) result += piece;
  return result;
}

TEST_F(TransactionParserTest, FullTransactionIsAcceptedWithEveryField) {
  const ParsedItem item = parse(test_data::full_transaction());
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  const Transaction& transaction = *item.transaction;
  EXPECT_EQ(transaction.id, "INV-2026-000123");
  EXPECT_EQ(transaction.source, "billing");
  EXPECT_EQ(transaction.entity, "DE01");
  EXPECT_EQ(transaction.type, "invoice");
  EXPECT_EQ(transaction.posting_date, "2026-11-25");
  EXPECT_EQ(transaction.document_date, "2026-11-24");
  EXPECT_EQ(transaction.currency, "EUR");
  EXPECT_EQ(transaction.minor_units, 2);
  EXPECT_EQ(transaction.reference, "SO-4411");
  EXPECT_EQ(transaction.description, "Subscription Nov");
  EXPECT_EQ(transaction.correlation_id, "order-88121");
  EXPECT_EQ(transaction.amends, "INV-2026-000101");
  EXPECT_EQ(transaction.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  using Attribute = std::pair<std::string, std::string>;
  EXPECT_EQ(transaction.attributes,
            (std::vector<Attribute>{{"channel", "partner"}, {"region", "EMEA"}}));
  ASSERT_EQ(transaction.lines.size(), 3U);
  EXPECT_EQ(transaction.lines[0].account, "1200");
  EXPECT_EQ(transaction.lines[0].side, Side::debit);
  EXPECT_EQ(transaction.lines[0].amount_minor, 11900);
  EXPECT_EQ(transaction.lines[0].cost_center, "CC10");
  EXPECT_EQ(transaction.lines[1].side, Side::credit);
  EXPECT_EQ(transaction.lines[1].amount_minor, 10000);
  EXPECT_EQ(transaction.lines[1].profit_center, "PC1");
  EXPECT_EQ(transaction.lines[1].description, "fee");
  EXPECT_EQ(transaction.lines[2].tax_code, "V19");
  EXPECT_EQ(transaction.lines[2].counterparty, "C-77");
  EXPECT_EQ(transaction.debit_total, 11900);
  EXPECT_EQ(transaction.credit_total, 11900);
  EXPECT_EQ(item.id, "INV-2026-000123");
  EXPECT_EQ(item.source, "billing");
}

TEST_F(TransactionParserTest, MinimalTransactionLeavesOptionalFieldsEmpty) {
  const ParsedItem item = parse(test_data::minimal_transaction());
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  EXPECT_TRUE(item.transaction->reference.empty());
  EXPECT_TRUE(item.transaction->traceparent.empty());
  EXPECT_TRUE(item.transaction->attributes.empty());
  EXPECT_TRUE(item.transaction->lines[0].cost_center.empty());
}

// --- required fields ----------------------------------------------------------------------

TEST_F(TransactionParserTest, MissingRequiredFieldIsSchemaWithItsPath) {
  for (const char* field :
       {"id", "source", "entity", "type", "posting_date", "currency", "lines"}) {
    json transaction = test_data::minimal_transaction();
    transaction.erase(field);
    EXPECT_TRUE(
        is_rejected(parse(transaction), RejectionCode::schema, field, "missing required field"))
        << field;
  }
}

TEST_F(TransactionParserTest, NumberWhereStringBelongsIsSchema) {
  for (const char* field :
       {"id", "source", "entity", "type", "posting_date", "currency", "document_date", "reference",
        "description", "correlation_id", "amends", "traceparent"}) {
    EXPECT_TRUE(
        is_rejected(parse_with(field, 42), RejectionCode::schema, field, "must be a string"))
        << field;
  }
}

TEST_F(TransactionParserTest, NullBoolObjectOrArrayWhereStringBelongsIsSchema) {
  for (const json& value : {json(nullptr), json(true), json::object(), json::array()}) {
    EXPECT_TRUE(is_rejected(parse_with("entity", value), RejectionCode::schema, "entity",
                            "must be a string"))
        << value.dump();
  }
}

TEST_F(TransactionParserTest, EmptyRequiredStringIsSchema) {
  EXPECT_TRUE(is_rejected(parse_with("id", ""), RejectionCode::schema, "id", "must not be empty"));
  EXPECT_TRUE(
      is_rejected(parse_with("entity", ""), RejectionCode::schema, "entity", "must not be empty"));
}

TEST_F(TransactionParserTest, IdLengthIsCountedInCodePoints) {
  // 128 two-byte characters are 256 bytes but within the limit.
  const ParsedItem at_limit = parse_with("id", repeated("é", 128));
  EXPECT_TRUE(at_limit.transaction.has_value()) << at_limit.rejection.message;
  EXPECT_TRUE(is_rejected(parse_with("id", repeated("é", 129)), RejectionCode::schema, "id",
                          "must be at most 128 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("id", repeated("x", 129)), RejectionCode::schema, "id",
                          "must be at most 128 characters long"));
}

TEST_F(TransactionParserTest, FieldLengthLimitsAreEnforced) {
  EXPECT_TRUE(parse_with("entity", repeated("E", 32)).transaction.has_value());
  EXPECT_TRUE(is_rejected(parse_with("entity", repeated("E", 33)), RejectionCode::schema, "entity",
                          "must be at most 32 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("source", repeated("s", 65)), RejectionCode::schema, "source",
                          "must be at most 64 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("type", repeated("t", 33)), RejectionCode::schema, "type",
                          "must be at most 32 characters long"));
  EXPECT_TRUE(parse_with("description", repeated("€", 1024)).transaction.has_value());
  EXPECT_TRUE(is_rejected(parse_with("description", repeated("€", 1025)), RejectionCode::schema,
                          "description", "must be at most 1024 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("reference", repeated("r", 129)), RejectionCode::schema,
                          "reference", "must be at most 128 characters long"));
}

TEST_F(TransactionParserTest, SourceOutsideItsAlphabetIsSchema) {
  EXPECT_TRUE(parse_with("source", "crm_v2.eu-west").transaction.has_value());
  for (const char* source : {"bill ing", "billing/eu", "billing:1", "bïlling"}) {
    EXPECT_TRUE(is_rejected(parse_with("source", source), RejectionCode::schema, "source",
                            "may contain only letters, digits, '_', '.' and '-'"))
        << source;
  }
}

TEST_F(TransactionParserTest, TypeMustBeLowerSnakeCase) {
  EXPECT_TRUE(parse_with("type", "credit_memo").transaction.has_value());
  // Unknown but well-formed types pass: the rules decide what to do with them.
  EXPECT_TRUE(parse_with("type", "usage_charge2").transaction.has_value());
  for (const char* type : {"Invoice", "credit-memo", "1invoice", "_invoice", "invoice memo"}) {
    EXPECT_TRUE(is_rejected(parse_with("type", type), RejectionCode::schema, "type",
                            "must be lower snake case such as \"credit_memo\""))
        << type;
  }
}

TEST_F(TransactionParserTest, ThirtiethOfFebruaryIsSchema) {
  EXPECT_TRUE(
      is_rejected(parse_with("posting_date", "2026-02-30"), RejectionCode::schema, "posting_date",
                  "must be a real calendar date written YYYY-MM-DD, 1900-01-01 to 9999-12-31"));
  EXPECT_TRUE(
      is_rejected(parse_with("document_date", "2026-13-01"), RejectionCode::schema, "document_date",
                  "must be a real calendar date written YYYY-MM-DD, 1900-01-01 to 9999-12-31"));
  EXPECT_TRUE(is_rejected(
      parse_with("posting_date", "2026-11-25T10:00:00Z"), RejectionCode::schema, "posting_date",
      "must be a real calendar date written YYYY-MM-DD, 1900-01-01 to 9999-12-31"));
  // The range is in the message: without it "1899-12-31" would look like a real date refused.
  EXPECT_TRUE(
      is_rejected(parse_with("posting_date", "1899-12-31"), RejectionCode::schema, "posting_date",
                  "must be a real calendar date written YYYY-MM-DD, 1900-01-01 to 9999-12-31"));
  EXPECT_TRUE(parse_with("posting_date", "1900-01-01").transaction.has_value());
}

TEST_F(TransactionParserTest, UnknownCurrencyIsUnknownCurrency) {
  EXPECT_TRUE(is_rejected(parse_with("currency", "EURO"), RejectionCode::unknown_currency,
                          "currency", "\"EURO\" is not an ISO 4217 currency code"));
  EXPECT_TRUE(is_rejected(parse_with("currency", "eur"), RejectionCode::unknown_currency,
                          "currency", "\"eur\" is not an ISO 4217 currency code"));
  EXPECT_TRUE(is_rejected(parse_with("currency", "XAU"), RejectionCode::unknown_currency,
                          "currency", "\"XAU\" is not an ISO 4217 currency code"));
  EXPECT_TRUE(is_rejected(parse_with("currency", ""), RejectionCode::unknown_currency, "currency",
                          "\"\" is not an ISO 4217 currency code"));
  EXPECT_TRUE(is_rejected(parse_with("currency", repeated("X", 1000)),
                          RejectionCode::unknown_currency, "currency",
                          "must be an ISO 4217 currency code such as \"EUR\""));
}

TEST_F(TransactionParserTest, MinorUnitsComeFromTheCurrency) {
  const ParsedItem yen = parse_amount_in("JPY", "1000");
  ASSERT_TRUE(yen.transaction.has_value()) << yen.rejection.message;
  EXPECT_EQ(yen.transaction->minor_units, 0);
  EXPECT_EQ(yen.transaction->lines[0].amount_minor, 1000);
  const ParsedItem dinar = parse_amount_in("BHD", "1.5");
  ASSERT_TRUE(dinar.transaction.has_value()) << dinar.rejection.message;
  EXPECT_EQ(dinar.transaction->minor_units, 3);
  EXPECT_EQ(dinar.transaction->lines[0].amount_minor, 1500);
}

// --- identifiers and control characters ---------------------------------------------------

TEST_F(TransactionParserTest, ControlCharacterInIdentifierIsSchema) {
  for (const char* field : {"id", "entity", "reference", "correlation_id", "amends"}) {
    for (const char* value : {"a\nb", "a\tb", "\x01", "a\x7f"}) {
      EXPECT_TRUE(is_rejected(parse_with(field, value), RejectionCode::schema, field,
                              "must not contain control characters"))
          << field;
    }
  }
  EXPECT_TRUE(is_rejected(parse_with_line("account", "12\n00"), RejectionCode::schema,
                          "lines[0].account", "must not contain control characters"));
  EXPECT_TRUE(is_rejected(parse_with_line("cost_center", std::string("C\0C", 3)),
                          RejectionCode::schema, "lines[0].cost_center",
                          "must not contain control characters"));
}

// `amends` is an earlier transaction's id: a self-amend could never be delivered after its
// predecessor, so it would wait for ever.
TEST_F(TransactionParserTest, AmendingItselfIsSchemaAtAmends) {
  const json id = test_data::minimal_transaction()["id"];
  EXPECT_TRUE(is_rejected(parse_with("amends", id), RejectionCode::schema, "amends",
                          "a transaction cannot amend itself (amends equals id)"));
  const ParsedItem other = parse_with("amends", "INV-2026-000101");
  EXPECT_TRUE(other.transaction.has_value()) << other.rejection.message;
}

TEST_F(TransactionParserTest, DescriptionMayContainControlCharacters) {
  const std::string description = std::string("line 1\nline 2\t") + '\0' + "\x7f";
  const ParsedItem item = parse_with("description", description);
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  EXPECT_EQ(item.transaction->description, description);
  EXPECT_TRUE(parse_with_line("description", "a\nb").transaction.has_value());
}

TEST_F(TransactionParserTest, IdentifierWithUnicodeAndPunctuationIsAccepted) {
  const ParsedItem item = parse_with("id", "Rechnung «Nr. 5» \"quoted\" \\ 😀");
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  EXPECT_EQ(item.transaction->id, "Rechnung «Nr. 5» \"quoted\" \\ 😀");
}

// --- optional fields -----------------------------------------------------------------------

TEST_F(TransactionParserTest, EmptyOptionalStringIsSchema) {
  for (const char* field :
       {"document_date", "reference", "description", "correlation_id", "amends", "traceparent"}) {
    EXPECT_TRUE(
        is_rejected(parse_with(field, ""), RejectionCode::schema, field, "must not be empty"))
        << field;
  }
  EXPECT_TRUE(is_rejected(parse_with_line("tax_code", ""), RejectionCode::schema,
                          "lines[0].tax_code", "must not be empty"));
}

TEST_F(TransactionParserTest, NullOptionalFieldIsSchemaNotAbsent) {
  EXPECT_TRUE(is_rejected(parse_with("reference", nullptr), RejectionCode::schema, "reference",
                          "must be a string"));
}

TEST_F(TransactionParserTest, MalformedTraceparentIsSchema) {
  const std::string message =
      "must be a W3C traceparent such as "
      "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"";
  EXPECT_TRUE(parse_with("traceparent", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                  .transaction.has_value());
  // A later version may append fields after a "-" (W3C Trace Context 3.2.4): kept as sent.
  for (const std::string later : {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                                  "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-a-b"}) {
    ParsedItem item = parse_with("traceparent", later);
    ASSERT_TRUE(item.transaction.has_value()) << later << ": " << item.rejection.message;
    EXPECT_EQ(item.transaction->traceparent, later);
  }
  const std::string longest = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-" +
                              std::string(limits::kTraceparentLengthMax - 56, 'x');
  EXPECT_TRUE(parse_with("traceparent", longest).transaction.has_value());
  EXPECT_TRUE(is_rejected(parse_with("traceparent", longest + "x"), RejectionCode::schema,
                          "traceparent", "must be at most 256 characters long"));
  for (const char* traceparent : {
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",    // upper case
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // short trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",   // trailing text
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // version 00 appends none
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // no "-" before more
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-a b",  // not printable
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",       // short flags
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",      // separators
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg-01",      // not hex
       }) {
    EXPECT_TRUE(is_rejected(parse_with("traceparent", traceparent), RejectionCode::schema,
                            "traceparent", message))
        << traceparent;
  }
}

TEST_F(TransactionParserTest, AttributesAreSortedByName) {
  const ParsedItem item =
      parse_with("attributes", json::parse(R"({"zeta":"1","alpha":"2","Beta":"","mid":"3"})"));
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  using Attribute = std::pair<std::string, std::string>;
  EXPECT_EQ(item.transaction->attributes,
            (std::vector<Attribute>{{"Beta", ""}, {"alpha", "2"}, {"mid", "3"}, {"zeta", "1"}}));
}

TEST_F(TransactionParserTest, AttributesThatAreNotAnObjectAreSchema) {
  EXPECT_TRUE(is_rejected(parse_with("attributes", json::array({"a"})), RejectionCode::schema,
                          "attributes", "must be an object"));
  EXPECT_TRUE(is_rejected(parse_with("attributes", "region=EMEA"), RejectionCode::schema,
                          "attributes", "must be an object"));
}

TEST_F(TransactionParserTest, NonStringAttributeValueIsSchemaAtItsKey) {
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{"region", 5}}), RejectionCode::schema,
                          "attributes.region", "must be a string"));
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{"nested", {{"a", "b"}}}}),
                          RejectionCode::schema, "attributes.nested", "must be a string"));
}

TEST_F(TransactionParserTest, AttributeLimitsAreEnforced) {
  json attributes = json::object();
  for (int i = 0; i < 64; ++i) attributes["k" + std::to_string(i)] = "v";
  EXPECT_TRUE(parse_with("attributes", attributes).transaction.has_value());
  attributes["one_too_many"] = "v";
  EXPECT_TRUE(is_rejected(parse_with("attributes", attributes), RejectionCode::schema, "attributes",
                          "at most 64 attributes"));
  EXPECT_TRUE(
      parse_with("attributes", {{repeated("ß", 64), repeated("€", 256)}}).transaction.has_value());
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{repeated("k", 65), "v"}}),
                          RejectionCode::schema, "attributes",
                          "attribute names must be at most 64 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{"region", repeated("v", 257)}}),
                          RejectionCode::schema, "attributes.region",
                          "must be at most 256 characters long"));
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{"", "v"}}), RejectionCode::schema,
                          "attributes", "attribute names must not be empty"));
  EXPECT_TRUE(is_rejected(parse_with("attributes", {{"re\tgion", "v"}}), RejectionCode::schema,
                          "attributes.re\tgion",
                          "attribute names must not contain control characters"));
}

// --- unknown and duplicate fields ----------------------------------------------------------

TEST_F(TransactionParserTest, UnknownTopLevelFieldIsSchema) {
  EXPECT_TRUE(
      is_rejected(parse_with("ammount", "5"), RejectionCode::schema, "ammount", "unknown field"));
  // Field names are case-sensitive.
  EXPECT_TRUE(is_rejected(parse_with("ID", "x"), RejectionCode::schema, "ID", "unknown field"));
}

TEST_F(TransactionParserTest, UnknownLineFieldIsSchema) {
  EXPECT_TRUE(is_rejected(parse_with_line("memo", "x"), RejectionCode::schema, "lines[0].memo",
                          "unknown field"));
}

TEST_F(TransactionParserTest, DuplicateTopLevelKeyIsSchema) {
  const std::string text = R"({"id":"A","source":"billing","entity":"DE01","type":"invoice",
      "posting_date":"2026-11-25","currency":"EUR","id":"B",
      "lines":[{"account":"1","debit":"1"},{"account":"2","credit":"1"}]})";
  const ParsedItem item = parse_text(text);
  EXPECT_TRUE(is_rejected(item, RejectionCode::schema, "id", "duplicate field"));
  EXPECT_EQ(item.id, "A");  // the first occurrence names the transaction
}

TEST_F(TransactionParserTest, DuplicateLineKeyIsSchema) {
  const std::string text = R"({"id":"A","source":"billing","entity":"DE01","type":"invoice",
      "posting_date":"2026-11-25","currency":"EUR",
      "lines":[{"account":"1","debit":"1"},{"account":"2","credit":"1","credit":"1"}]})";
  EXPECT_TRUE(
      is_rejected(parse_text(text), RejectionCode::schema, "lines[1].credit", "duplicate field"));
}

TEST_F(TransactionParserTest, DuplicateAttributeNameIsSchema) {
  const std::string text = R"({"id":"A","source":"billing","entity":"DE01","type":"invoice",
      "posting_date":"2026-11-25","currency":"EUR","attributes":{"r":"1","s":"2","r":"1"},
      "lines":[{"account":"1","debit":"1"},{"account":"2","credit":"1"}]})";
  EXPECT_TRUE(
      is_rejected(parse_text(text), RejectionCode::schema, "attributes.r", "duplicate field"));
}

// --- lines ---------------------------------------------------------------------------------

TEST_F(TransactionParserTest, LinesThatAreNotAnArrayAreSchema) {
  EXPECT_TRUE(is_rejected(parse_with("lines", {{"account", "1"}}), RejectionCode::schema, "lines",
                          "must be an array"));
}

TEST_F(TransactionParserTest, EmptyLinesAreSchema) {
  EXPECT_TRUE(is_rejected(parse_with("lines", json::array()), RejectionCode::schema, "lines",
                          "must have at least one line"));
}

TEST_F(TransactionParserTest, ThousandLinesAreAccepted) {
  json lines = json::array();
  for (int i = 0; i < 500; ++i) {
    lines.push_back({{"account", "1200"}, {"debit", "0.01"}});
    lines.push_back({{"account", "4000"}, {"credit", "0.01"}});
  }
  const ParsedItem item = parse_with("lines", lines);
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  EXPECT_EQ(item.transaction->lines.size(), 1000U);
  EXPECT_EQ(item.transaction->debit_total, 500);
}

TEST_F(TransactionParserTest, ThousandAndOneLinesAreSchema) {
  json lines = json::array();
  for (int i = 0; i < 1001; ++i) lines.push_back({{"account", "1200"}, {"debit", "0.01"}});
  EXPECT_TRUE(is_rejected(parse_with("lines", lines), RejectionCode::schema, "lines",
                          "at most 1000 lines"));
}

TEST_F(TransactionParserTest, LineThatIsNotAnObjectIsSchema) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][1] = "4000:119.00";
  EXPECT_TRUE(
      is_rejected(parse(transaction), RejectionCode::schema, "lines[1]", "expected a line object"));
}

TEST_F(TransactionParserTest, LineWithoutAccountIsSchema) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][1].erase("account");
  EXPECT_TRUE(is_rejected(parse(transaction), RejectionCode::schema, "lines[1].account",
                          "missing required field"));
  EXPECT_TRUE(is_rejected(parse_with_line("account", 1200), RejectionCode::schema,
                          "lines[0].account", "must be a string"));
  EXPECT_TRUE(is_rejected(parse_with_line("account", repeated("9", 65)), RejectionCode::schema,
                          "lines[0].account", "must be at most 64 characters long"));
}

TEST_F(TransactionParserTest, DebitAndCreditOnOneLineIsSchema) {
  EXPECT_TRUE(is_rejected(parse_with_line("credit", "119.00"), RejectionCode::schema, "lines[0]",
                          "has both debit and credit"));
}

TEST_F(TransactionParserTest, LineWithNeitherDebitNorCreditIsSchema) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][0].erase("debit");
  EXPECT_TRUE(is_rejected(parse(transaction), RejectionCode::schema, "lines[0]",
                          "needs exactly one of debit or credit"));
}

TEST_F(TransactionParserTest, OptionalLineFieldsAreChecked) {
  for (const char* field : {"cost_center", "profit_center", "tax_code", "counterparty"}) {
    EXPECT_TRUE(is_rejected(parse_with_line(field, 7), RejectionCode::schema,
                            std::string("lines[0].") + field, "must be a string"));
    EXPECT_TRUE(is_rejected(parse_with_line(field, repeated("c", 65)), RejectionCode::schema,
                            std::string("lines[0].") + field,
                            "must be at most 64 characters long"));
  }
  EXPECT_TRUE(is_rejected(parse_with_line("description", repeated("d", 1025)),
                          RejectionCode::schema, "lines[0].description",
                          "must be at most 1024 characters long"));
}

// --- amounts ---------------------------------------------------------------------------------

TEST_F(TransactionParserTest, AmountAsJsonNumberIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_with_line("debit", 119.00), RejectionCode::bad_amount,
                          "lines[0].debit",
                          "must be a decimal string such as \"119.00\", not a number"));
  EXPECT_TRUE(is_rejected(parse_with_line("debit", 119), RejectionCode::bad_amount,
                          "lines[0].debit",
                          "must be a decimal string such as \"119.00\", not a number"));
}

TEST_F(TransactionParserTest, AmountOfOtherJsonTypeIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_with_line("debit", nullptr), RejectionCode::bad_amount,
                          "lines[0].debit", "must be a decimal string such as \"119.00\""));
  EXPECT_TRUE(is_rejected(parse_with_line("debit", json::array({"1"})), RejectionCode::bad_amount,
                          "lines[0].debit", "must be a decimal string such as \"119.00\""));
}

TEST_F(TransactionParserTest, AmountWithExponentIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_with_line("debit", "1e3"), RejectionCode::bad_amount,
                          "lines[0].debit", "\"1e3\" is not a decimal amount"));
}

TEST_F(TransactionParserTest, NegativeAmountIsBadAmount) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][1]["credit"] = "-5.00";
  EXPECT_TRUE(is_rejected(parse(transaction), RejectionCode::bad_amount, "lines[1].credit",
                          "\"-5.00\" is not a decimal amount"));
}

TEST_F(TransactionParserTest, AmountWithLeadingSpaceIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_with_line("debit", " 1.00"), RejectionCode::bad_amount,
                          "lines[0].debit", "\" 1.00\" is not a decimal amount"));
}

TEST_F(TransactionParserTest, ZeroAmountIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_amount_in("EUR", "0.00"), RejectionCode::bad_amount,
                          "lines[0].debit", "\"0.00\" is not positive"));
}

TEST_F(TransactionParserTest, TooManyDecimalsForEurIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_amount_in("EUR", "119.001"), RejectionCode::bad_amount,
                          "lines[0].debit",
                          "\"119.001\" has 3 decimals, the currency allows at most 2"));
}

TEST_F(TransactionParserTest, AnyDecimalsForJpyIsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_amount_in("JPY", "100.0"), RejectionCode::bad_amount,
                          "lines[0].debit", "\"100.0\" has 1 decimal, the currency allows none"));
}

TEST_F(TransactionParserTest, FourDecimalsForBhdIsBadAmount) {
  EXPECT_TRUE(parse_amount_in("BHD", "1.234").transaction.has_value());
  EXPECT_TRUE(is_rejected(parse_amount_in("BHD", "1.2345"), RejectionCode::bad_amount,
                          "lines[0].debit",
                          "\"1.2345\" has 4 decimals, the currency allows at most 3"));
}

TEST_F(TransactionParserTest, AmountOverflowingInt64IsBadAmount) {
  EXPECT_TRUE(is_rejected(parse_amount_in("EUR", "92233720368547758.08"), RejectionCode::bad_amount,
                          "lines[0].debit", "\"92233720368547758.08\" is too large"));
}

// --- totals ------------------------------------------------------------------------------------

TEST_F(TransactionParserTest, UnbalancedTransactionNamesBothTotals) {
  json transaction = test_data::full_transaction();
  transaction["lines"][1]["credit"] = "99.00";
  const ParsedItem item = parse(transaction);
  EXPECT_TRUE(
      is_rejected(item, RejectionCode::unbalanced, "lines", "debits 119.00 != credits 118.00 EUR"));
  EXPECT_EQ(item.id, "INV-2026-000123");
  EXPECT_EQ(item.source, "billing");
}

TEST_F(TransactionParserTest, UnbalancedMessageUsesTheCurrencyMinorUnits) {
  json transaction = test_data::minimal_transaction();
  transaction["currency"] = "JPY";
  transaction["lines"][0]["debit"] = "100";
  transaction["lines"][1]["credit"] = "99";
  EXPECT_TRUE(is_rejected(parse(transaction), RejectionCode::unbalanced, "lines",
                          "debits 100 != credits 99 JPY"));
}

TEST_F(TransactionParserTest, OnlyDebitsIsUnbalanced) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][1] = {{"account", "4000"}, {"debit", "1.00"}};
  EXPECT_TRUE(is_rejected(parse(transaction), RejectionCode::unbalanced, "lines",
                          "debits 120.00 != credits 0.00 EUR"));
}

TEST_F(TransactionParserTest, TotalOverflowingInt64IsBadAmount) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"] = json::array({
      {{"account", "1"}, {"debit", "92233720368547758.07"}},
      {{"account", "2"}, {"debit", "0.01"}},
      {{"account", "3"}, {"credit", "92233720368547758.07"}},
  });
  EXPECT_TRUE(
      is_rejected(parse(transaction), RejectionCode::bad_amount, "lines", "total overflows"));
}

TEST_F(TransactionParserTest, LargestBalancedTotalsAreAccepted) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"] = json::array({
      {{"account", "1"}, {"debit", "92233720368547758.06"}},
      {{"account", "2"}, {"debit", "0.01"}},
      {{"account", "3"}, {"credit", "92233720368547758.07"}},
  });
  const ParsedItem item = parse(transaction);
  ASSERT_TRUE(item.transaction.has_value()) << item.rejection.message;
  EXPECT_EQ(item.transaction->debit_total, std::numeric_limits<std::int64_t>::max());
}

// --- identity and order of checks ---------------------------------------------------------------

TEST_F(TransactionParserTest, IdAndSourceAreCopiedFromRejectedTransaction) {
  json transaction = test_data::minimal_transaction();
  transaction["id"] = "X1";
  transaction["currency"] = "ABC";
  const ParsedItem item = parse(transaction);
  EXPECT_EQ(item.rejection.code, RejectionCode::unknown_currency);
  EXPECT_EQ(item.id, "X1");
  EXPECT_EQ(item.source, "billing");
}

TEST_F(TransactionParserTest, IdIsCopiedEvenWhenAnUnknownFieldPrecedesIt) {
  const ParsedItem item = parse_text(R"({"bogus":1,"source":"crm","id":"X2"})");
  EXPECT_TRUE(is_rejected(item, RejectionCode::schema, "bogus", "unknown field"));
  EXPECT_EQ(item.id, "X2");
  EXPECT_EQ(item.source, "crm");
}

TEST_F(TransactionParserTest, InvalidButStringIdIsStillCopied) {
  const ParsedItem item = parse_with("id", repeated("x", 200));
  EXPECT_EQ(item.rejection.path, "id");
  EXPECT_EQ(item.id, repeated("x", 200));
}

TEST_F(TransactionParserTest, NonStringIdAndSourceAreNotCopied) {
  json transaction = test_data::minimal_transaction();
  transaction["id"] = 17;
  transaction["source"] = json::array({"billing"});
  const ParsedItem item = parse(transaction);
  EXPECT_FALSE(item.transaction.has_value());
  EXPECT_TRUE(item.id.empty());
  EXPECT_TRUE(item.source.empty());
}

TEST_F(TransactionParserTest, FirstProblemInTheDocumentedOrderIsReported) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][0]["debit"] = "1e3";  // 4. lines
  transaction["reference"] = "";             // 3. optional fields
  transaction["currency"] = "XYZ";           // 2. required fields, after entity
  transaction["entity"] = 5;                 // 2. required fields
  EXPECT_EQ(parse(transaction).rejection.path, "entity");
  transaction["entity"] = "DE01";
  EXPECT_EQ(parse(transaction).rejection.path, "currency");
  transaction["currency"] = "EUR";
  EXPECT_EQ(parse(transaction).rejection.path, "reference");
  transaction.erase("reference");
  EXPECT_EQ(parse(transaction).rejection.path, "lines[0].debit");
  transaction["typo"] = 1;  // 1. keys come before everything
  EXPECT_EQ(parse(transaction).rejection.path, "typo");
}

TEST_F(TransactionParserTest, EarlierLineIsReportedFirst) {
  json transaction = test_data::minimal_transaction();
  transaction["lines"][1]["debit"] = "1";
  transaction["lines"][0]["memo"] = "x";
  EXPECT_EQ(parse(transaction).rejection.path, "lines[0].memo");
}

TEST_F(TransactionParserTest, ArrayIsSchemaForASingleTransaction) {
  const std::string text = "[" + test_data::minimal_transaction().dump() + "]";
  EXPECT_TRUE(is_rejected(parse_text(text), RejectionCode::schema, "",
                          "expected a transaction object, not an array"));
}

TEST_F(TransactionParserTest, ScalarIsMalformedForASingleTransaction) {
  EXPECT_TRUE(is_rejected(parse_text("\"INV-1\""), RejectionCode::malformed_json, "",
                          "expected a transaction object"));
}

TEST_F(TransactionParserTest, MalformedJsonIsMalformedForASingleTransaction) {
  const ParsedItem item = parse_text(R"({"id": "X1", )");
  EXPECT_FALSE(item.transaction.has_value());
  EXPECT_EQ(item.rejection.code, RejectionCode::malformed_json);
  EXPECT_FALSE(item.rejection.message.empty());
  EXPECT_TRUE(item.id.empty());
}

TEST(RejectionCode, NamesAreTheWireCodes) {
  EXPECT_EQ(to_string(RejectionCode::malformed_json), "malformed_json");
  EXPECT_EQ(to_string(RejectionCode::schema), "schema");
  EXPECT_EQ(to_string(RejectionCode::unknown_currency), "unknown_currency");
  EXPECT_EQ(to_string(RejectionCode::bad_amount), "bad_amount");
  EXPECT_EQ(to_string(RejectionCode::unbalanced), "unbalanced");
  EXPECT_EQ(to_string(RejectionCode::conflict), "conflict");
  EXPECT_EQ(to_string(RejectionCode::too_large), "too_large");
  EXPECT_EQ(to_string(RejectionCode::unauthorized), "unauthorized");
}

}  // namespace
}  // namespace coexist
