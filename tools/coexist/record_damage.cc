#include "tools/coexist/record_damage.h"

namespace coexist::cli {
namespace {

std::string damaged(const journal::RecordView& record, std::string_view what) {
  return "record " + std::to_string(record.seq) + "'s " + std::string(what) +
         ": the journal is damaged; `coexist journal verify` names the first bad record";
}

}  // namespace

std::string RecordDamageCheck::in_export(const journal::RecordView& record,
                                         std::string_view exported) {
  // The transaction on its own first: text appended to it (`…},"route":"new"`) is still valid
  // inside the export object, where it would add or override fields.
  std::string problem = in_transaction(record);
  if (!problem.empty()) return problem;
  if (validator_.is_valid(exported)) return {};
  // The export escapes every other field, so what is left is a field that is not UTF-8.
  return damaged(record, "stored fields are not valid UTF-8");
}

std::string RecordDamageCheck::in_transaction(const journal::RecordView& record) {
  // Canonical JSON is an object and has no whitespace: it starts with '{'.
  if (record.canonical.starts_with('{') && validator_.is_valid(record.canonical)) return {};
  return damaged(record, "stored transaction is not valid JSON");
}

}  // namespace coexist::cli
