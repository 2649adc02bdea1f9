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
  if (validator_.is_valid(exported)) return {};
  // Only on a damaged record: say which part. The export escapes every other field, so what is
  // left when the transaction is sound is a field that is not UTF-8.
  std::string problem = in_transaction(record);
  return problem.empty() ? damaged(record, "stored fields are not valid UTF-8") : problem;
}

std::string RecordDamageCheck::in_transaction(const journal::RecordView& record) {
  if (validator_.is_valid(record.canonical)) return {};
  return damaged(record, "stored transaction is not valid JSON");
}

}  // namespace coexist::cli
