#pragma once

// The fixed vocabulary the load generator draws from: legal entities with their currencies,
// transaction types with the accounts each books to, and the text snippets of optional fields.
// Changing any table changes what a given seed generates (reruns against an old journal would
// then see `conflict` instead of `duplicate`), so append to the tables only deliberately.

#include <cstdint>
#include <span>
#include <string_view>

namespace coexist::loadgen {

struct EntityProfile {
  std::string_view code;              // "DE01"
  std::string_view currency;          // functional currency, most of its transactions
  std::string_view foreign_currency;  // the occasional cross-border invoice or payment
  std::string_view region;            // the "region" attribute
  std::string_view tax_code;          // the VAT/GST/sales-tax code on tax lines
};

// Which side of a transaction usually has one (or a few) lines: an invoice has one receivable
// debit against many revenue and tax credits; a payment one bank debit against many invoices.
enum class FewSide : std::uint8_t { debit, credit, either };

struct TypeProfile {
  std::string_view type;
  std::string_view source;
  std::uint32_t weight;  // relative frequency
  FewSide few_side;
  std::span<const std::string_view> debit_accounts;
  std::span<const std::string_view> credit_accounts;
};

[[nodiscard]] std::span<const EntityProfile> entity_profiles();
[[nodiscard]] std::span<const TypeProfile> type_profiles();
[[nodiscard]] std::uint32_t type_weight_total();

// Free-text snippets (some non-ASCII, some needing JSON escapes) for descriptions.
[[nodiscard]] std::span<const std::string_view> header_descriptions();
[[nodiscard]] std::span<const std::string_view> line_descriptions();

// Attribute keys and, per key, the values to pick from (an empty list: a generated code).
struct AttributeProfile {
  std::string_view key;
  std::span<const std::string_view> values;
};
[[nodiscard]] std::span<const AttributeProfile> attribute_profiles();

}  // namespace coexist::loadgen
