// libFuzzer target: journal records as read back from data.mdb (journal/format.h), which
// `journal verify`, `show`, `list` and `export` decode even when the file was tampered with.
// Beyond "no crash, no sanitizer report", it checks that a record decodes only when it is exactly
// what encoding its fields gives back: nothing truncated or trailing is taken for a record, and
// no two byte strings decode to the same record.
// Run: tools/fuzz.sh (preset `fuzz`, clang + libFuzzer + ASan/UBSan).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "journal/format.h"
#include "tests/fuzz/fuzz_failure.h"

namespace {

constexpr std::string_view kTarget = "record_decode_fuzz";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coexist::journal;
  namespace fuzz = coexist::fuzz;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::optional<RecordView> record = decode_record(7, bytes);
  if (!record) return 0;
  if (record->seq != 7 || record->version != kRecordVersion)
    fuzz::fail(kTarget, "seq or version not kept");
  if (bytes.size() != 1 + kHashBytes + record->body.size())
    fuzz::fail(kTarget, "the body is not the rest");
  std::string encoded;
  encode_body(fields_of(*record), encoded);
  if (encoded != record->body)
    fuzz::fail(kTarget, "re-encoding a decoded record gives other bytes");
  return 0;
}
