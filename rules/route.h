#pragma once

// Where a transaction goes: the `route` of a rule and of every journaled transaction.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coexist::rules {

enum class Route : std::uint8_t { legacy, new_erp, both, hold };
inline constexpr std::size_t kRouteCount = 4;

// "legacy", "new", "both", "hold": the spelling in rule files, acks and the journal.
[[nodiscard]] std::string_view to_string(Route route);

// The route spelled `text` (exactly, case-sensitive), or nullopt.
[[nodiscard]] std::optional<Route> parse_route(std::string_view text);

}  // namespace coexist::rules
