// TransactionGenerator: a pure function of (seed, index) whose every transaction the router's own
// parser accepts, with the variety its header promises.

#include "tools/loadgen/transaction_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "model/canonical_json.h"
#include "model/currency.h"
#include "model/transaction_parser.h"

namespace coexist::loadgen {
namespace {

// Two seeds × 3,000 indexes. The rarest promise checked below is a 50-line transaction: one draw
// in 160 (a 20% tail spread evenly over 19..50 lines), so 6,000 draws expect ~37 of them and
// missing all is a ~e^-37 event; the rarest type (refund, weight 4 of 100) expects ~240.
constexpr std::uint64_t kSeeds[] = {1, 20260315};
constexpr std::uint64_t kIndexesPerSeed = 3000;

// "12.345" in a currency of `minor_units` digits as an integer count of minor units, parsed here
// independently of the model; nullopt when it has more decimals than the currency allows.
std::optional<std::int64_t> to_minor_units(std::string_view amount, std::uint8_t minor_units) {
  std::size_t point = amount.find('.');
  std::string digits(amount.substr(0, point));
  std::string fraction =
      point == std::string_view::npos ? "" : std::string(amount.substr(point + 1));
  if (fraction.size() > minor_units) return std::nullopt;
  fraction.append(minor_units - fraction.size(), '0');
  return std::stoll(digits + fraction);
}

// Debits minus credits of a generated transaction, summed from its own JSON text.
std::optional<std::int64_t> imbalance_minor(const std::string& text) {
  nlohmann::json transaction = nlohmann::json::parse(text);
  std::optional<Currency> currency = find_currency(transaction.at("currency").get<std::string>());
  if (!currency) return std::nullopt;
  std::int64_t imbalance = 0;
  for (const nlohmann::json& line : transaction.at("lines")) {
    bool debit = line.contains("debit");
    std::optional<std::int64_t> amount = to_minor_units(
        line.at(debit ? "debit" : "credit").get<std::string>(), currency->minor_units);
    if (!amount) return std::nullopt;
    imbalance += debit ? *amount : -*amount;
  }
  return imbalance;
}

// What the sample of generated transactions showed.
struct Observed {
  std::size_t transactions = 0;
  std::vector<std::string> problems;  // rejections and imbalances, with their index
  std::set<std::string> ids;
  std::map<std::string, std::uint8_t> minor_units_by_currency;
  std::map<std::string, std::set<std::string>> currencies_by_entity;
  std::map<std::string, std::set<std::string>> sources_by_type;
  std::set<std::string> sources;
  std::map<std::size_t, std::size_t> transactions_by_line_count;
  std::set<std::string> posting_dates;
  std::map<std::string, std::size_t> header_fields_present;
  std::map<std::string, std::size_t> line_fields_present;
  std::size_t lines = 0;
  std::uint64_t canonical_bytes = 0;
};

void count_present(std::map<std::string, std::size_t>& counts, const char* field,
                   const std::string& value) {
  if (!value.empty()) ++counts[field];
}

void observe(const Transaction& transaction, Observed& observed) {
  observed.ids.insert(transaction.id);
  observed.minor_units_by_currency[transaction.currency] = transaction.minor_units;
  observed.currencies_by_entity[transaction.entity].insert(transaction.currency);
  observed.sources_by_type[transaction.type].insert(transaction.source);
  observed.sources.insert(transaction.source);
  ++observed.transactions_by_line_count[transaction.lines.size()];
  observed.posting_dates.insert(transaction.posting_date);
  std::map<std::string, std::size_t>& header = observed.header_fields_present;
  count_present(header, "document_date", transaction.document_date);
  count_present(header, "reference", transaction.reference);
  count_present(header, "description", transaction.description);
  count_present(header, "correlation_id", transaction.correlation_id);
  if (!transaction.attributes.empty()) ++header["attributes"];
  for (const Line& line : transaction.lines) {
    std::map<std::string, std::size_t>& fields = observed.line_fields_present;
    count_present(fields, "cost_center", line.cost_center);
    count_present(fields, "profit_center", line.profit_center);
    count_present(fields, "tax_code", line.tax_code);
    count_present(fields, "counterparty", line.counterparty);
    count_present(fields, "description", line.description);
  }
  observed.lines += transaction.lines.size();
  observed.canonical_bytes += canonical_json(transaction).size();
}

Observed observe_sample() {
  Observed observed;
  TransactionParser parser;
  for (std::uint64_t seed : kSeeds) {
    TransactionGenerator generator(seed);
    for (std::uint64_t index = 0; index < kIndexesPerSeed; ++index) {
      std::string text = generator.json(index);
      std::string where = "seed " + std::to_string(seed) + " index " + std::to_string(index);
      ++observed.transactions;
      ParsedItem parsed = parser.parse_transaction(text);
      if (!parsed.transaction) {
        observed.problems.push_back(where + " rejected " +
                                    std::string(to_string(parsed.rejection.code)) + " at '" +
                                    parsed.rejection.path + "': " + parsed.rejection.message);
        continue;
      }
      // The parser's own balance check covers every index; this independent one a sixth of them
      // (nlohmann is slow under the sanitizers).
      if (index < kIndexesPerSeed / 6 && imbalance_minor(text) != std::optional<std::int64_t>(0)) {
        observed.problems.push_back(where + " is not balanced in minor units: " + text);
      }
      if (parsed.transaction->id != generator.id(index)) {
        observed.problems.push_back(where + " carries id " + parsed.transaction->id);
      }
      observe(*parsed.transaction, observed);
    }
  }
  return observed;
}

// Generated and parsed once: every test below reads the same sample.
const Observed& sample() {
  static const Observed observed = observe_sample();
  return observed;
}

TEST(TransactionGeneratorTest, SameSeedAndIndexGiveTheSameBytesFromAnyGenerator) {
  TransactionGenerator generator(7);
  TransactionGenerator fresh(7);
  for (std::uint64_t index : {0ULL, 1ULL, 2ULL, 999ULL, 1ULL << 40}) {
    std::string first = generator.json(index);
    EXPECT_EQ(generator.json(index), first) << index;
    EXPECT_EQ(fresh.json(index), first) << index;
  }
}

TEST(TransactionGeneratorTest, OrderOfCallsDoesNotChangeWhatAnIndexGives) {
  TransactionGenerator generator(7);
  std::vector<std::string> forward;
  for (std::uint64_t index = 0; index < 50; ++index) forward.push_back(generator.json(index));
  TransactionGenerator backward_generator(7);
  for (std::uint64_t index = 50; index-- > 0;) {
    EXPECT_EQ(backward_generator.json(index), forward[index]) << index;
  }
}

TEST(TransactionGeneratorTest, AppendJsonAppendsAfterWhatTheStringHolds) {
  TransactionGenerator generator(7);
  std::string out = "[";
  generator.append_json(3, out);
  EXPECT_EQ(out, "[" + generator.json(3));
}

// The header allows concurrent const calls; each thread must see exactly the serial bytes.
TEST(TransactionGeneratorTest, ConcurrentCallsGiveTheSerialBytes) {
  const TransactionGenerator generator(11);
  std::vector<std::string> serial;
  for (std::uint64_t index = 0; index < 200; ++index) serial.push_back(generator.json(index));
  std::vector<std::string> first(serial.size());
  std::vector<std::string> second(serial.size());
  auto fill = [&generator](std::vector<std::string>& out) {
    for (std::uint64_t index = 0; index < out.size(); ++index) out[index] = generator.json(index);
  };
  std::thread one(fill, std::ref(first));
  std::thread two(fill, std::ref(second));
  one.join();
  two.join();
  EXPECT_EQ(first, serial);
  EXPECT_EQ(second, serial);
}

TEST(TransactionGeneratorTest, IdIsLgSeedIndex) {
  EXPECT_EQ(TransactionGenerator(1).id(0), "LG-1-0");
  EXPECT_EQ(TransactionGenerator(42).id(1234567), "LG-42-1234567");
  EXPECT_EQ(TransactionGenerator(UINT64_MAX).id(UINT64_MAX),
            "LG-18446744073709551615-18446744073709551615");
  EXPECT_EQ(TransactionGenerator(42).seed(), 42U);
}

TEST(TransactionGeneratorTest, IdsAreUniqueOverSeedsAndIndexes) {
  EXPECT_EQ(sample().ids.size(), sample().transactions);
}

// Beyond the id, a different seed must draw a different transaction at the same index, and a
// seed must not repeat itself at neighbouring indexes (as a badly mixed seed + index would).
TEST(TransactionGeneratorTest, DifferentSeedsAndIndexesGiveDifferentContent) {
  TransactionParser parser;
  auto content = [&parser](std::uint64_t seed, std::uint64_t index) {
    ParsedItem parsed = parser.parse_transaction(TransactionGenerator(seed).json(index));
    EXPECT_TRUE(parsed.transaction.has_value()) << parsed.rejection.message;
    if (!parsed.transaction) return std::string();
    parsed.transaction->id.clear();
    return canonical_json(*parsed.transaction);
  };
  for (std::uint64_t index = 0; index < 100; ++index) {
    EXPECT_NE(content(1, index), content(2, index)) << index;
    EXPECT_NE(content(1, index), content(1, index + 1)) << index;
  }
}

// The key promise: a load run measures ingestion, so the router must reject nothing generated.
// Balance is also checked from the JSON text itself, in integer minor units.
TEST(TransactionGeneratorTest, EveryTransactionIsAcceptedAndBalanced) {
  const Observed& observed = sample();
  ASSERT_EQ(observed.transactions, std::size(kSeeds) * kIndexesPerSeed);
  EXPECT_TRUE(observed.problems.empty())
      << observed.problems.size() << " problems, the first: " << observed.problems.front();
}

TEST(TransactionGeneratorTest, CurrenciesIncludeZeroAndThreeDecimalOnes) {
  const std::map<std::string, std::uint8_t>& currencies = sample().minor_units_by_currency;
  ASSERT_TRUE(currencies.contains("JPY"));
  EXPECT_EQ(currencies.at("JPY"), 0);
  ASSERT_TRUE(currencies.contains("BHD"));
  EXPECT_EQ(currencies.at("BHD"), 3);
  for (const char* code : {"EUR", "USD", "GBP", "CHF", "KRW", "KWD"}) {
    EXPECT_TRUE(currencies.contains(code)) << code;
  }
}

TEST(TransactionGeneratorTest, TwentyOneEntitiesSomeWithAForeignCurrency) {
  const auto& by_entity = sample().currencies_by_entity;
  EXPECT_EQ(by_entity.size(), 21U);
  std::size_t with_foreign = 0;
  for (const auto& [entity, currencies] : by_entity) {
    EXPECT_LE(currencies.size(), 2U) << entity;  // its own currency and one foreign one
    if (currencies.size() == 2) ++with_foreign;
  }
  // Foreign currency is 12% of each entity's ~285 transactions: all 21 should show it.
  EXPECT_EQ(with_foreign, by_entity.size());
}

TEST(TransactionGeneratorTest, EightTypesEachFromOneOfThreeSources) {
  const Observed& observed = sample();
  EXPECT_EQ(observed.sources, (std::set<std::string>{"billing", "crm", "usage"}));
  std::set<std::string> types;
  for (const auto& [type, sources] : observed.sources_by_type) {
    types.insert(type);
    EXPECT_EQ(sources.size(), 1U) << type << ": the source is chosen by type";
  }
  EXPECT_EQ(types, (std::set<std::string>{"adjustment", "credit_memo", "invoice", "journal",
                                          "payment", "refund", "revenue_schedule", "usage"}));
}

TEST(TransactionGeneratorTest, LineCountsSpanTwoToFifty) {
  const std::map<std::size_t, std::size_t>& by_count = sample().transactions_by_line_count;
  ASSERT_FALSE(by_count.empty());
  EXPECT_EQ(by_count.begin()->first, 2U);
  EXPECT_EQ(by_count.rbegin()->first, 50U);
  std::size_t small = by_count.at(2);
  std::size_t large = 0;
  for (const auto& [count, transactions] : by_count) {
    if (count >= 45) large += transactions;
  }
  // Expected shares: 2 lines 11%, 45..50 lines 3.75% of 6,000; both far above these floors.
  EXPECT_GT(small, 300U);
  EXPECT_GT(large, 100U);
}

TEST(TransactionGeneratorTest, PostingDatesAreIn2026) {
  const std::set<std::string>& dates = sample().posting_dates;
  ASSERT_FALSE(dates.empty());
  EXPECT_EQ(*dates.begin(), "2026-01-01");
  EXPECT_EQ(*dates.rbegin(), "2026-12-31");
  EXPECT_GT(dates.size(), 300U);  // 365 days, drawn 6,000 times
}

// "Present some of the time": each optional field must be both present and absent in the sample.
TEST(TransactionGeneratorTest, OptionalFieldsArePresentOnlySomeOfTheTime) {
  const Observed& observed = sample();
  const std::map<std::string, std::size_t>& header = observed.header_fields_present;
  for (const char* field :
       {"document_date", "reference", "description", "correlation_id", "attributes"}) {
    ASSERT_TRUE(header.contains(field)) << field;
    EXPECT_LT(header.at(field), observed.transactions) << field;
  }
  const std::map<std::string, std::size_t>& lines = observed.line_fields_present;
  for (const char* field :
       {"cost_center", "profit_center", "tax_code", "counterparty", "description"}) {
    ASSERT_TRUE(lines.contains(field)) << field;
    EXPECT_LT(lines.at(field), observed.lines) << field;
  }
}

// The benchmarks are specified with ~1 KiB canonical transactions (≈ 62 B a line, ≈ 250 B of
// header fields, 12.7 lines on average). The band allows a retuned optional-field share, and
// fails when the 19..50-line tail is lost (≈ 760 B) or the line count doubles (≈ 1.8 KiB).
// Sampling noise in the mean of 6,000 is about 10 B.
TEST(TransactionGeneratorTest, MeanCanonicalSizeIsAboutOneKibibyte) {
  const Observed& observed = sample();
  ASSERT_GT(observed.transactions, 0U);
  double mean =
      static_cast<double>(observed.canonical_bytes) / static_cast<double>(observed.transactions);
  EXPECT_GT(mean, 800.0);
  EXPECT_LT(mean, 1300.0);
}

}  // namespace
}  // namespace coexist::loadgen
