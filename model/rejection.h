#pragma once

// A rejected transaction is data, not an error: a stable code from DESIGN.md, the JSON path of
// the offending field ("lines[2].debit", empty for the whole request) and a sentence.

#include <cstdint>
#include <string>
#include <string_view>

namespace coexist {

enum class RejectionCode : std::uint8_t {
  malformed_json,
  schema,
  unknown_currency,
  bad_amount,
  unbalanced,
  conflict,
  too_large,
  unauthorized,
};

[[nodiscard]] std::string_view to_string(RejectionCode code);

struct Rejection {
  RejectionCode code = RejectionCode::schema;
  std::string path;
  std::string message;
};

}  // namespace coexist
