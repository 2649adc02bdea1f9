#pragma once

// Private to model/: the decimal text of an amount in minor units, built on the stack. Shared by
// append_amount() and the canonical JSON writer, which measures its output before writing it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coexist::detail {

class AmountText {
 public:
  // minor_units <= kMinorUnitsMax (a programmer error otherwise).
  AmountText(std::int64_t minor, std::uint8_t minor_units);

  [[nodiscard]] std::string_view view() const {
    return {chars_.data() + begin_, chars_.size() - begin_};
  }

  static constexpr std::uint8_t kMinorUnitsMax = 24;

 private:
  // Sign, 20 digits of UINT64_MAX or kMinorUnitsMax + 1 padded digits, and the point.
  std::array<char, 48> chars_;
  std::size_t begin_;
};

}  // namespace coexist::detail
