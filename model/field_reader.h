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
#include "model/text_rules.h"

namespace coexist::detail {

// Fills `rejection` and returns false, so that a check can end with `return reject(...)`.
bool reject(Rejection& rejection, RejectionCode code, std::string path, std::string message);

// "lines[2]" and "lines[2].debit".
[[nodiscard]] std::string line_path(std::size_t index);
[[nodiscard]] std::string line_path(std::size_t index, std::string_view field);

// Reads `value` as a string obeying `rule`. On success `text` views the string.
[[nodiscard]] TextProblem read_text(const simdjson::dom::element& value, const TextRule& rule,
                                    std::string_view& text);

// Sets `out` (empty so far) to `text`. Appending to the empty string skips the general-purpose
// replace that std::string::assign() goes through: measurably cheaper on the hot path.
inline void copy_text(std::string_view text, std::string& out) {
  COEXIST_ASSERT(out.empty());
  out.append(text);
}

}  // namespace coexist::detail
