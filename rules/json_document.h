#pragma once

// Reads JSON text into a nlohmann document within limits (for rule sets those of rules/limits.h:
// size, nesting depth), and reports what nlohmann's own parser lets pass silently: a key
// repeated within one object (it would keep the last value, hiding the first). Never throws.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "rules/problem.h"

namespace coexist::rules {

struct JsonDocument {
  // Set when the text is JSON within the limits; `errors` may still hold duplicate keys.
  std::optional<nlohmann::json> document;
  std::vector<Problem> errors;
};

// A rule set's text: at most kRuleSetBytesMax bytes nested at most kJsonDepthMax deep.
[[nodiscard]] JsonDocument read_json_document(std::string_view text);
// Any JSON text the caller has already bounded in size, nested at most `depth_max` deep (the
// admin socket reads its requests, rule sets inside, with it).
[[nodiscard]] JsonDocument read_json_document(std::string_view text, std::size_t depth_max);

}  // namespace coexist::rules
