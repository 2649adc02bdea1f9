#include "rules/json_checks.h"

#include <algorithm>
#include <vector>

#include "rules/json_text.h"

namespace coexist::rules {

namespace {

// Edit distance, for "did you mean"; only called on short keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string known_list(std::span<const std::string_view> known) {
  std::string list;
  for (std::string_view key : known) {
    if (!list.empty()) list += ", ";
    list += key;
  }
  return list;
}

}  // namespace

std::string_view type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "true/false";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::array:
      return "a list";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::binary:
      return "binary data";
    case nlohmann::json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

void check_keys(const nlohmann::json& object, const std::string& path,
                std::span<const std::string_view> known, ProblemList& problems) {
  constexpr std::size_t kSuggestLengthMax = 64;
  constexpr std::size_t kSuggestDistanceMax = 2;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = "unknown key " + json_quote(key);
    if (key.size() <= kSuggestLengthMax) {
      for (std::string_view candidate : known) {
        if (edit_distance(key, candidate) <= kSuggestDistanceMax) {
          message += " (did you mean \"" + std::string(candidate) + "\"?)";
          break;
        }
      }
    }
    problems.error(child_path(path, key), message + "; known keys: " + known_list(known));
  }
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

}  // namespace coexist::rules
