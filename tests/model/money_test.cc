#include "model/money.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace coexist {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// The error message parse_amount gives for `text`, or "accepted".
std::string amount_error(std::string_view text, std::uint8_t minor_units) {
  std::string error;
  if (parse_amount(text, minor_units, &error)) return "accepted";
  return error;
}

TEST(ParseAmount, TwoDecimalsForEurAreMinorUnits) {
  EXPECT_EQ(parse_amount("119.00", 2, nullptr), 11900);
  EXPECT_EQ(parse_amount("0.01", 2, nullptr), 1);
}

TEST(ParseAmount, FewerDecimalsThanAllowedArePadded) {
  EXPECT_EQ(parse_amount("119.0", 2, nullptr), 11900);
  EXPECT_EQ(parse_amount("119", 2, nullptr), 11900);
  EXPECT_EQ(parse_amount("1.5", 3, nullptr), 1500);
  EXPECT_EQ(parse_amount("7", 4, nullptr), 70000);
}

TEST(ParseAmount, LeadingZerosAreAccepted) {
  EXPECT_EQ(parse_amount("007.50", 2, nullptr), 750);
  EXPECT_EQ(parse_amount("0000000000000000000000000000001", 0, nullptr), 1);
}

TEST(ParseAmount, ZeroDecimalCurrencyTakesWholeNumbers) {
  EXPECT_EQ(parse_amount("1000", 0, nullptr), 1000);
}

TEST(ParseAmount, AmountWithExponentIsRefused) {
  EXPECT_EQ(amount_error("1e3", 2), "\"1e3\" is not a decimal amount");
  EXPECT_EQ(amount_error("1E3", 2), "\"1E3\" is not a decimal amount");
}

TEST(ParseAmount, SignedAmountIsRefused) {
  EXPECT_EQ(amount_error("-5.00", 2), "\"-5.00\" is not a decimal amount");
  EXPECT_EQ(amount_error("+5.00", 2), "\"+5.00\" is not a decimal amount");
}

TEST(ParseAmount, WhitespaceIsRefused) {
  EXPECT_EQ(amount_error(" 1.00", 2), "\" 1.00\" is not a decimal amount");
  EXPECT_EQ(amount_error("1.00 ", 2), "\"1.00 \" is not a decimal amount");
  EXPECT_EQ(amount_error("1 000", 2), "\"1 000\" is not a decimal amount");
}

TEST(ParseAmount, MalformedDecimalPointsAreRefused) {
  for (const char* text : {"", ".", ".5", "5.", "1..0", "1.0.0", "1,000.00", "1,5", "0x10", "NaN",
                           "inf", "1.-5", "١٢"}) {
    EXPECT_EQ(amount_error(text, 2), "\"" + std::string(text) + "\" is not a decimal amount")
        << text;
  }
}

TEST(ParseAmount, TooManyDecimalsNamesTheLimit) {
  EXPECT_EQ(amount_error("119.001", 2),
            "\"119.001\" has 3 decimals, the currency allows at most 2");
  EXPECT_EQ(amount_error("1.2345", 3), "\"1.2345\" has 4 decimals, the currency allows at most 3");
  EXPECT_EQ(amount_error("100.5", 0), "\"100.5\" has 1 decimal, the currency allows none");
  EXPECT_EQ(amount_error("100.0", 0), "\"100.0\" has 1 decimal, the currency allows none");
}

TEST(ParseAmount, ZeroIsNotPositive) {
  EXPECT_EQ(amount_error("0", 2), "\"0\" is not positive");
  EXPECT_EQ(amount_error("0.00", 2), "\"0.00\" is not positive");
  EXPECT_EQ(amount_error("000", 0), "\"000\" is not positive");
}

TEST(ParseAmount, LargestInt64IsAccepted) {
  EXPECT_EQ(parse_amount("92233720368547758.07", 2, nullptr), kInt64Max);
  EXPECT_EQ(parse_amount("9223372036854775807", 0, nullptr), kInt64Max);
}

