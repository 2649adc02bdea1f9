#include <array>

#include "model/field_reader.h"
#include "model/field_table.h"
#include "model/limits.h"
#include "model/money.h"
#include "model/transaction_reader.h"

// Checks of one line, in order (the first failure is the rejection): the line is an object;
// its keys in document order (unknown or repeated); account; exactly one of debit / credit;
// the amount; then cost_center, profit_center, tax_code, counterparty, description.

namespace coexist::detail {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;

// Line fields in byte order (also the canonical order).
enum class LineField : std::uint8_t {
  account,
  cost_center,
  counterparty,
  credit,
  debit,
  description,
  profit_center,
  tax_code,
};
constexpr std::array<std::string_view, 8> kLineFieldNames = {
    "account", "cost_center", "counterparty",  "credit",
    "debit",   "description", "profit_center", "tax_code",
};

constexpr std::size_t index_of(LineField field) { return static_cast<std::size_t>(field); }

constexpr FieldTable kLineFieldTable(kLineFieldNames);

class LineFields {
 public:
  void scan(const simdjson::dom::object& object) { scan_.scan(object, kLineFieldTable); }
  [[nodiscard]] bool has(LineField field) const { return scan_.has(index_of(field)); }
  [[nodiscard]] const element& operator[](LineField field) const { return scan_[index_of(field)]; }
  [[nodiscard]] const FieldScan<kLineFieldNames.size()>& scan() const { return scan_; }

 private:
  FieldScan<kLineFieldNames.size()> scan_;
};

struct LineTextField {
  LineField field;
  TextRule rule;
  std::string Line::*member;
};

constexpr TextRule kCodeRule{limits::kCodeLengthMax, true};

// Optional line fields, in the order they are checked.
constexpr LineTextField kOptionalLineText[] = {
    {LineField::cost_center, kCodeRule, &Line::cost_center},
    {LineField::profit_center, kCodeRule, &Line::profit_center},
    {LineField::tax_code, kCodeRule, &Line::tax_code},
    {LineField::counterparty, kCodeRule, &Line::counterparty},
    {LineField::description, {limits::kDescriptionLengthMax}, &Line::description},
};

bool read_line_text(const element& value, std::size_t index, LineField field, const TextRule& rule,
                    std::string& out, Rejection& rejection) {
  std::string_view text;
  const TextProblem problem = read_text(value, rule, text);
  if (problem != TextProblem::none) {
    return reject(rejection, RejectionCode::schema,
                  line_path(index, kLineFieldNames[index_of(field)]), describe(problem, rule));
  }
  copy_text(text, out);
  return true;
}

// Amounts are strings so that no JSON library ever turns them into floating point.
bool read_amount(const element& value, std::size_t index, LineField side, std::uint8_t minor_units,
                 Line& line, Rejection& rejection) {
  std::string_view text;
  if (value.get_string().get(text) != SUCCESS) {
    return reject(rejection, RejectionCode::bad_amount,
                  line_path(index, kLineFieldNames[index_of(side)]),
                  value.is_number() ? "must be a decimal string such as \"119.00\", not a number"
                                    : "must be a decimal string such as \"119.00\"");
  }
  std::string error;
  const std::optional<std::int64_t> amount = parse_amount(text, minor_units, &error);
  if (!amount) {
    return reject(rejection, RejectionCode::bad_amount,
                  line_path(index, kLineFieldNames[index_of(side)]), std::move(error));
  }
  line.amount_minor = *amount;
  return true;
}

bool read_side(const LineFields& fields, std::size_t index, std::uint8_t minor_units, Line& line,
               Rejection& rejection) {
  const bool has_debit = fields.has(LineField::debit);
  const bool has_credit = fields.has(LineField::credit);
  if (has_debit && has_credit) {
    return reject(rejection, RejectionCode::schema, line_path(index), "has both debit and credit");
  }
  if (!has_debit && !has_credit) {
    return reject(rejection, RejectionCode::schema, line_path(index),
                  "needs exactly one of debit or credit");
  }
  const LineField side = has_debit ? LineField::debit : LineField::credit;
  line.side = has_debit ? Side::debit : Side::credit;
  return read_amount(fields[side], index, side, minor_units, line, rejection);
}

// A Line as default-constructed, its strings' capacity kept. The binding names every member:
// adding one to Line breaks this declaration until the new member is emptied here too.
void clear_keeping_buffers(Line& line) {
  auto& [account, side, amount_minor, cost_center, profit_center, tax_code, counterparty,
         description] = line;
  account.clear();
  side = Side::debit;
  amount_minor = 0;
  cost_center.clear();
  profit_center.clear();
  tax_code.clear();
  counterparty.clear();
  description.clear();
}

bool read_line(const element& value, std::size_t index, std::uint8_t minor_units, Line& line,
               Rejection& rejection) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != SUCCESS) {
    return reject(rejection, RejectionCode::schema, line_path(index), "expected a line object");
  }
  LineFields fields;
  fields.scan(object);
  if (fields.scan().has_problem()) {
    return reject(rejection, RejectionCode::schema, line_path(index, fields.scan().problem_key()),
                  fields.scan().problem_is_duplicate() ? "duplicate field" : "unknown field");
  }
  if (!fields.has(LineField::account)) {
    return reject(rejection, RejectionCode::schema, line_path(index, "account"),
                  "missing required field");
  }
  if (!read_line_text(fields[LineField::account], index, LineField::account, kAccountRule,
                      line.account, rejection) ||
      !read_side(fields, index, minor_units, line, rejection)) {
    return false;
  }
  for (const LineTextField& spec : kOptionalLineText) {
    if (fields.has(spec.field) && !read_line_text(fields[spec.field], index, spec.field, spec.rule,
                                                  line.*spec.member, rejection)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool read_lines(const element& value, Transaction& transaction, Rejection& rejection) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != SUCCESS) {
    return reject(rejection, RejectionCode::schema, "lines", "must be an array");
  }
  const std::size_t count = array.size();
  if (count == 0) {
    return reject(rejection, RejectionCode::schema, "lines", "must have at least one line");
  }
  if (count > limits::kLinesMax) {
    return reject(rejection, RejectionCode::schema, "lines",
                  "at most " + std::to_string(limits::kLinesMax) + " lines");
  }
  // All lines at once: one zeroing of the whole block is cheaper than one per line, and a
  // rejected transaction is thrown away anyway. Lines left from a transaction read into this one
  // before (a reused Transaction) keep their buffers and are emptied here.
  const std::size_t reused = std::min(transaction.lines.size(), count);
  transaction.lines.resize(count);
  for (std::size_t i = 0; i < reused; ++i) clear_keeping_buffers(transaction.lines[i]);
  std::size_t index = 0;
  for (const element line_value : array) {
    if (!read_line(line_value, index, transaction.minor_units, transaction.lines[index],
                   rejection)) {
      return false;
    }
    ++index;
  }
  return true;
}

}  // namespace coexist::detail
