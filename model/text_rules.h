#pragma once

// Private to model/: what each string field of a transaction may hold (length in code points,
// control characters, character set), stated once for the parser that enforces it and for
// model/field_values.h, which answers the same question for code holding no transaction.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "model/limits.h"

namespace coexist::detail {

// What a string field must look like besides its length.
enum class TextFormat : std::uint8_t {
  any,
  source_name,  // [A-Za-z0-9_.-]+
  snake_case,   // [a-z][a-z0-9_]*
  date,         // is_valid_date()
  traceparent,  // W3C trace context, version 00 layout
};

inline constexpr std::size_t kNoLengthMax = std::numeric_limits<std::size_t>::max();

struct TextRule {
  std::size_t length_max = kNoLengthMax;  // in Unicode code points
  bool identifier = false;                // refuses control characters (< 0x20 and 0x7f)
  TextFormat format = TextFormat::any;
  bool empty_allowed = false;  // only attribute values may be ""
};

inline constexpr TextRule kSourceRule{limits::kSourceLengthMax, true, TextFormat::source_name};
inline constexpr TextRule kEntityRule{limits::kEntityLengthMax, true};
inline constexpr TextRule kTypeRule{limits::kTypeLengthMax, false, TextFormat::snake_case};
inline constexpr TextRule kAccountRule{limits::kAccountLengthMax, true};
inline constexpr TextRule kAttributeNameRule{limits::kAttributeKeyLengthMax, true};
inline constexpr TextRule kAttributeValueRule{limits::kAttributeValueLengthMax, false,
                                              TextFormat::any, true};

enum class TextProblem : std::uint8_t {
  none,
  not_a_string,
  empty,
  too_long,
  control_character,
  bad_format,
};

// Checks a string's text against `rule` (never not_a_string). Requires valid UTF-8.
[[nodiscard]] TextProblem check_text(std::string_view text, const TextRule& rule);

// The rejection message for a problem check_text() found ("must not be empty").
[[nodiscard]] std::string describe(TextProblem problem, const TextRule& rule);

// Requires valid UTF-8 (simdjson validated the whole frame).
[[nodiscard]] std::size_t count_code_points(std::string_view utf8);
[[nodiscard]] bool has_control_character(std::string_view text);
[[nodiscard]] bool is_source_name(std::string_view text);
[[nodiscard]] bool is_lower_snake_case(std::string_view text);
[[nodiscard]] bool is_traceparent(std::string_view text);

}  // namespace coexist::detail
