#pragma once

// Spelling JSON in messages: paths like `rules[2].when.posting_date.from` and quoted strings
// escaped as JSON, so a message names a value exactly whatever bytes it holds.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace coexist::rules {

// `parent.key`, or `parent["odd key"]` when the key is not [A-Za-z0-9_]+; `key` alone at the root.
[[nodiscard]] std::string child_path(std::string_view parent, std::string_view key);
// `parent[index]`.
[[nodiscard]] std::string index_path(std::string_view parent, std::size_t index);

// "DE01" as a JSON string literal (quotes included). Never throws: invalid UTF-8 (possible only
// in hand-built transactions) is replaced by U+FFFD.
[[nodiscard]] std::string json_quote(std::string_view text);
// `text` with every invalid UTF-8 sequence replaced by U+FFFD, for messages that quote bytes
// from outside (nlohmann's parse errors quote the last bytes read, which may be half a
// character): a message that is not valid UTF-8 makes every later JSON dump of it throw.
[[nodiscard]] std::string with_valid_utf8(std::string_view text);
// ["US01","US02"]
[[nodiscard]] std::string json_quote_list(std::span<const std::string> items);

}  // namespace coexist::rules
