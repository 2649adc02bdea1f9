#pragma once

// Whether text is well-formed JSON (one value, valid UTF-8, nested at most kDepthMax levels), at
// simdjson's speed: the CLI checks every record it exports with it, so that a damaged journal is
// never passed on as JSON. Keeps simdjson's buffers from call to call; not thread-safe (one per
// thread).

#include <cstddef>
#include <memory>
#include <string_view>

namespace coexist {

class JsonValidator {
 public:
  // simdjson's default; far deeper than anything the journal writes, and shallow enough for
  // nlohmann/json's recursive dump() of what passed.
  static constexpr std::size_t kDepthMax = 1024;

  JsonValidator();
  ~JsonValidator();
  JsonValidator(const JsonValidator&) = delete;
  JsonValidator& operator=(const JsonValidator&) = delete;

  [[nodiscard]] bool is_valid(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coexist
