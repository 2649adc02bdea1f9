#include "model/currency.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace coexist {
namespace {

std::optional<int> minor_units_of(std::string_view code) {
  const auto currency = find_currency(code);
  if (!currency) return std::nullopt;
  return currency->minor_units;
}

TEST(Currency, CommonCodesHaveTheirMinorUnits) {
  EXPECT_EQ(minor_units_of("EUR"), 2);
  EXPECT_EQ(minor_units_of("USD"), 2);
  EXPECT_EQ(minor_units_of("GBP"), 2);
  EXPECT_EQ(minor_units_of("CHF"), 2);
}

// XCG replaced ANG on 2025-03-31; documents from before it still come in ANG.
TEST(Currency, CaribbeanGuilderAndItsPredecessor) {
  EXPECT_EQ(minor_units_of("XCG"), 2);
  EXPECT_EQ(minor_units_of("ANG"), 2);
}

TEST(Currency, ZeroDecimalCodes) {
  for (const char* code : {"JPY", "KRW", "CLP", "ISK", "VND", "XOF", "XAF", "XPF", "UGX", "BIF",
                           "DJF", "GNF", "KMF", "PYG", "RWF", "UYI", "VUV"}) {
    EXPECT_EQ(minor_units_of(code), 0) << code;
  }
}

TEST(Currency, ThreeDecimalCodes) {
  for (const char* code : {"BHD", "KWD", "JOD", "OMR", "TND", "LYD", "IQD"}) {
    EXPECT_EQ(minor_units_of(code), 3) << code;
  }
}

TEST(Currency, FourDecimalCodes) {
  EXPECT_EQ(minor_units_of("CLF"), 4);
  EXPECT_EQ(minor_units_of("UYW"), 4);
}

TEST(Currency, CodesWithoutMinorUnitsAreExcluded) {
  for (const char* code : {"XAU", "XAG", "XPT", "XPD", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC",
                           "XBD", "XTS", "XXX"}) {
    EXPECT_FALSE(find_currency(code).has_value()) << code;
  }
}

TEST(Currency, WithdrawnCodesAreExcluded) {
  for (const char* code : {"HRK", "SLL", "ZWL", "DEM", "FRF", "VEF", "MRO", "STD", "LTL"}) {
    EXPECT_FALSE(find_currency(code).has_value()) << code;
  }
}

TEST(Currency, RecentCodesAreIncluded) {
  for (const char* code : {"SLE", "VED", "ZWG", "MRU", "STN", "BYN", "UYW"}) {
    EXPECT_TRUE(find_currency(code).has_value()) << code;
  }
}

TEST(Currency, LookupIsCaseSensitive) {
  EXPECT_FALSE(find_currency("eur").has_value());
  EXPECT_FALSE(find_currency("Eur").has_value());
}

TEST(Currency, WrongLengthIsNotACode) {
  EXPECT_FALSE(find_currency("").has_value());
  EXPECT_FALSE(find_currency("EU").has_value());
  EXPECT_FALSE(find_currency("EURO").has_value());
  EXPECT_FALSE(find_currency(std::string_view("EUR\0", 4)).has_value());
}

TEST(Currency, TableIsSortedUniqueAndWellFormed) {
  const auto table = all_currencies();
  EXPECT_EQ(table.size(), 167U);  // ISO 4217 list of 2024-06-25 with minor units, and XCG
  EXPECT_TRUE(std::adjacent_find(table.begin(), table.end(), [](const auto& a, const auto& b) {
                return a.code >= b.code;
              }) == table.end());
  for (const Currency& currency : table) {
    EXPECT_EQ(currency.code.size(), 3U);
    EXPECT_TRUE(std::all_of(currency.code.begin(), currency.code.end(), [](char c) {
      return c >= 'A' && c <= 'Z';
    })) << currency.code;
    EXPECT_LE(currency.minor_units, 4) << currency.code;
  }
}

TEST(Currency, EveryTableEntryIsFound) {
  for (const Currency& currency : all_currencies()) {
    const auto found = find_currency(currency.code);
    ASSERT_TRUE(found.has_value()) << currency.code;
    EXPECT_EQ(found->minor_units, currency.minor_units);
  }
}

}  // namespace
}  // namespace coexist
