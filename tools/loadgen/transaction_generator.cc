#include "tools/loadgen/transaction_generator.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "model/canonical_json.h"
#include "model/currency.h"
#include "model/money.h"
#include "tools/loadgen/random_draw.h"
#include "tools/loadgen/reference_data.h"

namespace coexist::loadgen {
namespace {

// "2026-MM-DD" for day 1..365 of 2026 (not a leap year).
std::string date_in_2026(std::int64_t day_of_year) {
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  int day = static_cast<int>(std::clamp<std::int64_t>(day_of_year, 1, 365));
  int month = 0;
  while (day > kMonthDays[static_cast<std::size_t>(month)]) {
    day -= kMonthDays[static_cast<std::size_t>(month)];
    ++month;
  }
  std::string text = "2026-";
  auto two_digits = [&text](int value) {
    text.push_back(static_cast<char>('0' + value / 10));
    text.push_back(static_cast<char>('0' + value % 10));
  };
  two_digits(month + 1);
  text.push_back('-');
  two_digits(day);
  return text;
}

std::string code(std::string_view prefix, Rng& rng, std::int64_t low, std::int64_t high) {
  std::string text(prefix);
  text += std::to_string(between(rng, low, high));
  return text;
}

// Writes one JSON object's members, inserting the commas.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  void key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    append_json_string(out_, name);
    out_.push_back(':');
  }
  void field(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out_, value);
  }
  void amount(std::string_view name, std::int64_t minor, std::uint8_t minor_units) {
    key(name);
    out_.push_back('"');
    append_amount(out_, minor, minor_units);
    out_.push_back('"');
  }
  void close() { out_.push_back('}'); }
  std::string& out() { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

// Mostly short transactions, a long tail of big invoices and schedules: mean ≈ 12.7 lines, which
// with the optional fields makes the ≈ 1 KiB canonical JSON the benchmarks are specified with.
std::size_t draw_line_count(Rng& rng) {
  std::uint64_t bucket = below(rng, 100);
  if (bucket < 45) return static_cast<std::size_t>(between(rng, 2, 5));
  if (bucket < 80) return static_cast<std::size_t>(between(rng, 6, 18));
  return static_cast<std::size_t>(between(rng, 19, 50));
}

// A positive amount of 2..7 significant digits before the minor units (0.10 EUR .. 99,999.99
// EUR; 10 .. 9,999,999 JPY): the magnitudes, and so the string lengths, vary like real ledgers.
std::int64_t draw_amount(Rng& rng, std::uint8_t minor_units) {
  std::int64_t digits = between(rng, 2, 7 + (minor_units == 0 ? 0 : minor_units - 1));
  std::int64_t low = 1;
  for (std::int64_t i = 1; i < digits; ++i) low *= 10;
  return between(rng, low, low * 10 - 1);
}

// Splits `total` into `parts` positive amounts that add up to it exactly.
std::vector<std::int64_t> split_total(Rng& rng, std::int64_t total, std::size_t parts) {
  COEXIST_ASSERT(parts >= 1 && total >= static_cast<std::int64_t>(parts));
  std::vector<std::int64_t> shares;
  shares.reserve(parts);
  std::int64_t remaining = total;
  for (std::size_t k = 0; k + 1 < parts; ++k) {
    auto left_after = static_cast<std::int64_t>(parts - k - 1);
    std::int64_t fair = remaining / (left_after + 1);
    std::int64_t upper = std::min(remaining - left_after, std::max<std::int64_t>(1, 2 * fair));
    std::int64_t share = between(rng, 1, upper);
    shares.push_back(share);
    remaining -= share;
  }
  shares.push_back(remaining);
  return shares;
}

struct DraftLine {
  std::string_view account;
  bool debit = true;
  std::int64_t amount = 0;
};

// Draws balanced lines: the "many" side gets random amounts, the "few" side splits their sum.
std::vector<DraftLine> draw_lines(Rng& rng, const TypeProfile& type, std::uint8_t minor_units) {
  std::size_t count = draw_line_count(rng);
  std::size_t few = 1;
  if (type.few_side == FewSide::either) {
    few = 1 + below(rng, count - 1);
  } else if (count > 3 && chance(rng, 20)) {
    few = 2;
  }
  bool few_is_debit =
      type.few_side == FewSide::debit || (type.few_side == FewSide::either && chance(rng, 50));
  std::size_t many = count - few;
  std::vector<std::int64_t> many_amounts;
  many_amounts.reserve(many);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < many; ++i) {
    many_amounts.push_back(draw_amount(rng, minor_units));
    total += many_amounts.back();  // ≤ 49 × 10^10: far from overflow
  }
  if (total < static_cast<std::int64_t>(few)) {  // tiny amounts: every few-side share needs ≥ 1
    many_amounts[0] += static_cast<std::int64_t>(few);
    total += static_cast<std::int64_t>(few);
  }
  std::vector<std::int64_t> few_amounts = split_total(rng, total, few);
  const std::vector<std::int64_t>& debits = few_is_debit ? few_amounts : many_amounts;
  const std::vector<std::int64_t>& credits = few_is_debit ? many_amounts : few_amounts;
  std::vector<DraftLine> lines;
  lines.reserve(count);
  for (std::int64_t amount : debits) {
    lines.push_back({pick(rng, type.debit_accounts), true, amount});
  }
  for (std::int64_t amount : credits) {
    lines.push_back({pick(rng, type.credit_accounts), false, amount});
  }
  return lines;
}

