#pragma once

// Reads rule-set JSON text into a nlohmann document within the limits of rules/limits.h
// (size, nesting depth), and reports what nlohmann's own parser lets pass silently: a key
// repeated within one object (it would keep the last value, hiding the first). Never throws.

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

[[nodiscard]] JsonDocument read_json_document(std::string_view text);

}  // namespace coexist::rules
