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
#include "router/batch.h"
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

// Everything the network thread computes for one transaction before the commit, with the
// router's own PendingAppend, as IngestServer::add_items fills it (a fixed route instead of the
// rules, which rules_bench times).
void BM_ParseCanonicalizeAndPrepareBody(benchmark::State& state) {
  TransactionParser parser;
  std::size_t next = 0;
  for (auto _ : state) {
    ParsedRequest parsed = parser.parse_request(frames()[next++ & (kFrames - 1)]);
    router::PendingAppend pending;
    pending.transaction = std::move(*parsed.items.front().transaction);
    append_canonical_json(pending.transaction, pending.canonical);
    pending.decision = router::Decision{"legacy", "default", 0};
    pending.received_at_us = 1'780'000'000'000'000;
    journal::prepare_body(pending.record_fields(), pending.prepared);
    benchmark::DoNotOptimize(pending);
  }
}
BENCHMARK(BM_ParseCanonicalizeAndPrepareBody);

}  // namespace
}  // namespace coexist

BENCHMARK_MAIN();
