#pragma once

// Private to model/: the building blocks TransactionParser judges JSON fields with. Views
// returned here point into the simdjson parser's buffers and die with its next parse.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "model/assert.h"
#include "model/rejection.h"

namespace coexist::detail {

// Fills `rejection` and returns false, so that a check can end with `return reject(...)`.
bool reject(Rejection& rejection, RejectionCode code, std::string path, std::string message);

// "lines[2]" and "lines[2].debit".
[[nodiscard]] std::string line_path(std::size_t index);
[[nodiscard]] std::string line_path(std::size_t index, std::string_view field);

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

enum class TextProblem : std::uint8_t {
  none,
  not_a_string,
  empty,
  too_long,
  control_character,
  bad_format,
};

// Reads `value` as a string obeying `rule`. On success `text` views the string.
[[nodiscard]] TextProblem read_text(const simdjson::dom::element& value, const TextRule& rule,
                                    std::string_view& text);

// The rejection message for a problem read_text() found ("must be a string").
[[nodiscard]] std::string describe(TextProblem problem, const TextRule& rule);

// Sets `out` (empty so far) to `text`. Appending to the empty string skips the general-purpose
// replace that std::string::assign() goes through: measurably cheaper on the hot path.
inline void copy_text(std::string_view text, std::string& out) {
  COEXIST_ASSERT(out.empty());
  out.append(text);
}

// Requires valid UTF-8 (simdjson validated the whole frame).
[[nodiscard]] std::size_t count_code_points(std::string_view utf8);
[[nodiscard]] bool has_control_character(std::string_view text);
[[nodiscard]] bool is_source_name(std::string_view text);
[[nodiscard]] bool is_lower_snake_case(std::string_view text);
[[nodiscard]] bool is_traceparent(std::string_view text);

}  // namespace coexist::detail
