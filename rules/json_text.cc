#include "rules/json_text.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace coexist::rules {

namespace {

bool is_plain_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string child_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (is_plain_key(key)) {
    if (!path.empty()) path += '.';
    path += key;
  } else {
    path += '[';
    path += json_quote(key);
    path += ']';
  }
  return path;
}

std::string index_path(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

std::string json_quote(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string with_valid_utf8(std::string_view text) {
  // Quoting replaces what is invalid; reading the quoted literal back gives the text itself.
  return nlohmann::json::parse(json_quote(text)).get<std::string>();
}

std::string json_quote_list(std::span<const std::string> items) {
  std::string list = "[";
  for (const std::string& item : items) {
    if (list.size() > 1) list += ',';
    list += json_quote(item);
  }
  list += ']';
  return list;
}

}  // namespace coexist::rules
