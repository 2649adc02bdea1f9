#pragma once

// Errors are values. A Status is ok or carries a code and a message for the operator; a
// Result<T> holds a T or the Status that explains why there is none. Both are [[nodiscard]]:
// with -Werror=unused-result an ignored error is a build failure.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "model/assert.h"

namespace coexist {

class [[nodiscard]] Status {
 public:
  enum class Code : std::uint8_t {
    ok,
    invalid_argument,     // the caller's input is wrong (config, CLI arguments, rule file)
    not_found,            // the thing asked for does not exist
    io_error,             // the operating system failed us (disk, network)
    corruption,           // stored data does not match its own checks
    journal_full,         // the journal reached map_size_mb_max; retry after an operator acts
    unavailable,          // temporarily cannot serve (journal failed, shutting down)
    failed_precondition,  // the operation is not allowed in the current state
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status error(Code code, std::string message) {
    COEXIST_ASSERT(code != Code::ok);
    return Status(code, std::move(message));
  }

  [[nodiscard]] bool is_ok() const { return code_ == Code::ok; }
  [[nodiscard]] Code code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] std::string to_string() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::ok;
  std::string message_;
};

[[nodiscard]] const char* to_string(Status::Code code);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    COEXIST_ASSERT(!std::get<Status>(value_).is_ok());
  }

  [[nodiscard]] bool is_ok() const { return std::holds_alternative<T>(value_); }
  [[nodiscard]] const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(value_);
  }
  [[nodiscard]] T& value() & {
    COEXIST_ASSERT(is_ok());
    return std::get<T>(value_);
  }
  [[nodiscard]] const T& value() const& {
    COEXIST_ASSERT(is_ok());
    return std::get<T>(value_);
  }
  [[nodiscard]] T&& value() && {
    COEXIST_ASSERT(is_ok());
    return std::get<T>(std::move(value_));
  }

 private:
  std::variant<T, Status> value_;
};

}  // namespace coexist
