#pragma once

// The journal's persistent format, version 1. All integers are big-endian so that LMDB's
// byte-wise key order is numeric order and a hexdump reads naturally.
//
//   sub-database "transactions":  key = seq:u64            value = record
//   sub-database "idempotency":   key = source 0x00 id      value = seq:u64
//   sub-database "meta":          key = "format_version"    value = version:u8
//
//   record      := version:u8 hash:byte[32] body
//   body        := received_at_us:i64 rules_version:u32 debit_total:i64 minor_units:u8
//                  str(source) str(id) str(entity) str(type) str(posting_date) str(currency)
//                  str(route) str(rule) canonical_len:u32 canonical:byte[canonical_len]
//   str         := len:u16 byte[len]                         (UTF-8)
//   hash        := SHA-256(prev_hash:byte[32] seq:u64 version:u8 body_digest)
//   body_digest := SHA-256(body)   (computed off the commit path; the chain step hashes 73 bytes)
//   prev_hash   := the hash of record seq-1; 32 zero bytes for seq 1
//
// The idempotency key is `source 0x00 id` while that fits LMDB's key limit of 511 bytes; a longer
// one (a 128-character id of 4-byte UTF-8 characters with a long source) is
// `source 0x00 0x01 SHA-256(id)`. Ids cannot contain control characters, so no plain key starts
// its id with 0x01, and the two forms never meet.
//
// seq starts at 1 and has no gaps. `canonical` is the transaction's canonical JSON
// (model/canonical_json.h); the fields before it duplicate some of its content so that queries
// need not parse JSON. Source names cannot contain 0x00 (they are [A-Za-z0-9_.-]), so the
// idempotency key is unambiguous.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "journal/byte_codec.h"

namespace coexist::journal {

inline constexpr std::uint8_t kRecordVersion = 1;
inline constexpr std::size_t kHashBytes = 32;
// LMDB's key size limit (mdb_env_get_maxkeysize of a default build; checked at open).
inline constexpr std::size_t kIdempotencyKeyBytesMax = 511;
inline constexpr char kHashedIdMarker = '\x01';
using Hash = std::array<std::uint8_t, kHashBytes>;

// The decoded fields of one record. The views point into the buffer the record was decoded from
// (an LMDB page inside a read transaction): copy what must outlive it.
struct RecordView {
  std::uint64_t seq = 0;
  std::uint8_t version = 0;
  Hash hash{};
  std::string_view body;  // what the hash covers, after prev_hash, seq and version
  std::int64_t received_at_us = 0;
  std::uint32_t rules_version = 0;
  std::int64_t debit_total = 0;
  std::uint8_t minor_units = 0;
  std::string_view source;
  std::string_view id;
  std::string_view entity;
  std::string_view type;
  std::string_view posting_date;
  std::string_view currency;
  std::string_view route;
  std::string_view rule;
  std::string_view canonical;
};

// The fields a new record is made of.
struct RecordFields {
  std::int64_t received_at_us = 0;
  std::uint32_t rules_version = 0;
  std::int64_t debit_total = 0;
  std::uint8_t minor_units = 0;
  std::string_view source;
  std::string_view id;
  std::string_view entity;
  std::string_view type;
  std::string_view posting_date;
  std::string_view currency;
  std::string_view route;
  std::string_view rule;
  std::string_view canonical;
};

// Appends the body grammar above to `out`. Strings longer than 65,535 bytes are a programmer
// error (model/limits.h keeps them far shorter).
void encode_body(const RecordFields& fields, std::string& out);

[[nodiscard]] Hash sha256(std::string_view bytes);
// SHA-256(prefix ‖ bytes), without copying the two together (the rules history's chain).
[[nodiscard]] Hash sha256_after(const Hash& prefix, std::string_view bytes);
[[nodiscard]] Hash body_digest(std::string_view body);  // sha256 of a record body
// hash := SHA-256(prev_hash seq version body_digest).
[[nodiscard]] Hash chain_hash(const Hash& prev_hash, std::uint64_t seq, std::uint8_t version,
                              const Hash& digest_of_body);
// The same, digesting `body` first.
[[nodiscard]] Hash chain_hash(const Hash& prev_hash, std::uint64_t seq, std::uint8_t version,
                              std::string_view body);

// A record body encoded and digested ahead of the commit (the router does it on its network
// thread while the previous batch syncs), so the commit thread only chains and writes.
struct PreparedBody {
  std::string body;
  Hash digest{};
};
void prepare_body(const RecordFields& fields, PreparedBody& prepared);

// Decodes a record body into `view`'s body fields (not seq, version or hash); false when it is
// truncated or has trailing bytes.
[[nodiscard]] bool decode_body(std::string_view body, RecordView& view);

// Decodes a whole record; nullopt when it is truncated, has trailing bytes or an unknown version.
[[nodiscard]] std::optional<RecordView> decode_record(std::uint64_t seq, std::string_view bytes);

// The fields `record` was encoded from (viewing its strings): encode_body of them gives back
// record.body.
[[nodiscard]] RecordFields fields_of(const RecordView& record);

[[nodiscard]] std::string seq_key(std::uint64_t seq);
[[nodiscard]] std::string idempotency_key(std::string_view source, std::string_view id);
// The same into `key`, reusing its capacity (the commit path builds one per record).
void assign_idempotency_key(std::string_view source, std::string_view id, std::string& key);

[[nodiscard]] std::string to_hex(const Hash& hash);
[[nodiscard]] std::optional<Hash> hash_from_hex(std::string_view hex);

}  // namespace coexist::journal
