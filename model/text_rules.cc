#include "model/text_rules.h"

#include <algorithm>

#include "model/assert.h"
#include "model/byte_scan.h"
#include "model/date.h"

namespace coexist::detail {

namespace {

bool has_format(std::string_view text, TextFormat format) {
  switch (format) {
    case TextFormat::any:
      return true;
    case TextFormat::source_name:
      return is_source_name(text);
    case TextFormat::snake_case:
      return is_lower_snake_case(text);
    case TextFormat::date:
      return is_valid_date(text);
    case TextFormat::traceparent:
      return is_traceparent(text);
  }
  return false;
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_all_zeros(std::string_view text) { return text.find_first_not_of('0') == text.npos; }

}  // namespace

TextProblem check_text(std::string_view text, const TextRule& rule) {
  if (text.empty()) return rule.empty_allowed ? TextProblem::none : TextProblem::empty;
  // A string has at least one byte per code point: counting is needed only when the bytes
  // exceed the limit, which keeps the common case free of a second pass.
  if (text.size() > rule.length_max && count_code_points(text) > rule.length_max) {
    return TextProblem::too_long;
  }
  if (rule.identifier && has_control_character(text)) return TextProblem::control_character;
  if (!has_format(text, rule.format)) return TextProblem::bad_format;
  return TextProblem::none;
}

std::string describe(TextProblem problem, const TextRule& rule) {
  switch (problem) {
    case TextProblem::none:
      break;
    case TextProblem::not_a_string:
      return "must be a string";
    case TextProblem::empty:
      return "must not be empty";
    case TextProblem::too_long:
      return "must be at most " + std::to_string(rule.length_max) + " characters long";
    case TextProblem::control_character:
      return "must not contain control characters";
    case TextProblem::bad_format:
      switch (rule.format) {
        case TextFormat::any:
          break;
        case TextFormat::source_name:
          return "may contain only letters, digits, '_', '.' and '-'";
        case TextFormat::snake_case:
          return "must be lower snake case such as \"credit_memo\"";
        case TextFormat::date:
          return "must be a real calendar date written YYYY-MM-DD, 1900-01-01 to 9999-12-31";
        case TextFormat::traceparent:
          return "must be a W3C traceparent such as "
                 "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"";
      }
      break;
  }
  // Unreachable: read_text() reports bad_format only for a rule with a format.
  COEXIST_ASSERT(problem != TextProblem::none);
  return "is invalid";
}

std::size_t count_code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (char c : utf8) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    count += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  }
  return count;
}

bool has_control_character(std::string_view text) {
  return any_byte(
      text, [](std::uint64_t word) { return has_byte_below(word, 0x20) || has_byte(word, 0x7f); },
      [](unsigned char byte) { return byte < 0x20 || byte == 0x7f; });
}

bool is_source_name(std::string_view text) {
  for (char c : text) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) return false;
  }
  return !text.empty();
}

bool is_lower_snake_case(std::string_view text) {
  if (text.empty() || text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// version "-" trace-id "-" parent-id "-" flags, lower-case hex of 2, 32, 16 and 2 digits.
// Version ff and all-zero ids are invalid (W3C Trace Context, section 3.2). Version 00 is exactly
// those 55 characters. A later version is read by version 00's fields and may append its own
// after a "-" (section 3.2.4, "Versioning of traceparent"): they are kept, as printable ASCII.
bool is_traceparent(std::string_view text) {
  if (text.size() < 55 || text[2] != '-' || text[35] != '-' || text[52] != '-') return false;
  const std::string_view version = text.substr(0, 2);
  const std::string_view trace_id = text.substr(3, 32);
  const std::string_view parent_id = text.substr(36, 16);
  const std::string_view flags = text.substr(53, 2);
  if (!is_lower_hex(version) || !is_lower_hex(trace_id) || !is_lower_hex(parent_id) ||
      !is_lower_hex(flags)) {
    return false;
  }
  if (text.size() > 55) {
    if (version == "00" || text[55] != '-') return false;
    const std::string_view appended = text.substr(56);
    const bool printable =
        std::all_of(appended.begin(), appended.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (!printable) return false;
  }
  return version != "ff" && !is_all_zeros(trace_id) && !is_all_zeros(parent_id);
}

}  // namespace coexist::detail
