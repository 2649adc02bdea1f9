#pragma once

// Time, injected (STYLE.md 8): the router asks a Clock, tests can substitute their own.

#include <chrono>
#include <cstdint>

namespace coexist::router {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the Unix epoch (journal's received_at).
  [[nodiscard]] virtual std::int64_t now_us() const = 0;
  // Monotonic nanoseconds, for durations only.
  [[nodiscard]] virtual std::int64_t steady_ns() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::int64_t now_us() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  [[nodiscard]] std::int64_t steady_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace coexist::router
