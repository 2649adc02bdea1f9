#include "model/json_validator.h"

#include <simdjson.h>

namespace coexist {

static_assert(JsonValidator::kDepthMax == simdjson::DEFAULT_MAX_DEPTH);

struct JsonValidator::Impl {
  simdjson::dom::parser parser;  // grows to the largest text seen, up to 4 GiB
};

JsonValidator::JsonValidator() : impl_(std::make_unique<Impl>()) {}

JsonValidator::~JsonValidator() = default;

bool JsonValidator::is_valid(std::string_view text) {
  // realloc_if_needed = true: simdjson copies the text into its own padded buffer, reused from
  // call to call. An empty view may carry a null pointer, which simdjson would hand to memcpy.
  const char* data = text.empty() ? "" : text.data();
  simdjson::dom::element root;
  return impl_->parser.parse(data, text.size(), true).get(root) == simdjson::SUCCESS;
}

}  // namespace coexist
