// Google Benchmark for the router's per-transaction work on its network thread, without any
// networking or journal commit: parse and validate the request frame, write the canonical JSON,
// encode the record body and digest it (SHA-256). It is the compute floor under the ingest
// benchmark's router CPU per transaction (tools/bench/ingest.sh, "cpu us/tx"): what is left above
// it there is ZeroMQ, wake-ups, the commit thread and the kernel. The BM_Stage* cases time one
// stage each (simdjson alone, canonical JSON, record body, SHA-256) to show where the floor
// goes. The frames are coexist-loadgen's transactions (seed 1), 4,096 of them in rotation. Run
// (interleaving evens out the machine's drift between cases):
// ingest_prepare_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//   --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>
#include <simdjson.h>

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

// The stages one at a time, each on inputs the previous stages prepared outside the timing:
// where the floor above goes.

// simdjson's DOM parse alone (with the same padded-copy the parser makes).
void BM_StageSimdjson(benchmark::State& state) {
  simdjson::dom::parser parser;
  std::size_t next = 0;
  for (auto _ : state) {
    const std::string& frame = frames()[next++ & (kFrames - 1)];
    simdjson::dom::element root;
    benchmark::DoNotOptimize(parser.parse(frame.data(), frame.size(), true).get(root));
  }
}
BENCHMARK(BM_StageSimdjson);

const std::vector<Transaction>& transactions() {
  static const std::vector<Transaction> parsed = [] {
    TransactionParser parser;
    std::vector<Transaction> out;
    for (const std::string& frame : frames()) {
      out.push_back(std::move(*parser.parse_request(frame).items.front().transaction));
    }
    return out;
  }();
  return parsed;
}

void BM_StageCanonicalJson(benchmark::State& state) {
  std::string canonical;
  std::size_t next = 0;
  for (auto _ : state) {
    canonical.clear();
    append_canonical_json(transactions()[next++ & (kFrames - 1)], canonical);
    benchmark::DoNotOptimize(canonical);
  }
}
BENCHMARK(BM_StageCanonicalJson);

// What the router decides and stamps, fixed: the rules' cost is rules_bench's to time.
void route_fixed(router::PendingAppend& pending) {
  pending.decision = router::Decision{"legacy", "default", 0};
  pending.received_at_us = 1'780'000'000'000'000;
}

// The batch entries as the router fills them, body prepared too.
const std::vector<router::PendingAppend>& prepared_entries() {
  static const std::vector<router::PendingAppend> entries = [] {
    std::vector<router::PendingAppend> out(kFrames);
    for (std::size_t index = 0; index < kFrames; ++index) {
      out[index].take_fields(transactions()[index]);
      append_canonical_json(transactions()[index], out[index].canonical);
      route_fixed(out[index]);
      journal::prepare_body(out[index].record_fields(), out[index].prepared);
    }
    return out;
  }();
  return entries;
}

// Encoding the record body, checking it decodes, and its SHA-256.
void BM_StagePrepareBody(benchmark::State& state) {
  journal::PreparedBody prepared;
  std::size_t next = 0;
  for (auto _ : state) {
    journal::prepare_body(prepared_entries()[next++ & (kFrames - 1)].record_fields(), prepared);
    benchmark::DoNotOptimize(prepared);
  }
}
BENCHMARK(BM_StagePrepareBody);

// The body's SHA-256 alone, on bodies encoded outside the timing.
void BM_StageBodyDigest(benchmark::State& state) {
  std::size_t next = 0;
  for (auto _ : state) {
    const router::PendingAppend& entry = prepared_entries()[next++ & (kFrames - 1)];
    benchmark::DoNotOptimize(journal::body_digest(entry.prepared.body));
  }
}
BENCHMARK(BM_StageBodyDigest);

// Everything the network thread computes for one transaction before the commit, as
// IngestServer::add_items does it: the request parsed into the parser's reused ParsedRequest,
// the router's own PendingAppend filled and kept in a batch (of 128, then cleared) until its
// commit.
void BM_ParseCanonicalizeAndPrepareBody(benchmark::State& state) {
  constexpr std::size_t kBatch = 128;
  TransactionParser parser;
  ParsedRequest parsed;
  std::vector<router::PendingAppend> batch;
  batch.reserve(kBatch);
  std::size_t next = 0;
  for (auto _ : state) {
    if (batch.size() == kBatch) batch.clear();
    parser.parse_request(frames()[next++ & (kFrames - 1)], parsed);
    const Transaction& transaction = *parsed.items.front().transaction;
    router::PendingAppend& pending = batch.emplace_back();
    pending.take_fields(transaction);
    append_canonical_json(transaction, pending.canonical);
    route_fixed(pending);
    journal::prepare_body(pending.record_fields(), pending.prepared);
    benchmark::DoNotOptimize(pending);
  }
}
BENCHMARK(BM_ParseCanonicalizeAndPrepareBody);

}  // namespace
}  // namespace coexist

BENCHMARK_MAIN();
