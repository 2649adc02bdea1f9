#include "model/date.h"

#include <gtest/gtest.h>

namespace coexist {
namespace {

TEST(Date, OrdinaryDateIsValid) {
  EXPECT_TRUE(is_valid_date("2026-11-25"));
  EXPECT_TRUE(is_valid_date("2026-01-01"));
  EXPECT_TRUE(is_valid_date("2026-12-31"));
}

TEST(Date, ThirtiethOfFebruaryIsInvalid) { EXPECT_FALSE(is_valid_date("2026-02-30")); }

TEST(Date, LeapDayFollowsTheGregorianRules) {
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_FALSE(is_valid_date("2026-02-29"));
  EXPECT_FALSE(is_valid_date("1900-02-29"));  // divisible by 100
  EXPECT_TRUE(is_valid_date("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(is_valid_date("2100-02-29"));
}

TEST(Date, DayBeyondTheMonthIsInvalid) {
  EXPECT_FALSE(is_valid_date("2026-04-31"));
  EXPECT_TRUE(is_valid_date("2026-05-31"));
  EXPECT_FALSE(is_valid_date("2026-01-32"));
  EXPECT_FALSE(is_valid_date("2026-01-00"));
}

TEST(Date, MonthOutOfRangeIsInvalid) {
  EXPECT_FALSE(is_valid_date("2026-13-01"));
  EXPECT_FALSE(is_valid_date("2026-00-10"));
}

TEST(Date, YearsOutside1900To9999AreInvalid) {
  EXPECT_FALSE(is_valid_date("1899-12-31"));
  EXPECT_TRUE(is_valid_date("1900-01-01"));
  EXPECT_TRUE(is_valid_date("9999-12-31"));
  EXPECT_FALSE(is_valid_date("0000-01-01"));
}

TEST(Date, OtherLayoutsAreInvalid) {
  for (const char* text :
       {"", "2026-1-05", "2026-01-5", "26-11-25", "2026/11/25", "20261125", "2026-11-25T00:00:00Z",
        " 2026-11-25", "2026-11-25 ", "2026-1a-25", "+026-11-25", "2026-11--5", "２０２６-11-25"}) {
    EXPECT_FALSE(is_valid_date(text)) << text;
  }
}

}  // namespace
}  // namespace coexist
