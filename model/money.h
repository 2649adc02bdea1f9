#pragma once

// Exact money. An amount is a signed 64-bit count of the currency's minor units (cents for EUR,
// yen for JPY, fils for BHD); there is no floating point anywhere. Sums are checked: an
// overflow is a value the caller turns into a rejection, never undefined behaviour.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coexist {

// Parses a positive decimal amount string as written in a transaction line: digits, optionally
// one '.' followed by 1..minor_units digits. No sign, exponent, whitespace or thousands
// separator; zero is not positive. Returns the value in minor units, or nullopt with `error` set
// to a sentence for the operator ("has 3 decimals, EUR allows 2").
[[nodiscard]] std::optional<std::int64_t> parse_amount(std::string_view text,
                                                       std::uint8_t minor_units,
                                                       std::string* error);

// "119.00" for (11900, 2); "1000" for (1000, 0); "-0.50" for (-50, 2).
[[nodiscard]] std::string format_amount(std::int64_t minor, std::uint8_t minor_units);
void append_amount(std::string& out, std::int64_t minor, std::uint8_t minor_units);

// a + b, or nullopt on signed 64-bit overflow.
[[nodiscard]] std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b);

// A non-negative decimal number of any scale up to kDecimalScaleMax, e.g. a rule's amount bound.
// value = units / 10^scale.
struct Decimal {
  std::int64_t units = 0;
  std::uint8_t scale = 0;
};
inline constexpr std::uint8_t kDecimalScaleMax = 6;

// Parses "1000", "1000.5", "0.001" (no sign, no exponent); nullopt with `error` set otherwise.
[[nodiscard]] std::optional<Decimal> parse_decimal(std::string_view text, std::string* error);

// Exact three-way comparison of two decimals of possibly different scales: <0, 0, >0.
[[nodiscard]] int compare(Decimal a, Decimal b);

}  // namespace coexist