TEST(ParseAmount, Int64OverflowIsRefused) {
  EXPECT_EQ(amount_error("92233720368547758.08", 2), "\"92233720368547758.08\" is too large");
  EXPECT_EQ(amount_error("9223372036854775808", 0), "\"9223372036854775808\" is too large");
  // Overflow only through the padding to minor units.
  EXPECT_EQ(amount_error("922337203685477581", 2), "\"922337203685477581\" is too large");
  EXPECT_EQ(amount_error("99999999999999999999999999999999", 0),
            "\"99999999999999999999999999999999\" is too large");
}

TEST(ParseAmount, OverlongTextIsRefusedWithoutQuotingIt) {
  EXPECT_EQ(amount_error(std::string(33, '1'), 0), "amount is longer than 32 characters");
  EXPECT_EQ(amount_error(std::string(100000, 'x'), 2), "amount is longer than 32 characters");
}

TEST(ParseAmount, AgreesWithAStraightforwardReadingOfEveryShortAmount) {
  // Exhaustive over a small alphabet: the one-pass fast path and the careful path must agree.
  const std::string alphabet = "0159.";
  std::vector<std::string> texts = {""};
  for (int length = 1; length <= 5; ++length) {
    std::vector<std::string> longer;
    for (const std::string& text : texts) {
      if (text.size() + 1 != static_cast<std::size_t>(length)) continue;
      for (char c : alphabet) longer.push_back(text + c);
    }
    texts.insert(texts.end(), longer.begin(), longer.end());
  }
  for (const std::string& text : texts) {
    for (const int minor : {0, 2, 3}) {
      const auto minor_units = static_cast<std::uint8_t>(minor);
      const std::size_t point = text.find('.');
      const bool well_formed = !text.empty() && text.find_first_not_of("0159.") == text.npos &&
                               std::count(text.begin(), text.end(), '.') <= 1 && point != 0 &&
                               point != text.size() - 1;
      const std::size_t decimals = point == text.npos ? 0 : text.size() - point - 1;
      std::int64_t expected = 0;
      for (char c : text) {
        if (c != '.') expected = expected * 10 + (c - '0');
      }
      for (std::size_t i = decimals; i < minor_units; ++i) expected *= 10;
      const auto parsed = parse_amount(text, minor_units, nullptr);
      if (well_formed && decimals <= minor_units && expected > 0) {
        EXPECT_EQ(parsed, expected) << text << " with " << int{minor_units};
      } else {
        EXPECT_FALSE(parsed.has_value()) << text << " with " << int{minor_units};
      }
    }
  }
}

TEST(ParseAmount, NineteenDigitAmountsAreExactOrTooLarge) {
  EXPECT_EQ(parse_amount("1000000000000000000", 0, nullptr), 1000000000000000000);
  EXPECT_EQ(parse_amount("922337203685477580.7", 1, nullptr), kInt64Max);
  EXPECT_EQ(parse_amount("100000000000000000", 2, nullptr), std::nullopt);
  EXPECT_EQ(parse_amount("10000000000000000", 2, nullptr), 1000000000000000000);
}

TEST(ParseAmount, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(parse_amount("abc", 2, nullptr).has_value());
}

TEST(FormatAmount, InsertsThePointForMinorUnits) {
  EXPECT_EQ(format_amount(11900, 2), "119.00");
  EXPECT_EQ(format_amount(1000, 0), "1000");
  EXPECT_EQ(format_amount(1500, 3), "1.500");
  EXPECT_EQ(format_amount(1, 4), "0.0001");
}

TEST(FormatAmount, PadsSmallValuesWithLeadingZeros) {
  EXPECT_EQ(format_amount(5, 2), "0.05");
  EXPECT_EQ(format_amount(0, 2), "0.00");
  EXPECT_EQ(format_amount(0, 0), "0");
}

TEST(FormatAmount, NegativeValuesKeepTheirSign) {
  EXPECT_EQ(format_amount(-50, 2), "-0.50");
  EXPECT_EQ(format_amount(-11900, 2), "-119.00");
  EXPECT_EQ(format_amount(-7, 0), "-7");
}

