#pragma once

// Every hard limit of the ingest path, in one place (TigerBeetle: put a limit on everything).
// Runtime knobs live in the configuration schema; these are fixed by the protocol.

#include <cstddef>
#include <cstdint>

namespace coexist::limits {

// One ingest request frame (a transaction or an array of them). Larger: rejected `too_large`.
inline constexpr std::size_t kRequestBytesMax = 1024 * 1024;
// One journaled canonical transaction, re-read by `journal verify` and `rules simulate`. The
// canonical form of an accepted request can be longer than the request: amounts are written out
// to the currency's minor units ("1" becomes "1.0000" for CLF), at most kLinesMax of them, while
// everything else only loses whitespace and \u escapes. Twice the request limit is ample.
inline constexpr std::size_t kStoredTransactionBytesMax = 2 * kRequestBytesMax;
// ZMQ_MAXMSGSIZE: far above kRequestBytesMax so oversize requests still get a `too_large`
// answer; only absurd frames are cut off by libzmq (which drops the peer's connection).
inline constexpr std::int64_t kFrameBytesAbsoluteMax = 16 * 1024 * 1024;
inline constexpr std::size_t kRequestTransactionsMax = 10'000;
inline constexpr std::size_t kRequestFramesMax = 8;  // envelope + payload; more is garbage

// JSON nesting: request array > transaction > lines > line is depth 4; attributes add none.
inline constexpr std::size_t kJsonDepthMax = 8;

inline constexpr std::size_t kLinesMax = 1000;
inline constexpr std::size_t kAttributesMax = 64;

// String lengths in Unicode code points (UTF-8 validated first).
inline constexpr std::size_t kIdLengthMax = 128;
inline constexpr std::size_t kSourceLengthMax = 64;
inline constexpr std::size_t kEntityLengthMax = 32;
inline constexpr std::size_t kTypeLengthMax = 32;
inline constexpr std::size_t kAccountLengthMax = 64;
inline constexpr std::size_t kCodeLengthMax = 64;  // cost_center, profit_center, tax_code, counterparty
inline constexpr std::size_t kReferenceLengthMax = 128;  // reference, correlation_id, amends
inline constexpr std::size_t kDescriptionLengthMax = 1024;
inline constexpr std::size_t kAttributeKeyLengthMax = 64;
inline constexpr std::size_t kAttributeValueLengthMax = 256;
// W3C traceparent: 55 characters in version 00; a later version may append fields.
inline constexpr std::size_t kTraceparentLengthMax = 256;

// Amount strings: at most this many characters ("9223372036854775807" has 19 digits).
inline constexpr std::size_t kAmountLengthMax = 32;

}  // namespace coexist::limits
