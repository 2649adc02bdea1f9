#include "journal/format.h"

#include <openssl/evp.h>

#include <initializer_list>
#include <memory>

#include "journal/byte_codec.h"
#include "model/assert.h"

namespace coexist::journal {
namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// Fetched once: with OpenSSL 3, passing EVP_sha256() looks the implementation up on every
// EVP_DigestInit_ex, which cost as much as hashing a 1 KiB record.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  COEXIST_ASSERT(algorithm != nullptr);
  return algorithm;
}

// One context per thread: EVP_MD_CTX_new costs an allocation we would otherwise pay per record.
Hash digest_of(std::initializer_list<std::string_view> parts) {
  thread_local std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  COEXIST_ASSERT(context != nullptr);
  Hash hash{};
  unsigned int length = 0;
  bool ok = EVP_DigestInit_ex(context.get(), sha256_algorithm(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(context.get(), hash.data(), &length) == 1;
  COEXIST_ASSERT(ok && length == kHashBytes);
  return hash;
}

std::string_view bytes_of(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace

std::string seq_key(std::uint64_t seq) {
  std::string key;
  put_u64(key, seq);
  return key;
}

std::string idempotency_key(std::string_view source, std::string_view id) {
  std::string key;
  key.reserve(source.size() + 1 + id.size());
  assign_idempotency_key(source, id, key);
  return key;
}

void assign_idempotency_key(std::string_view source, std::string_view id, std::string& key) {
  key.clear();
  key.append(source);
  key.push_back('\0');
  if (source.size() + 1 + id.size() <= kIdempotencyKeyBytesMax) {
    key.append(id);
    return;
  }
  // Too long for an LMDB key: the id's digest, marked by a byte no id can start with.
  key.push_back(kHashedIdMarker);
  key.append(bytes_of(sha256(id)));
}

void encode_body(const RecordFields& fields, std::string& out) {
  put_u64(out, static_cast<std::uint64_t>(fields.received_at_us));
  put_u32(out, fields.rules_version);
  put_u64(out, static_cast<std::uint64_t>(fields.debit_total));
  out.push_back(static_cast<char>(fields.minor_units));
  put_str(out, fields.source);
  put_str(out, fields.id);
  put_str(out, fields.entity);
  put_str(out, fields.type);
  put_str(out, fields.posting_date);
  put_str(out, fields.currency);
  put_str(out, fields.route);
  put_str(out, fields.rule);
  COEXIST_ASSERT(fields.canonical.size() <= 0xffffffffU);
  put_u32(out, static_cast<std::uint32_t>(fields.canonical.size()));
  out.append(fields.canonical);
}

Hash sha256(std::string_view bytes) { return digest_of({bytes}); }

Hash sha256_after(const Hash& prefix, std::string_view bytes) {
  return digest_of({bytes_of(prefix), bytes});
}

Hash body_digest(std::string_view body) { return sha256(body); }

Hash chain_hash(const Hash& prev_hash, std::uint64_t seq, std::uint8_t version,
                const Hash& digest_of_body) {
  std::string prefix;
  put_u64(prefix, seq);
  prefix.push_back(static_cast<char>(version));
  return digest_of({bytes_of(prev_hash), prefix, bytes_of(digest_of_body)});
}

Hash chain_hash(const Hash& prev_hash, std::uint64_t seq, std::uint8_t version,
                std::string_view body) {
  return chain_hash(prev_hash, seq, version, body_digest(body));
}

void prepare_body(const RecordFields& fields, PreparedBody& prepared) {
  prepared.body.clear();
  encode_body(fields, prepared.body);
  // Check the body right after encoding it (TigerBeetle): it must decode to what we meant. Done
  // here, off the commit thread; the commit thread only puts a version and a hash in front.
  RecordView check;
  COEXIST_ASSERT(decode_body(prepared.body, check) && check.canonical == fields.canonical);
  prepared.digest = body_digest(prepared.body);
}

bool decode_body(std::string_view body, RecordView& view) {
  ByteReader reader(body);
  view.body = body;
  std::uint32_t canonical_length = 0;
  return reader.i64(view.received_at_us) && reader.u32(view.rules_version) &&
         reader.i64(view.debit_total) && reader.u8(view.minor_units) && reader.str(view.source) &&
         reader.str(view.id) && reader.str(view.entity) && reader.str(view.type) &&
         reader.str(view.posting_date) && reader.str(view.currency) && reader.str(view.route) &&
         reader.str(view.rule) && reader.u32(canonical_length) &&
         reader.bytes(canonical_length, view.canonical) && reader.at_end();
}

RecordFields fields_of(const RecordView& record) {
  return RecordFields{record.received_at_us, record.rules_version, record.debit_total,
                      record.minor_units,    record.source,        record.id,
                      record.entity,         record.type,          record.posting_date,
                      record.currency,       record.route,         record.rule,
                      record.canonical};
}

std::optional<RecordView> decode_record(std::uint64_t seq, std::string_view bytes) {
  RecordView view;
  view.seq = seq;
  ByteReader reader(bytes);
  std::string_view hash_bytes;
  if (!reader.u8(view.version) || view.version != kRecordVersion) return std::nullopt;
  if (!reader.bytes(kHashBytes, hash_bytes)) return std::nullopt;
  for (std::size_t i = 0; i < kHashBytes; ++i)
    view.hash[i] = static_cast<std::uint8_t>(hash_bytes[i]);
  if (!decode_body(bytes.substr(1 + kHashBytes), view)) return std::nullopt;
  return view;
}

std::string to_hex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(hash.size() * 2);
  for (std::uint8_t byte : hash) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0f]);
  }
  return hex;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  if (hex.size() != kHashBytes * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Hash hash{};
  for (std::size_t i = 0; i < kHashBytes; ++i) {
    int high = nibble(hex[2 * i]);
    int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    hash[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return hash;
}

}  // namespace coexist::journal
