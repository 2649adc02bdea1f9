#include "model/json_depth.h"

namespace coexist {

bool json_nesting_exceeds(std::string_view frame, std::size_t depth_max) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '[':
      case '{':
        if (++depth > depth_max) return true;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ' ':
      case '\t':
      case '\n':
      case '\r':
      case ',':
      case ':':
        break;
      default:  // the start or middle of a string, number or literal
        if (depth + 1 > depth_max) return true;
        in_string = c == '"';
        break;
    }
  }
  return false;
}

}  // namespace coexist
