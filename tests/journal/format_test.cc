#include "journal/format.h"

#include <gtest/gtest.h>

namespace coexist::journal {
namespace {

RecordFields sample_fields() {
  RecordFields fields;
  fields.received_at_us = 1'764'000'000'123'456;
  fields.rules_version = 7;
  fields.debit_total = 11900;
  fields.minor_units = 2;
  fields.source = "billing";
  fields.id = "INV-1";
  fields.entity = "DE01";
  fields.type = "invoice";
  fields.posting_date = "2026-11-25";
  fields.currency = "EUR";
  fields.route = "both";
  fields.rule = "DE01 dual run";
  fields.canonical = R"({"id":"INV-1"})";
  return fields;
}

std::string record_of(const RecordFields& fields, const Hash& hash) {
  std::string record(1, static_cast<char>(kRecordVersion));
  record.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  encode_body(fields, record);
  return record;
}

TEST(FormatTest, RecordRoundTripsEveryField) {
  Hash hash{};
  hash[0] = 0xab;
  std::string record = record_of(sample_fields(), hash);
  auto view = decode_record(9, record);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->seq, 9U);
  EXPECT_EQ(view->hash, hash);
  EXPECT_EQ(view->received_at_us, 1'764'000'000'123'456);
  EXPECT_EQ(view->rules_version, 7U);
  EXPECT_EQ(view->debit_total, 11900);
  EXPECT_EQ(view->minor_units, 2);
  EXPECT_EQ(view->rule, "DE01 dual run");
  EXPECT_EQ(view->canonical, R"({"id":"INV-1"})");
}

TEST(FormatTest, TruncatedRecordIsRejectedAtEveryLength) {
  std::string record = record_of(sample_fields(), Hash{});
  for (std::size_t length = 0; length < record.size(); ++length) {
    EXPECT_FALSE(decode_record(1, std::string_view(record).substr(0, length)).has_value()) << length;
  }
}

TEST(FormatTest, TrailingBytesAndUnknownVersionAreRejected) {
  std::string record = record_of(sample_fields(), Hash{});
  EXPECT_FALSE(decode_record(1, record + "x").has_value());
  record[0] = 2;
  EXPECT_FALSE(decode_record(1, record).has_value());
}

TEST(FormatTest, SeqKeysAreBigEndianSoByteOrderIsNumericOrder) {
  EXPECT_LT(seq_key(255), seq_key(256));
  EXPECT_LT(seq_key(1), seq_key(1ULL << 40));
  EXPECT_EQ(get_u64(reinterpret_cast<const unsigned char*>(seq_key(0x0102030405060708ULL).data())),
            0x0102030405060708ULL);
}

TEST(FormatTest, ChainHashDependsOnPreviousHashSeqAndBody) {
  Hash zero{};
  Hash one{};
  one[31] = 1;
  Hash base = chain_hash(zero, 1, kRecordVersion, "body");
  EXPECT_NE(base, chain_hash(one, 1, kRecordVersion, "body"));
  EXPECT_NE(base, chain_hash(zero, 2, kRecordVersion, "body"));
  EXPECT_NE(base, chain_hash(zero, 1, kRecordVersion, "bodY"));
  EXPECT_EQ(base, chain_hash(zero, 1, kRecordVersion, "body"));
}

TEST(FormatTest, KnownSha256VectorForTheGenesisRecord) {
  // SHA-256(32 zero bytes, seq 1 as 00..01, version 1, SHA-256("abc")), computed with Python's hashlib.
  Hash hash = chain_hash(Hash{}, 1, 1, "abc");
  EXPECT_EQ(to_hex(hash), "80be3a62f7d57b7467608933ac15aefbf9d59d9de940d82b674fb7a507b6ba93");
}

TEST(FormatTest, PreparedBodyMatchesTheBodyEncodedAtCommit) {
  PreparedBody prepared;
  prepare_body(sample_fields(), prepared);
  std::string record = record_of(sample_fields(), Hash{});
  EXPECT_EQ(prepared.body, record.substr(1 + kHashBytes));
  EXPECT_EQ(prepared.digest, body_digest(prepared.body));
  EXPECT_EQ(chain_hash(Hash{}, 5, kRecordVersion, prepared.digest),
            chain_hash(Hash{}, 5, kRecordVersion, std::string_view(prepared.body)));
}

TEST(FormatTest, HexRoundTripsAndRejectsBadInput) {
  Hash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(i * 7);
  EXPECT_EQ(hash_from_hex(to_hex(hash)), hash);
  EXPECT_FALSE(hash_from_hex("abc").has_value());
  EXPECT_FALSE(hash_from_hex(std::string(64, 'G')).has_value());
}

}  // namespace
}  // namespace coexist::journal
