#pragma once

// Private to model/: sorting the keys of a JSON object into slots by known field name, on the
// ingest hot path. A perfect hash chosen at compile time picks the one candidate name for a
// key, which is then compared with a few fixed-size loads: no loop over the names, no call to
// memcmp, no jump table, so a key costs a handful of instructions.

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include "model/assert.h"

namespace coexist::detail {

// Whether a[0..size) == b[0..size) for 1 <= size <= 16, by overlapping loads.
inline bool equal_short(const char* a, const char* b, std::size_t size) {
  const auto load8 = [](const char* bytes) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes, sizeof(word));
    return word;
  };
  const auto load4 = [](const char* bytes) {
    std::uint32_t word = 0;
    std::memcpy(&word, bytes, sizeof(word));
    return word;
  };
  if (size >= 8) return load8(a) == load8(b) && load8(a + size - 8) == load8(b + size - 8);
  if (size >= 4) return load4(a) == load4(b) && load4(a + size - 4) == load4(b + size - 4);
  return a[0] == b[0] && a[size / 2] == b[size / 2] && a[size - 1] == b[size - 1];
}

// The known field names of one kind of object, each 1..16 bytes, at most 32 of them.
template <std::size_t kCount>
class FieldTable {
 public:
  static constexpr std::size_t kUnknown = kCount;

  // Compile-time only: a name set without a perfect hash in this family fails the build.
  consteval explicit FieldTable(const std::array<std::string_view, kCount>& names) : names_(names) {
    static_assert(kCount <= 32, "FieldScan::present has one bit per field");
    for (multiplier_ = 1; multiplier_ < 1000; ++multiplier_) {
      if (try_build()) return;
    }
    throw "no perfect hash for these field names";
  }

  // The index of `key` among the names, or kUnknown.
  [[nodiscard]] std::size_t find(std::string_view key) const {
    if (key.empty() || key.size() > kNameLengthMax) return kUnknown;
    const std::uint8_t index = buckets_[bucket(key)];
    if (index == kEmpty) return kUnknown;
    const std::string_view candidate = names_[index];
    const bool match =
        candidate.size() == key.size() && equal_short(candidate.data(), key.data(), key.size());
    return match ? index : kUnknown;
  }

 private:
  static constexpr std::size_t kNameLengthMax = 16;
  static constexpr std::size_t kBuckets = 64;
  static constexpr std::uint8_t kEmpty = 0xff;

  [[nodiscard]] constexpr std::size_t bucket(std::string_view key) const {
    const auto first = static_cast<unsigned char>(key.front());
    const auto last = static_cast<unsigned char>(key.back());
    return (first * multiplier_ + last + key.size() * 3) % kBuckets;
  }

  constexpr bool try_build() {
    buckets_.fill(kEmpty);
    for (std::size_t i = 0; i < kCount; ++i) {
      const std::string_view name = names_[i];
      if (name.empty() || name.size() > kNameLengthMax) throw "field names are 1..16 bytes";
      std::uint8_t& slot = buckets_[bucket(name)];
      if (slot != kEmpty) return false;
      slot = static_cast<std::uint8_t>(i);
    }
    return true;
  }

  std::array<std::string_view, kCount> names_;
  std::array<std::uint8_t, kBuckets> buckets_{};
  std::size_t multiplier_ = 0;
};

// The values of one object's known fields. Slots are left uninitialised on purpose (zeroing
// them cost more than the rest of a small object's scan); only slots whose bit is set in
// `present` hold a value. The first unknown or repeated key is remembered, but the scan goes on
// so that `id` and `source` can still be named in the rejection.
template <std::size_t kCount>
class FieldScan {
 public:
  // User-provided so that even value-initialisation (`FieldScan<8>{}`) leaves the slots alone.
  FieldScan() {}  // NOLINT(modernize-use-equals-default)

  template <typename Table>
  void scan(const simdjson::dom::object& object, const Table& table) {
    for (const simdjson::dom::key_value_pair field : object) {
      const std::size_t index = table.find(field.key);
      const bool known = index < kCount;
      if (known && !has(index)) {
        present_ |= 1U << index;
        new (&slots_[index].value) simdjson::dom::element(field.value);
      } else if (!has_problem_) {
        has_problem_ = true;
        problem_is_duplicate_ = known;
        problem_key_ = field.key;
      }
    }
  }

  [[nodiscard]] bool has(std::size_t index) const { return (present_ >> index & 1U) != 0; }
  [[nodiscard]] const simdjson::dom::element& operator[](std::size_t index) const {
    COEXIST_ASSERT(has(index));
    return slots_[index].value;
  }
  [[nodiscard]] bool has_problem() const { return has_problem_; }
  [[nodiscard]] bool problem_is_duplicate() const { return problem_is_duplicate_; }
  [[nodiscard]] std::string_view problem_key() const { return problem_key_; }

 private:
  union Slot {
    Slot() {}  // NOLINT: leaves `value` unconstructed
    simdjson::dom::element value;
  };

  std::array<Slot, kCount> slots_;
  std::uint32_t present_ = 0;  // bit i: slots_[i] holds a value
  bool has_problem_ = false;
  bool problem_is_duplicate_ = false;
  std::string_view problem_key_;
};

}  // namespace coexist::detail
