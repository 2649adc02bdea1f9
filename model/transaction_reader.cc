#include "model/transaction_reader.h"

#include <algorithm>
#include <array>

#include "model/currency.h"
#include "model/field_reader.h"
#include "model/field_table.h"
#include "model/limits.h"
#include "model/money.h"

// One transaction element is judged by these checks, in this order; the first failure is the
// rejection (so the same input always gets the same answer):
//   1. the element is an object; its keys in document order: an unknown or repeated key;
//   2. required fields: id, source, entity, type, posting_date (each: present, a string,
//      not empty, length, control characters, format), currency (present, a string, in the
//      table), then lines present;
//   3. optional fields: document_date, reference, description, correlation_id, amends,
//      traceparent, then amends is not the transaction's own id, then attributes (an object, count,
//      then each entry in document order, then duplicate names);
//   4. lines (line_reader.cc): an array of 1..kLinesMax, then each line in order;
//   5. totals: overflow of the debit or credit sum, then debits == credits.

namespace coexist::detail {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;

// Top-level fields in byte order (also the canonical order).
enum class Field : std::uint8_t {
  amends,
  attributes,
  correlation_id,
  currency,
  description,
  document_date,
  entity,
  id,
  lines,
  posting_date,
  reference,
  source,
  traceparent,
  type,
};
constexpr std::array<std::string_view, 14> kFieldNames = {
    "amends", "attributes", "correlation_id", "currency",  "description", "document_date", "entity",
    "id",     "lines",      "posting_date",   "reference", "source",      "traceparent",   "type",
};

constexpr std::size_t index_of(Field field) { return static_cast<std::size_t>(field); }
constexpr std::string_view name_of(Field field) { return kFieldNames[index_of(field)]; }

constexpr FieldTable kFieldTable(kFieldNames);

class Fields {
 public:
  void scan(const simdjson::dom::object& object) { scan_.scan(object, kFieldTable); }
  [[nodiscard]] bool has(Field field) const { return scan_.has(index_of(field)); }
  [[nodiscard]] const element& operator[](Field field) const { return scan_[index_of(field)]; }
  [[nodiscard]] const FieldScan<kFieldNames.size()>& scan() const { return scan_; }

