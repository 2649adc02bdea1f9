// Google Benchmark for the router's per-transaction work on its network thread, without any
// networking or journal commit: parse and validate the request frame, write the canonical JSON,
// encode the record body and digest it (SHA-256). It is the compute floor under the ingest
// benchmark's router CPU per transaction (tools/bench/ingest.sh, "cpu us/tx"): what is left above
// it there is ZeroMQ, wake-ups, the commit thread and the kernel. The frames are
// coexist-loadgen's transactions (seed 1), 4,096 of them in rotation. Run:
// ingest_prepare_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "journal/format.h"
#include "model/canonical_json.h"
#include "model/transaction_parser.h"
#include "tools/loadgen/transaction_generator.h"

namespace coexist {
namespace {

constexpr std::size_t kFrames = 4096;  // a power of two: the rotation is a mask

const std::vector<std::string>& frames() {
  static const std::vector<std::string> generated = [] {
    loadgen::TransactionGenerator generator(1);
    std::vector<std::string> out;
    for (std::size_t index = 0; index < kFrames; ++index) out.push_back(generator.json(index));
    return out;
  }();
  return generated;
}

// The record fields the router journals, as IngestServer fills them (route and rule fixed).
journal::RecordFields record_fields(const Transaction& transaction, std::string_view canonical) {
  journal::RecordFields fields;
  fields.received_at_us = 1'780'000'000'000'000;
  fields.debit_total = transaction.debit_total;
  fields.minor_units = transaction.minor_units;
  fields.source = transaction.source;
  fields.id = transaction.id;
  fields.entity = transaction.entity;
  fields.type = transaction.type;
  fields.posting_date = transaction.posting_date;
  fields.currency = transaction.currency;
  fields.route = "legacy";
  fields.rule = "default";
  fields.canonical = canonical;
  return fields;
}

void BM_Parse(benchmark::State& state) {
  TransactionParser parser;
  std::size_t next = 0;
  for (auto _ : state) {
    ParsedRequest parsed = parser.parse_request(frames()[next++ & (kFrames - 1)]);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_Parse);

void BM_ParseAndCanonicalize(benchmark::State& state) {
  TransactionParser parser;
  std::string canonical;
  std::size_t next = 0;
  for (auto _ : state) {
    ParsedRequest parsed = parser.parse_request(frames()[next++ & (kFrames - 1)]);
    canonical.clear();
    append_canonical_json(*parsed.items.front().transaction, canonical);
    benchmark::DoNotOptimize(canonical);
  }
}
BENCHMARK(BM_ParseAndCanonicalize);

// Everything the network thread computes for one transaction before the commit.
void BM_ParseCanonicalizeAndPrepareBody(benchmark::State& state) {
  TransactionParser parser;
  std::string canonical;
  journal::PreparedBody prepared;
  std::size_t next = 0;
  for (auto _ : state) {
    ParsedRequest parsed = parser.parse_request(frames()[next++ & (kFrames - 1)]);
    const Transaction& transaction = *parsed.items.front().transaction;
    canonical.clear();
    append_canonical_json(transaction, canonical);
    journal::prepare_body(record_fields(transaction, canonical), prepared);
    benchmark::DoNotOptimize(prepared);
  }
}
BENCHMARK(BM_ParseCanonicalizeAndPrepareBody);

}  // namespace
}  // namespace coexist

BENCHMARK_MAIN();
