#include "model/money.h"

#include <string>

#include "model/amount_text.h"
#include "model/assert.h"
#include "model/limits.h"

namespace coexist {
namespace {

// Amount grammar (both parse_amount and parse_decimal):
//   amount   = digits [ "." digits ]
//   digits   = 1*( "0" / "1" / ... / "9" )
// No sign, exponent, whitespace, leading "." or thousands separator.
struct DecimalText {
  std::string_view integer_digits;
  std::string_view fraction_digits;
};

std::optional<DecimalText> split_decimal(std::string_view text) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t position = 0;
  while (position < text.size() && is_digit(text[position])) ++position;
  if (position == 0) return std::nullopt;
  DecimalText parts{text.substr(0, position), {}};
  if (position == text.size()) return parts;
  if (text[position] != '.') return std::nullopt;
  const std::size_t fraction_begin = ++position;
  while (position < text.size() && is_digit(text[position])) ++position;
  if (position == fraction_begin || position != text.size()) return std::nullopt;
  parts.fraction_digits = text.substr(fraction_begin);
  return parts;
}

// value * 10 + digit for each digit, then padded with zeros up to `scale` fraction digits;
// nullopt on int64 overflow.
std::optional<std::int64_t> to_units(DecimalText parts, std::size_t scale) {
  std::int64_t value = 0;
  auto push_digit = [&value](std::int64_t digit) {
    return !__builtin_mul_overflow(value, 10, &value) &&
           !__builtin_add_overflow(value, digit, &value);
  };
  for (char c : parts.integer_digits) {
    if (!push_digit(c - '0')) return std::nullopt;
  }
  for (char c : parts.fraction_digits) {
    if (!push_digit(c - '0')) return std::nullopt;
  }
  for (std::size_t i = parts.fraction_digits.size(); i < scale; ++i) {
    if (!push_digit(0)) return std::nullopt;
  }
  return value;
}

void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

std::string quoted(std::string_view text) {
  std::string result;
  result.reserve(text.size() + 2);
  result += '"';
  result += text;
  result += '"';
  return result;
}

std::string plural(std::size_t count, std::string_view noun) {
  std::string result = std::to_string(count);
  result += ' ';
  result += noun;
  if (count != 1) result += 's';
  return result;
}

// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

// 10^exponent for exponent <= 38, as the 128-bit integer compare() rescales with.
Int128 power_of_ten(unsigned exponent) {
  Int128 result = 1;
  for (unsigned i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// Largest scale compare() accepts: 10^18 * INT64_MAX still fits in 128 bits.
constexpr std::uint8_t kCompareScaleMax = 18;

// The common case in one pass: well formed, within minor_units, positive, and at most 18
// digits once scaled (so no overflow is possible). nullopt sends the caller down the careful
// path, which also words the error.
std::optional<std::int64_t> parse_simple_amount(std::string_view text, std::uint8_t minor_units) {
  constexpr std::size_t kDigitsMax = 18;
  constexpr std::size_t kNoPoint = std::string_view::npos;
  std::int64_t value = 0;
  std::size_t digits = 0;
  std::size_t point = kNoPoint;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++digits > kDigitsMax) return std::nullopt;  // before the value could overflow
      value = value * 10 + (c - '0');
    } else if (c == '.' && point == kNoPoint && i != 0 && i + 1 != text.size()) {
      point = i;
    } else {
      return std::nullopt;
    }
  }
  const std::size_t decimals = point == kNoPoint ? 0 : text.size() - point - 1;
  if (decimals > minor_units || digits + (minor_units - decimals) > kDigitsMax || value == 0) {
    return std::nullopt;
  }
  for (std::size_t i = decimals; i < minor_units; ++i) value *= 10;
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_amount(std::string_view text, std::uint8_t minor_units,
                                         std::string* error) {
  if (const std::optional<std::int64_t> value = parse_simple_amount(text, minor_units)) {
    return value;
  }
  // The length check comes first so that every message below quotes at most 32 characters.
  if (text.size() > limits::kAmountLengthMax) {
    set_error(error,
              "amount is longer than " + std::to_string(limits::kAmountLengthMax) + " characters");
    return std::nullopt;
  }
  const std::optional<DecimalText> parts = split_decimal(text);
  if (!parts) {
    set_error(error, quoted(text) + " is not a decimal amount");
    return std::nullopt;
  }
  const std::size_t decimals = parts->fraction_digits.size();
  if (decimals > minor_units) {
    set_error(error, quoted(text) + " has " + plural(decimals, "decimal") +
                         (minor_units == 0
                              ? std::string(", the currency allows none")
                              : ", the currency allows at most " + std::to_string(minor_units)));
    return std::nullopt;
  }
  const std::optional<std::int64_t> value = to_units(*parts, minor_units);
  if (!value) {
    set_error(error, quoted(text) + " is too large");
    return std::nullopt;
  }
  if (*value == 0) {
    set_error(error, quoted(text) + " is not positive");
    return std::nullopt;
  }
  return value;
}

namespace detail {

AmountText::AmountText(std::int64_t minor, std::uint8_t minor_units) {
  COEXIST_ASSERT(minor_units <= kMinorUnitsMax);
  // The magnitude as unsigned: negating INT64_MIN as a signed value would overflow.
  const bool negative = minor < 0;
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  // Written backwards from the end; at least minor_units + 1 digits ("0.05").
  std::size_t position = chars_.size();
  std::size_t digits = 0;
  do {
    if (digits == minor_units && digits != 0) chars_[--position] = '.';
    chars_[--position] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++digits;
  } while (magnitude != 0 || digits <= minor_units);
  if (negative) chars_[--position] = '-';
  begin_ = position;
}

}  // namespace detail

void append_amount(std::string& out, std::int64_t minor, std::uint8_t minor_units) {
  out += detail::AmountText(minor, minor_units).view();
}

std::string format_amount(std::int64_t minor, std::uint8_t minor_units) {
  std::string out;
  append_amount(out, minor, minor_units);
  return out;
}

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<Decimal> parse_decimal(std::string_view text, std::string* error) {
  if (text.size() > limits::kAmountLengthMax) {
    set_error(error,
              "number is longer than " + std::to_string(limits::kAmountLengthMax) + " characters");
    return std::nullopt;
  }
  const std::optional<DecimalText> parts = split_decimal(text);
  if (!parts) {
    set_error(error, quoted(text) + " is not a decimal number");
    return std::nullopt;
  }
  const std::size_t scale = parts->fraction_digits.size();
  if (scale > kDecimalScaleMax) {
    set_error(error, quoted(text) + " has " + plural(scale, "decimal") + ", at most " +
                         std::to_string(kDecimalScaleMax) + " are allowed");
    return std::nullopt;
  }
  const std::optional<std::int64_t> units = to_units(*parts, scale);
  if (!units) {
    set_error(error, quoted(text) + " is too large");
    return std::nullopt;
  }
  return Decimal{*units, static_cast<std::uint8_t>(scale)};
}

int compare(Decimal a, Decimal b) {
  COEXIST_ASSERT(a.scale <= kCompareScaleMax && b.scale <= kCompareScaleMax);
  // Bring both to the larger scale; 128 bits hold INT64_MAX * 10^18 exactly.
  const unsigned scale = a.scale > b.scale ? a.scale : b.scale;
  const Int128 left = static_cast<Int128>(a.units) * power_of_ten(scale - a.scale);
  const Int128 right = static_cast<Int128>(b.units) * power_of_ten(scale - b.scale);
  return left < right ? -1 : (left > right ? 1 : 0);
}

}  // namespace coexist
