#pragma once

// Reproducible random draws for the load generator. Everything generated is a pure function of
// a seed, with any standard library: std::mt19937_64's output sequence is fixed by the standard,
// but std::uniform_int_distribution's algorithm is implementation-defined, so bounded draws are
// done here instead.

#include <cstdint>
#include <random>
#include <span>

#include "model/assert.h"

namespace coexist::loadgen {

using Rng = std::mt19937_64;

// SplitMix64's finaliser: spreads related inputs (a seed and consecutive indexes) over the whole
// 64-bit space, so neighbouring indexes do not start the engine in correlated states.
[[nodiscard]] constexpr std::uint64_t mix(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// A draw in [0, n). The modulo bias is below 2^-40 for the n used here (< 2^24).
[[nodiscard]] inline std::uint64_t below(Rng& rng, std::uint64_t n) {
  COEXIST_ASSERT(n > 0);
  return rng() % n;
}

// A draw in [low, high], both inclusive.
[[nodiscard]] inline std::int64_t between(Rng& rng, std::int64_t low, std::int64_t high) {
  COEXIST_ASSERT(low <= high);
  return low + static_cast<std::int64_t>(below(rng, static_cast<std::uint64_t>(high - low) + 1));
}

[[nodiscard]] inline bool chance(Rng& rng, std::uint64_t percent) {
  return below(rng, 100) < percent;
}

template <class T>
[[nodiscard]] const T& pick(Rng& rng, std::span<const T> items) {
  return items[below(rng, items.size())];
}

}  // namespace coexist::loadgen