 private:
  FieldScan<kFieldNames.size()> scan_;
};

struct TextField {
  Field field;
  TextRule rule;
  std::string Transaction::*member;
};

constexpr TextRule kDateRule{kNoLengthMax, false, TextFormat::date};
constexpr TextRule kReferenceRule{limits::kReferenceLengthMax, true};

// Required string fields, in the order they are checked (currency and lines follow).
constexpr TextField kRequiredText[] = {
    {Field::id, {limits::kIdLengthMax, true}, &Transaction::id},
    {Field::source, kSourceRule, &Transaction::source},
    {Field::entity, kEntityRule, &Transaction::entity},
    {Field::type, kTypeRule, &Transaction::type},
    {Field::posting_date, kDateRule, &Transaction::posting_date},
};

// Optional string fields, in the order they are checked (attributes follow).
constexpr TextField kOptionalText[] = {
    {Field::document_date, kDateRule, &Transaction::document_date},
    {Field::reference, kReferenceRule, &Transaction::reference},
    {Field::description, {limits::kDescriptionLengthMax}, &Transaction::description},
    {Field::correlation_id, kReferenceRule, &Transaction::correlation_id},
    {Field::amends, kReferenceRule, &Transaction::amends},
    {Field::traceparent,
     {limits::kTraceparentLengthMax, false, TextFormat::traceparent},
     &Transaction::traceparent},
};

bool missing(Field field, Rejection& rejection) {
  return reject(rejection, RejectionCode::schema, std::string(name_of(field)),
                "missing required field");
}

bool read_text_field(const Fields& fields, const TextField& spec, Transaction& transaction,
                     Rejection& rejection) {
  std::string_view text;
  const TextProblem problem = read_text(fields[spec.field], spec.rule, text);
  if (problem != TextProblem::none) {
    return reject(rejection, RejectionCode::schema, std::string(name_of(spec.field)),
                  describe(problem, spec.rule));
  }
  copy_text(text, (transaction.*spec.member));
  return true;
}

bool read_currency(const Fields& fields, Transaction& transaction, Rejection& rejection) {
  if (!fields.has(Field::currency)) return missing(Field::currency, rejection);
  std::string_view code;
  if (fields[Field::currency].get_string().get(code) != SUCCESS) {
    return reject(rejection, RejectionCode::schema, "currency", "must be a string");
  }
  const std::optional<Currency> currency = find_currency(code);
  if (!currency) {
    // Quote only what fits in a sentence: a megabyte-long "currency" is not worth echoing.
    std::string message = "must be an ISO 4217 currency code such as \"EUR\"";
    if (code.size() <= 16) {
      message = '"' + std::string(code) + "\" is not an ISO 4217 currency code";
    }
    return reject(rejection, RejectionCode::unknown_currency, "currency", std::move(message));
  }
  copy_text(code, transaction.currency);
  transaction.minor_units = currency->minor_units;
  return true;
}

bool read_required(const Fields& fields, Transaction& transaction, Rejection& rejection) {
  for (const TextField& spec : kRequiredText) {
    if (!fields.has(spec.field)) return missing(spec.field, rejection);
    if (!read_text_field(fields, spec, transaction, rejection)) return false;
  }
  if (!read_currency(fields, transaction, rejection)) return false;
  return fields.has(Field::lines) || missing(Field::lines, rejection);
}

std::string attribute_path(std::string_view name) {
  std::string path = "attributes.";
  path += name;
  return path;
}

bool read_attributes(const element& value, Transaction& transaction, Rejection& rejection) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != SUCCESS) {
    return reject(rejection, RejectionCode::schema, "attributes", "must be an object");
  }
  if (object.size() > limits::kAttributesMax) {
    return reject(rejection, RejectionCode::schema, "attributes",
                  "at most " + std::to_string(limits::kAttributesMax) + " attributes");
  }
  auto& attributes = transaction.attributes;
  attributes.reserve(object.size());
  for (const simdjson::dom::key_value_pair field : object) {
    // A name is a JSON key, always a string: only its length and characters can be wrong.
    const std::string_view name = field.key;
    if (name.empty()) {
      return reject(rejection, RejectionCode::schema, "attributes",
                    "attribute names must not be empty");
    }
    if (name.size() > kAttributeNameRule.length_max &&
        count_code_points(name) > kAttributeNameRule.length_max) {
      return reject(rejection, RejectionCode::schema, "attributes",
                    "attribute names must be at most " +
                        std::to_string(kAttributeNameRule.length_max) + " characters long");
    }
    if (has_control_character(name)) {
      return reject(rejection, RejectionCode::schema, attribute_path(name),
                    "attribute names must not contain control characters");
    }
    std::string_view text;
    const TextProblem problem = read_text(field.value, kAttributeValueRule, text);
    if (problem != TextProblem::none) {
      return reject(rejection, RejectionCode::schema, attribute_path(name),
                    describe(problem, kAttributeValueRule));
    }
    attributes.emplace_back(name, text);
  }
  std::sort(attributes.begin(), attributes.end());
  const auto duplicate =
      std::adjacent_find(attributes.begin(), attributes.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; });
  if (duplicate != attributes.end()) {
    return reject(rejection, RejectionCode::schema, attribute_path(duplicate->first),
                  "duplicate field");
  }
  return true;
}

bool read_optional(const Fields& fields, ParsePurpose purpose, Transaction& transaction,
                   Rejection& rejection) {
  for (const TextField& spec : kOptionalText) {
    if (fields.has(spec.field) && !read_text_field(fields, spec, transaction, rejection)) {
      return false;
    }
  }
  // `amends` names an *earlier* transaction of the same source: itself never is one, and a
  // delivery waiting for itself to be delivered first would wait for ever. Checked only on
  // submission: journals written before the check may hold such a transaction.
  if (purpose == ParsePurpose::submission && !transaction.amends.empty() &&
      transaction.amends == transaction.id) {
    return reject(rejection, RejectionCode::schema, "amends",
                  "a transaction cannot amend itself (amends equals id)");
  }
  return !fields.has(Field::attributes) ||
         read_attributes(fields[Field::attributes], transaction, rejection);
}