TEST(FormatAmount, Int64ExtremesAreExact) {
  EXPECT_EQ(format_amount(kInt64Max, 2), "92233720368547758.07");
  EXPECT_EQ(format_amount(kInt64Min, 2), "-92233720368547758.08");
  EXPECT_EQ(format_amount(kInt64Min, 0), "-9223372036854775808");
  EXPECT_EQ(format_amount(kInt64Min, 4), "-922337203685477.5808");
}

TEST(FormatAmount, AppendAddsToExistingText) {
  std::string out = "total ";
  append_amount(out, 12345, 2);
  EXPECT_EQ(out, "total 123.45");
}

TEST(FormatAmount, ParsedAmountFormatsBackNormalised) {
  for (const auto& [text, minor_units, expected] :
       std::initializer_list<std::tuple<const char*, std::uint8_t, const char*>>{
           {"119.0", 2, "119.00"}, {"007", 0, "7"}, {"1.5", 3, "1.500"}, {"0.1", 4, "0.1000"}}) {
    const auto minor = parse_amount(text, minor_units, nullptr);
    ASSERT_TRUE(minor.has_value()) << text;
    EXPECT_EQ(format_amount(*minor, minor_units), expected);
  }
}

TEST(CheckedAdd, SumsWithinRange) {
  EXPECT_EQ(checked_add(2, 3), 5);
  EXPECT_EQ(checked_add(kInt64Max - 1, 1), kInt64Max);
  EXPECT_EQ(checked_add(kInt64Min, kInt64Max), -1);
}

TEST(CheckedAdd, OverflowIsNullopt) {
  EXPECT_FALSE(checked_add(kInt64Max, 1).has_value());
  EXPECT_FALSE(checked_add(kInt64Min, -1).has_value());
  EXPECT_FALSE(checked_add(kInt64Max, kInt64Max).has_value());
}

TEST(ParseDecimal, ScaleIsTheNumberOfFractionDigits) {
  const auto whole = parse_decimal("1000", nullptr);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->units, 1000);
  EXPECT_EQ(whole->scale, 0);
  const auto fraction = parse_decimal("0.001", nullptr);
  ASSERT_TRUE(fraction.has_value());
  EXPECT_EQ(fraction->units, 1);
  EXPECT_EQ(fraction->scale, 3);
}

TEST(ParseDecimal, ZeroIsAccepted) {
  const auto zero = parse_decimal("0", nullptr);
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(zero->units, 0);
}

TEST(ParseDecimal, SignExponentAndWhitespaceAreRefused) {
  std::string error;
  for (const char* text : {"-1", "+1", "1e3", " 1", "1 ", "", ".5", "5."}) {
    EXPECT_FALSE(parse_decimal(text, &error).has_value()) << text;
    EXPECT_EQ(error, "\"" + std::string(text) + "\" is not a decimal number");
  }
}

TEST(ParseDecimal, MoreThanSixDecimalsIsRefused) {
  std::string error;
  EXPECT_TRUE(parse_decimal("0.000001", &error).has_value());
  EXPECT_FALSE(parse_decimal("0.0000001", &error).has_value());
  EXPECT_EQ(error, "\"0.0000001\" has 7 decimals, at most 6 are allowed");
}

TEST(ParseDecimal, OverflowIsRefused) {
  std::string error;
  EXPECT_FALSE(parse_decimal("9223372036854775808", &error).has_value());
  EXPECT_EQ(error, "\"9223372036854775808\" is too large");
}

TEST(CompareDecimal, DifferentScalesCompareByValue) {
  EXPECT_EQ(compare({1000, 0}, {100000, 2}), 0);
  EXPECT_LT(compare({1, 3}, {1, 2}), 0);
  EXPECT_GT(compare({10005, 1}, {1000, 0}), 0);
  EXPECT_LT(compare({-1, 0}, {0, 6}), 0);
}

TEST(CompareDecimal, Int64ExtremesDoNotOverflowWhenRescaled) {
  EXPECT_GT(compare({kInt64Max, 0}, {kInt64Max, 6}), 0);
  EXPECT_LT(compare({kInt64Min, 0}, {kInt64Min, 6}), 0);
  EXPECT_EQ(compare({kInt64Max, 6}, {kInt64Max, 6}), 0);
}

}  // namespace
}  // namespace coexist
