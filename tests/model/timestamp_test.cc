#include "model/timestamp.h"

#include <gtest/gtest.h>

namespace coexist {
namespace {

TEST(TimestampTest, FormatsMicrosecondsInUtc) {
  EXPECT_EQ(format_rfc3339_utc(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339_utc(1'764'000'000'123'456), "2025-11-24T16:00:00.123456Z");
  EXPECT_EQ(format_rfc3339_utc(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimestampTest, ParsesDatesAndTimesRoundTrip) {
  EXPECT_EQ(parse_rfc3339_utc("1970-01-02"), 86'400'000'000);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00.123456Z"), 1'764'000'000'123'456);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00.5Z"), 1'764'000'000'500'000);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00Z"), 1'764'000'000'000'000);
  std::int64_t now = 1'795'000'000'654'321;
  EXPECT_EQ(parse_rfc3339_utc(format_rfc3339_utc(now)), now);
}

// `date -Iseconds` prints "2026-11-26T11:18:38+00:00": an offset names one instant.
TEST(TimestampTest, NumericOffsetsAreConvertedToUtc) {
  const std::int64_t utc = *parse_rfc3339_utc("2025-11-24T16:00:00Z");
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00+00:00"), utc);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T17:00:00+01:00"), utc);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T10:30:00-05:30"), utc);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-25T01:00:00.5+09:00"), utc + 500'000);
}

// An offset must not carry the instant out of the years a date may have (1900..9999): what is
// parsed must be written back as text that parses again.
TEST(TimestampTest, OffsetsStayWithinTheYearsRfc3339CanWrite) {
  EXPECT_FALSE(parse_rfc3339_utc("9999-12-31T23:00:00-23:00").has_value());
  EXPECT_FALSE(parse_rfc3339_utc("1900-01-01T00:30:00+01:00").has_value());
  const auto last = parse_rfc3339_utc("9999-12-31T23:59:59.999999Z");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(format_rfc3339_utc(*last), "9999-12-31T23:59:59.999999Z");
  const auto first = parse_rfc3339_utc("1900-01-01T01:00:00+01:00");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(format_rfc3339_utc(*first), "1900-01-01T00:00:00.000000Z");
}

// Go's RFC3339Nano and Java's Instant print nine digits; RFC 3339 takes "t" and "z" too.
TEST(TimestampTest, LongerFractionsAreKeptToTheMicrosecondAndLowerCaseLettersAccepted) {
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00.123456789Z"), 1'764'000'000'123'456);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T16:00:00.1234569999999Z"), 1'764'000'000'123'456);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24T17:00:00.000000999+01:00"), 1'764'000'000'000'000);
  EXPECT_EQ(parse_rfc3339_utc("2025-11-24t16:00:00z"), 1'764'000'000'000'000);
}

TEST(TimestampTest, RejectsAnythingButStrictRfc3339) {
  for (const char* bad :
       {"", "2026-02-30", "2026-11-25T-1:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T10:00:00",
        "2026-11-25T10:00:00+1:00", "2026-11-25T10:00:00+01", "2026-11-25T10:00:00+0100",
        "2026-11-25T10:00:00+24:00", "2026-11-25T10:00:00+01:60", "2026-11-25T10:00:00Z+01:00",
        "2026-11-25T10:00:00+01:00junk", "2026-11-25 10:00:00Z", "2026-11-25T10:00:00.Z",
        "2026-11-25T10:00:00.123456789", "2026-11-25T1:00:00Z", "2026-11-25T10:00:00Zjunk",
        "2026-11-25x10:00:00Z", "2026-11-25T10:00:00.12x3Z"}) {
    EXPECT_FALSE(parse_rfc3339_utc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace coexist
