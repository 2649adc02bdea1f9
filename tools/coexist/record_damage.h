#pragma once

// Refuses to pass a damaged record on as JSON. A data.mdb altered on disk (the first `{` of a
// canonical transaction overwritten, a field that is no longer UTF-8) still decodes, and the
// export copies the canonical transaction in verbatim: unchecked, `journal export` would write
// invalid JSON and exit 0. `journal verify` says what is wrong (the hash chain); this is only the
// check every read can afford (simdjson, GB/s), so that the commands stop with exit 4 instead.

#include <string>
#include <string_view>

#include "journal/format.h"
#include "model/json_validator.h"

namespace coexist::cli {

class RecordDamageCheck {
 public:
  // Empty when the record's stored transaction is a JSON object on its own (in_transaction) and
  // `exported`, the object append_export_json wrote for `record`, is valid JSON; else the message
  // for the operator, naming the record.
  [[nodiscard]] std::string in_export(const journal::RecordView& record, std::string_view exported);
  // The same for the record's stored transaction alone (CSV's `transaction` column).
  [[nodiscard]] std::string in_transaction(const journal::RecordView& record);

 private:
  JsonValidator validator_;
};

}  // namespace coexist::cli
