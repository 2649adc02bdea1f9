#include "journal/rules_history.h"

#include "journal/byte_codec.h"
#include "model/assert.h"

namespace coexist::journal {

std::string rules_key(std::uint32_t version) {
  std::string key;
  put_u32(key, version);
  return key;
}

Hash next_rules_hash(const Hash& previous, std::string_view stored_record) {
  return sha256_after(previous, stored_record);
}

RulesHead RulesHistory::head() const {
  COEXIST_ASSERT(chain.size() == versions.size());
  if (versions.empty()) return {};
  return RulesHead{versions.back().version, chain.back()};
}

void encode_rules_record(const RuleSetRecord& record, std::string& out) {
  out.push_back(static_cast<char>(kRulesRecordVersion));
  put_u64(out, static_cast<std::uint64_t>(record.applied_at_us));
  put_u64(out, static_cast<std::uint64_t>(record.effective_at_us));
  put_u64(out, record.activated_after_seq);
  put_u32(out, record.copied_from);
  put_str(out, record.applied_by);
  put_str(out, record.reason);
  out.append(reinterpret_cast<const char*>(record.sha256.data()), record.sha256.size());
  COEXIST_ASSERT(record.canonical.size() <= 0xffffffffU);
  put_u32(out, static_cast<std::uint32_t>(record.canonical.size()));
  out.append(record.canonical);
}

std::optional<RuleSetRecord> decode_rules_record(std::uint32_t version, std::string_view bytes) {
  RuleSetRecord record;
  record.version = version;
  ByteReader reader(bytes);
  std::uint8_t format = 0;
  std::uint32_t length = 0;
  std::string_view applied_by, reason, hash, canonical;
  bool ok = reader.u8(format) && format == kRulesRecordVersion &&
            reader.i64(record.applied_at_us) && reader.i64(record.effective_at_us) &&
            reader.u64(record.activated_after_seq) && reader.u32(record.copied_from) &&
            reader.str(applied_by) && reader.str(reason) && reader.bytes(kHashBytes, hash) &&
            reader.u32(length) && reader.bytes(length, canonical) && reader.at_end();
  if (!ok) return std::nullopt;
  record.applied_by = applied_by;
  record.reason = reason;
  record.canonical = canonical;
  for (std::size_t i = 0; i < kHashBytes; ++i)
    record.sha256[i] = static_cast<std::uint8_t>(hash[i]);
  return record;
}

}  // namespace coexist::journal
