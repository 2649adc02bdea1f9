#include "journal/rules_history.h"

#include <openssl/evp.h>

#include "model/assert.h"

namespace coexist::journal {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

void put_str(std::string& out, std::string_view text) {
  COEXIST_ASSERT(text.size() <= 0xffff);
  out.push_back(static_cast<char>(text.size() >> 8));
  out.push_back(static_cast<char>(text.size() & 0xff));
  out.append(text);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool number(std::size_t width, std::uint64_t& value) {
    if (bytes_.size() - position_ < width) return false;
    value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[position_ + i]);
    }
    position_ += width;
    return true;
  }
  bool text(std::size_t length, std::string& value) {
    if (bytes_.size() - position_ < length) return false;
    value.assign(bytes_.substr(position_, length));
    position_ += length;
    return true;
  }
  bool str(std::string& value) {
    std::uint64_t length = 0;
    return number(2, length) && text(static_cast<std::size_t>(length), value);
  }
  [[nodiscard]] bool at_end() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

}  // namespace

std::string rules_key(std::uint32_t version) {
  std::string key;
  put_u32(key, version);
  return key;
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
  Reader reader(bytes);
  std::uint64_t format = 0, applied = 0, effective = 0, copied = 0, length = 0;
  std::string hash;
  bool ok = reader.number(1, format) && format == kRulesRecordVersion && reader.number(8, applied) &&
            reader.number(8, effective) && reader.number(8, record.activated_after_seq) &&
            reader.number(4, copied) && reader.str(record.applied_by) && reader.str(record.reason) &&
            reader.text(kHashBytes, hash) && reader.number(4, length) &&
            reader.text(static_cast<std::size_t>(length), record.canonical) && reader.at_end();
  if (!ok) return std::nullopt;
  record.applied_at_us = static_cast<std::int64_t>(applied);
  record.effective_at_us = static_cast<std::int64_t>(effective);
  record.copied_from = static_cast<std::uint32_t>(copied);
  for (std::size_t i = 0; i < kHashBytes; ++i) record.sha256[i] = static_cast<std::uint8_t>(hash[i]);
  return record;
}

Hash sha256(std::string_view bytes) {
  Hash hash{};
  unsigned int length = 0;
  int ok = EVP_Digest(bytes.data(), bytes.size(), hash.data(), &length, EVP_sha256(), nullptr);
  COEXIST_ASSERT(ok == 1 && length == kHashBytes);
  return hash;
}

}  // namespace coexist::journal
