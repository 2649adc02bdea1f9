#include "model/field_reader.h"

#include "model/assert.h"

namespace coexist::detail {

bool reject(Rejection& rejection, RejectionCode code, std::string path, std::string message) {
  rejection.code = code;
  rejection.path = std::move(path);
  rejection.message = std::move(message);
  return false;
}

std::string line_path(std::size_t index) {
  std::string path = "lines[";
  path += std::to_string(index);
  path += ']';
  return path;
}

std::string line_path(std::size_t index, std::string_view field) {
  std::string path = line_path(index);
  path += '.';
  path += field;
  return path;
}

TextProblem read_text(const simdjson::dom::element& value, const TextRule& rule,
                      std::string_view& text) {
  if (value.get_string().get(text) != simdjson::SUCCESS) return TextProblem::not_a_string;
  return check_text(text, rule);
}

}  // namespace coexist::detail
