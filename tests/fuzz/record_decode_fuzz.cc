// libFuzzer target: journal records as read back from data.mdb (journal/format.h), which
// `journal verify`, `show`, `list` and `export` decode even when the file was tampered with.
// Beyond "no crash, no sanitizer report", it checks that a record decodes only when it is exactly
// what encoding its fields gives back: nothing truncated or trailing is taken for a record, and
// no two byte strings decode to the same record.
// Run: tools/fuzz.sh (preset `fuzz`, clang + libFuzzer + ASan/UBSan).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "journal/format.h"

namespace {

[[noreturn]] void fail(std::string_view what) {
  std::cerr << "record_decode_fuzz: " << what << "\n";
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coexist::journal;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::optional<RecordView> record = decode_record(7, bytes);
  if (!record) return 0;
  if (record->seq != 7 || record->version != kRecordVersion) fail("seq or version not kept");
  if (bytes.size() != 1 + kHashBytes + record->body.size()) fail("the body is not the rest");
  const RecordFields fields{record->received_at_us, record->rules_version, record->debit_total,
                            record->minor_units,    record->source,        record->id,
                            record->entity,         record->type,          record->posting_date,
                            record->currency,       record->route,         record->rule,
                            record->canonical};
  std::string encoded;
  encode_body(fields, encoded);
  if (encoded != record->body) fail("re-encoding a decoded record gives other bytes");
  return 0;
}