void append_line(Rng& rng, const DraftLine& line, const EntityProfile& entity,
                 std::uint8_t minor_units, std::string& out) {
  ObjectWriter writer(out);
  writer.field("account", line.account);
  writer.amount(line.debit ? "debit" : "credit", line.amount, minor_units);
  if (chance(rng, 45)) writer.field("cost_center", code("CC", rng, 10, 99));
  if (chance(rng, 10)) writer.field("profit_center", code("PC", rng, 100, 999));
  if (chance(rng, 25)) writer.field("tax_code", entity.tax_code);
  if (chance(rng, 10)) writer.field("counterparty", code("CUST-", rng, 10000, 99999));
  if (chance(rng, 20)) writer.field("description", pick(rng, line_descriptions()));
  writer.close();
}

void append_attributes(Rng& rng, const EntityProfile& entity, ObjectWriter& parent) {
  parent.key("attributes");
  ObjectWriter writer(parent.out());
  writer.field("region", entity.region);
  for (const AttributeProfile& attribute : attribute_profiles()) {
    if (!chance(rng, 40)) continue;
    if (attribute.values.empty()) {
      writer.field(attribute.key, code("C-", rng, 100000, 999999));
    } else {
      writer.field(attribute.key, pick(rng, attribute.values));
    }
  }
  writer.close();
}

const TypeProfile& pick_type(Rng& rng) {
  std::uint64_t ticket = below(rng, type_weight_total());
  for (const TypeProfile& type : type_profiles()) {
    if (ticket < type.weight) return type;
    ticket -= type.weight;
  }
  COEXIST_ASSERT(false);
  return type_profiles().front();
}

}  // namespace

std::string TransactionGenerator::id(std::uint64_t index) const {
  return "LG-" + std::to_string(seed_) + "-" + std::to_string(index);
}

std::string TransactionGenerator::json(std::uint64_t index) const {
  std::string out;
  append_json(index, out);
  return out;
}

void TransactionGenerator::append_json(std::uint64_t index, std::string& out) const {
  Rng rng(mix(mix(seed_) + index));
  const TypeProfile& type = pick_type(rng);
  const EntityProfile& entity = pick(rng, entity_profiles());
  std::string_view currency_code = chance(rng, 12) ? entity.foreign_currency : entity.currency;
  std::optional<Currency> currency = find_currency(currency_code);
  COEXIST_ASSERT(currency.has_value());
  std::int64_t day = between(rng, 1, 365);

  ObjectWriter writer(out);
  writer.field("id", id(index));
  writer.field("source", type.source);
  writer.field("entity", entity.code);
  writer.field("type", type.type);
  writer.field("posting_date", date_in_2026(day));
  if (chance(rng, 70)) writer.field("document_date", date_in_2026(day - between(rng, 0, 3)));
  writer.field("currency", currency_code);
  if (chance(rng, 70)) writer.field("reference", code("SO-", rng, 1000, 999999));
  if (chance(rng, 60)) writer.field("description", pick(rng, header_descriptions()));
  if (chance(rng, 40)) writer.field("correlation_id", code("order-", rng, 10000000, 99999999));
  if (chance(rng, 55)) append_attributes(rng, entity, writer);
  std::vector<DraftLine> lines = draw_lines(rng, type, currency->minor_units);
  writer.key("lines");
  out.push_back('[');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_line(rng, lines[i], entity, currency->minor_units, out);
  }
  out.push_back(']');
  writer.close();
}

}  // namespace coexist::loadgen
