#pragma once

// How deep JSON text nests, found without parsing it: for refusing a depth bomb before a parser
// that recurses (nlohmann/json) sees it, and for calling a truncated one ("[[[[…" never closed)
// too deep rather than malformed after simdjson stopped at its first syntax error.

#include <cstddef>
#include <string_view>

namespace coexist {

// Whether some value of `frame` sits more than `depth_max` levels deep, counted as simdjson
// counts (a container's contents are one level below it). Strings and escapes are skipped; the
// text need not be valid JSON.
[[nodiscard]] bool json_nesting_exceeds(std::string_view frame, std::size_t depth_max);

}  // namespace coexist
