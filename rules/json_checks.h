#pragma once

// Shape checks shared by the rule-set and condition parsers: naming a JSON value's type in a
// message and refusing unknown keys (a typo such as "entiy" must not silently match everything).

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "rules/problem.h"

namespace coexist::rules {

// "a string", "a number", "a list", "an object", "true/false", "null".
[[nodiscard]] std::string_view type_name(const nlohmann::json& value);

// An error for every key of `object` not in `known`, suggesting the nearest known key.
void check_keys(const nlohmann::json& object, const std::string& path,
                std::span<const std::string_view> known, ProblemList& problems);

// Unicode code points in valid UTF-8 `text`.
[[nodiscard]] std::size_t code_points(std::string_view text);

}  // namespace coexist::rules
