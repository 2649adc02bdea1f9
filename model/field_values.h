#pragma once

// What a valid transaction can carry in its string fields, for code that reasons about values
// without a transaction: the rules' warnings about conditions that can never match.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coexist {

enum class ValueField : std::uint8_t {
  source,
  entity,
  type,
  account,
  attribute_name,
  attribute_value
};

// nullopt when some valid transaction carries `text` in `field`, or a value starting with it;
// otherwise why none can, e.g. "must be at most 32 characters long". Every field's rules
// (length, control characters, character set) hold for each prefix of a valid value too, so
// one answer serves exact values and prefixes alike. Requires valid UTF-8.
[[nodiscard]] std::optional<std::string> why_never_carried(ValueField field, std::string_view text);

}  // namespace coexist
