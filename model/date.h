#pragma once

#include <string_view>

namespace coexist {

// True when `text` is exactly "YYYY-MM-DD" naming a real proleptic Gregorian calendar date in
// years 1900..9999 ("2026-02-30" and "2026-13-01" are not). Such strings order chronologically
// when compared as bytes.
[[nodiscard]] bool is_valid_date(std::string_view text);

}  // namespace coexist
