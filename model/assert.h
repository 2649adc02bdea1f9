#pragma once

// Always-on assertions for programmer errors (broken invariants), kept in release builds as in
// TigerBeetle: a wrong journal is worse than a stopped router. Never assert on what the outside
// world sends; that is a Rejection or a Status.

namespace coexist::detail {
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line);
}  // namespace coexist::detail

#define COEXIST_ASSERT(condition)                                              \
  do {                                                                         \
    if (!(condition)) [[unlikely]]                                             \
      ::coexist::detail::assertion_failed(#condition, __FILE__, __LINE__);     \
  } while (false)
