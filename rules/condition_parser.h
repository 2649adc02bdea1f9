#pragma once

// Validates and compiles one rule's `when` object (DESIGN.md, "Rules"):
//
//   when        = { [entity|source|type|currency: strings], [posting_date: {[from], [before]}],
//                   [amount: {[min], [max]}], [account: strings],
//                   [attributes: {key: string | [string, …], …}] }
//   strings     = string | [string, …]     (non-empty strings, non-empty list)
//   from/before = "YYYY-MM-DD", a real date; from < before when both are given
//   min/max     = decimal string ("100", "0.005"); min <= max when both are given
//
// Every problem is recorded with its path; the result is set only when there was none.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rules/conditions.h"
#include "rules/problem.h"

namespace coexist::rules {

[[nodiscard]] std::optional<Conditions> parse_conditions(const nlohmann::json& when,
                                                         const std::string& path,
                                                         ProblemList& problems);

}  // namespace coexist::rules
