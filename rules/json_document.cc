#include "rules/json_document.h"

#include <string>
#include <utility>

#include "rules/json_text.h"
#include "rules/limits.h"

namespace coexist::rules {

namespace {

using nlohmann::json;

// A SAX handler that builds the document like nlohmann's own DOM parser, but refuses nesting
// beyond a limit (a deeply nested document would overflow the stack of every recursive
// walk, dump() included) and records repeated keys with their paths.
// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc, from nlohmann's destructor.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(std::size_t depth_max) : depth_max_(depth_max) {}

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(json::number_integer_t value) { return add(value); }
  bool number_unsigned(json::number_unsigned_t value) { return add(value); }
  bool number_float(json::number_float_t value, const json::string_t& /*text*/) {
    return add(value);
  }
  bool string(json::string_t& value) { return add(std::move(value)); }
  bool binary(json::binary_t& value) { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t /*elements*/) { return open(json::object()); }
  bool start_array(std::size_t /*elements*/) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& key) {
    Frame& top = stack_.back();
    // Past kProblemsMax repeats the rest are not listed: a 16 MiB admin frame of one repeated
    // key would otherwise hold millions of problems (and their paths) in memory.
    if (top.value->contains(key) && errors_.size() < kProblemsMax) {
      errors_.push_back(Problem{child_path(path_to(stack_.size() - 1), key),
                                "duplicate key " + json_quote(key) + " in the same object"});
    }
    top.key = key;
    slot_ = &(*top.value)[key];
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const json::exception& error) {
    std::string what = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> drop the tag.
    if (const std::size_t tag_end = what.find("] "); tag_end != std::string::npos) {
      what.erase(0, tag_end + 2);
    }
    failure_ = Problem{
        "", "invalid JSON at byte " + std::to_string(position) + ": " + with_valid_utf8(what)};
    return false;
  }

  JsonDocument finish(bool parsed) && {
    JsonDocument result;
    if (failure_) {
      result.errors.push_back(std::move(*failure_));
    } else if (parsed) {
      result.document = std::move(root_);
    }
    for (Problem& problem : errors_) result.errors.push_back(std::move(problem));
    return result;
  }

 private:
  struct Frame {
    json* value;
    std::string key;  // the member being read, when `value` is an object
  };

  // Where the next value goes: the root, the end of the open array, or the open object's slot.
  json* place(json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json* parent = stack_.back().value;
    if (parent->is_array()) {
      parent->push_back(std::move(value));
      return &parent->back();
    }
    *slot_ = std::move(value);
    return slot_;
  }

  template <typename Value>
  bool add(Value&& value) {
    place(json(std::forward<Value>(value)));
    return true;
  }

  bool open(json&& container) {
    if (stack_.size() >= depth_max_) {
      failure_ = Problem{pending_path(),
                         "JSON nested deeper than " + std::to_string(depth_max_) + " levels"};
      return false;
    }
    json* value = place(std::move(container));
    stack_.push_back(Frame{value, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  // The path of the value about to be placed in the innermost open container.
  [[nodiscard]] std::string pending_path() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    const std::string parent = path_to(stack_.size() - 1);
    return top.value->is_object() ? child_path(parent, top.key)
                                  : index_path(parent, top.value->size());
  }

  // The path of the open container stack_[depth].
  [[nodiscard]] std::string path_to(std::size_t depth) const {
    std::string path;
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& frame = stack_[i];
      path = frame.value->is_object() ? child_path(path, frame.key)
                                      : index_path(path, frame.value->size() - 1);
    }
    return path;
  }

  std::size_t depth_max_;
  json root_;
  std::vector<Frame> stack_;
  json* slot_ = nullptr;
  std::optional<Problem> failure_;
  std::vector<Problem> errors_;
};

}  // namespace

JsonDocument read_json_document(std::string_view text) {
  if (text.size() > kRuleSetBytesMax) {
    JsonDocument result;
    result.errors.push_back(Problem{"", "the rule set is " + std::to_string(text.size()) +
                                            " bytes, more than the limit of " +
                                            std::to_string(kRuleSetBytesMax) + " bytes (4 MiB)"});
    return result;
  }
  return read_json_document(text, kJsonDepthMax);
}

JsonDocument read_json_document(std::string_view text, std::size_t depth_max) {
  DocumentBuilder builder(depth_max);
  bool parsed = false;
  try {
    parsed = json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const json::exception& error) {
    // sax_parse reports syntax errors through parse_error(); this is only a safety net.
    JsonDocument result;
    result.errors.push_back(Problem{"", "invalid JSON: " + with_valid_utf8(error.what())});
    return result;
  }
  return std::move(builder).finish(parsed);
}

}  // namespace coexist::rules
