#include "model/status.h"

#include <cstdio>
#include <cstdlib>

namespace coexist {

namespace detail {
void assertion_failed(const char* expression, const char* file, int line) {
  std::fprintf(stderr, "coexist: assertion failed: %s (%s:%d)\n", expression, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

const char* to_string(Status::Code code) {
  switch (code) {
    case Status::Code::ok: return "ok";
    case Status::Code::invalid_argument: return "invalid_argument";
    case Status::Code::not_found: return "not_found";
    case Status::Code::io_error: return "io_error";
    case Status::Code::corruption: return "corruption";
    case Status::Code::journal_full: return "journal_full";
    case Status::Code::unavailable: return "unavailable";
    case Status::Code::failed_precondition: return "failed_precondition";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(coexist::to_string(code_)) + ": " + message_;
}

}  // namespace coexist
