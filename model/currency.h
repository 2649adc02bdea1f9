#pragma once

// The built-in ISO 4217 table: every active code with its minor-unit digits (EUR 2, JPY 0,
// BHD 3, CLF 4). Funds and precious-metal codes without minor units (XAU, XDR, XXX…) are
// excluded: they are not money a ledger books.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace coexist {

struct Currency {
  std::string_view code;       // three upper-case letters
  std::uint8_t minor_units;    // digits after the decimal point, 0..4
};

// The currency for `code`, or nullopt when it is not an active ISO 4217 code (case-sensitive:
// "eur" is not a code).
[[nodiscard]] std::optional<Currency> find_currency(std::string_view code);

// The whole table, sorted by code.
[[nodiscard]] std::span<const Currency> all_currencies();

}  // namespace coexist