bool check_totals(Transaction& transaction, Rejection& rejection) {
  std::int64_t debits = 0;
  std::int64_t credits = 0;
  for (const Line& line : transaction.lines) {
    std::int64_t& total = line.side == Side::debit ? debits : credits;
    const std::optional<std::int64_t> sum = checked_add(total, line.amount_minor);
    if (!sum) return reject(rejection, RejectionCode::bad_amount, "lines", "total overflows");
    total = *sum;
  }
  transaction.debit_total = debits;
  transaction.credit_total = credits;
  if (debits == credits) return true;
  std::string message = "debits ";
  append_amount(message, debits, transaction.minor_units);
  message += " != credits ";
  append_amount(message, credits, transaction.minor_units);
  message += ' ';
  message += transaction.currency;
  return reject(rejection, RejectionCode::unbalanced, "lines", std::move(message));
}

// A Transaction as default-constructed, its buffers kept; its lines are emptied by read_lines,
// which knows how many it reuses. The binding names every member: adding one to Transaction
// breaks this declaration until the new member is emptied here too.
void clear_keeping_buffers(Transaction& transaction) {
  auto& [id, source, entity, type, posting_date, currency, minor_units, lines, document_date,
         reference, description, correlation_id, traceparent, amends, attributes, debit_total,
         credit_total] = transaction;
  id.clear();
  source.clear();
  entity.clear();
  type.clear();
  posting_date.clear();
  currency.clear();
  minor_units = Transaction{}.minor_units;
  (void)lines;  // emptied by read_lines, which reuses them
  document_date.clear();
  reference.clear();
  description.clear();
  correlation_id.clear();
  traceparent.clear();
  amends.clear();
  attributes.clear();
  debit_total = 0;
  credit_total = 0;
}

// The ack of a rejected transaction still names it when it can.
void copy_identity(const Fields& fields, ParsedItem& item) {
  std::string_view text;
  if (fields.has(Field::id) && fields[Field::id].get_string().get(text) == SUCCESS) {
    copy_text(text, item.id);
  }
  if (fields.has(Field::source) && fields[Field::source].get_string().get(text) == SUCCESS) {
    copy_text(text, item.source);
  }
}

}  // namespace

namespace {

bool read_transaction_into(const element& element, ParsePurpose purpose, ParsedItem& item) {
  simdjson::dom::object object;
  if (element.get_object().get(object) != SUCCESS) {
    return reject(item.rejection, RejectionCode::schema, "", "expected a transaction object");
  }
  Fields fields;
  fields.scan(object);
  copy_identity(fields, item);
  if (fields.scan().has_problem()) {
    return reject(item.rejection, RejectionCode::schema, std::string(fields.scan().problem_key()),
                  fields.scan().problem_is_duplicate() ? "duplicate field" : "unknown field");
  }
  // A transaction left in the item by an earlier parse is read into again, buffers and all.
  Transaction& transaction = item.transaction ? *item.transaction : item.transaction.emplace();
  clear_keeping_buffers(transaction);
  return read_required(fields, transaction, item.rejection) &&
         read_optional(fields, purpose, transaction, item.rejection) &&
         read_lines(fields[Field::lines], transaction, item.rejection) &&
         check_totals(transaction, item.rejection);
}

}  // namespace

// `item` may hold what an earlier parse left in it (TransactionParser reuses its items): every
// part of it is set or emptied here, and a transaction is left in it only when valid.
bool read_transaction(const element& element, ParsePurpose purpose, ParsedItem& item) {
  item.rejection = Rejection{};
  item.id.clear();
  item.source.clear();
  const bool valid = read_transaction_into(element, purpose, item);
  if (!valid) item.transaction.reset();
  return valid;
}

}  // namespace coexist::detail
