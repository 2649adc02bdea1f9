// make_report: the one JSON object a run prints, from the plan and what the clients measured.

#include "tools/loadgen/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace coexist::loadgen {
namespace {

constexpr std::int64_t kNanosecondsPerMillisecond = 1'000'000;

std::vector<std::int64_t> milliseconds(std::vector<std::int64_t> values_ms) {
  for (std::int64_t& value : values_ms) value *= kNanosecondsPerMillisecond;
  return values_ms;
}

ClientResult client_with(std::vector<std::int64_t> latencies_ns) {
  ClientResult client;
  client.latencies_ns = std::move(latencies_ns);
  return client;
}

LoadOutcome outcome_of(std::vector<ClientResult> clients, double elapsed_s = 1.0) {
  LoadOutcome outcome;
  outcome.clients = std::move(clients);
  outcome.elapsed_s = elapsed_s;
  return outcome;
}

// 1..100 ms in an order that is neither sorted nor reversed, split unevenly over three clients:
// the percentiles must be over all of them together.
LoadOutcome one_to_hundred_ms() {
  std::vector<std::int64_t> values(100);
  std::iota(values.begin(), values.end(), 1);
  std::rotate(values.begin(), values.begin() + 37, values.end());
  std::reverse(values.begin() + 50, values.end());
  std::vector<std::int64_t> ns = milliseconds(values);
  return outcome_of({client_with({ns.begin(), ns.begin() + 10}),
                     client_with({ns.begin() + 10, ns.begin() + 70}),
                     client_with({ns.begin() + 70, ns.end()})});
}

TEST(ReportTest, PercentilesAreNearestRankOverEveryClient) {
  nlohmann::json report = make_report(Options{}, RequestPlan{}, one_to_hundred_ms());
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p50"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p99"].get<double>(), 99.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["max"].get<double>(), 100.0);
}

// Nearest rank, not interpolation: of 1..10 ms the median is the 5th value (not 5.5) and p99 the
// 10th (not 9.91).
TEST(ReportTest, PercentilesPickAnObservedValue) {
  nlohmann::json report =
      make_report(Options{}, RequestPlan{},
                  outcome_of({client_with(milliseconds({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}))}));
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p50"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p99"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["max"].get<double>(), 10.0);
}

TEST(ReportTest, OneLatencyIsEveryPercentile) {
  nlohmann::json report = make_report(
      Options{}, RequestPlan{}, outcome_of({client_with({}), client_with(milliseconds({7}))}));
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p50"].get<double>(), 7.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p99"].get<double>(), 7.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["max"].get<double>(), 7.0);
}

// Latencies are reported to the microsecond.
TEST(ReportTest, LatencyIsRoundedToTheMicrosecond) {
  nlohmann::json report =
      make_report(Options{}, RequestPlan{}, outcome_of({client_with({1'234'567})}));
  EXPECT_DOUBLE_EQ(report["latency_ms"]["max"].get<double>(), 1.235);
}

TEST(ReportTest, NoLatenciesGiveZeros) {
  nlohmann::json report =
      make_report(Options{}, RequestPlan{}, outcome_of({client_with({}), client_with({})}));
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p50"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["p99"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["latency_ms"]["max"].get<double>(), 0.0);
}

TEST(ReportTest, CountsAreSummedOverClients) {
  ClientResult first;
  first.counts.accepted = 5;
  first.counts.duplicate = 1;
  first.counts.error = 2;
  ClientResult second;
  second.counts.accepted = 7;
  second.counts.rejected = 3;
  nlohmann::json report = make_report(Options{}, RequestPlan{}, outcome_of({first, second}));
  EXPECT_EQ(report["status"]["accepted"], 12U);
  EXPECT_EQ(report["status"]["duplicate"], 1U);
  EXPECT_EQ(report["status"]["rejected"], 3U);
  EXPECT_EQ(report["status"]["error"], 2U);
}

TEST(ReportTest, RatesArePerSecondOfElapsedTime) {
  ClientResult client;
  client.counts.accepted = 300;
  client.counts.duplicate = 60;
  nlohmann::json report = make_report(Options{}, RequestPlan{}, outcome_of({client}, 1.5));
  EXPECT_DOUBLE_EQ(report["elapsed_s"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(report["accepted_per_s"].get<double>(), 200.0);
  EXPECT_DOUBLE_EQ(report["acks_per_s"].get<double>(), 240.0);
}

// A run that answered nothing in no time must not divide by zero.
TEST(ReportTest, ZeroElapsedTimeGivesZeroRates) {
  ClientResult client;
  client.counts.accepted = 3;
  nlohmann::json report = make_report(Options{}, RequestPlan{}, outcome_of({client}, 0.0));
  EXPECT_DOUBLE_EQ(report["accepted_per_s"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(report["acks_per_s"].get<double>(), 0.0);
}

TEST(ReportTest, UnansweredAreSummedAndOneTimeoutMarksTheRun) {
  ClientResult answered;
  ClientResult timed_out;
  timed_out.unanswered_requests = 4;
  timed_out.timed_out = true;
  ClientResult stopped;
  stopped.unanswered_requests = 2;
  nlohmann::json report =
      make_report(Options{}, RequestPlan{}, outcome_of({answered, timed_out, stopped}));
  EXPECT_EQ(report["unanswered_requests"], 6U);
  EXPECT_EQ(report["timed_out"], true);

  report = make_report(Options{}, RequestPlan{}, outcome_of({answered, stopped}));
  EXPECT_EQ(report["timed_out"], false);
}

TEST(ReportTest, CarriesTheLoadShapeAndThePlan) {
  Options options;
  options.clients = 4;
  options.window = 8;
  options.batch = 16;
  options.transactions = 5000;
  options.seed = 42;
  options.first_index = 100;
  RequestPlan plan;
  plan.requests = 400;
  plan.resubmitted_requests = 90;
  plan.mean_canonical_bytes = 1040.1234;
  LoadOutcome outcome = outcome_of({}, 2.0);
  outcome.cpu_s = 0.5;
  nlohmann::json report = make_report(options, plan, outcome);
  EXPECT_EQ(report["clients"], 4U);
  EXPECT_EQ(report["window"], 8U);
  EXPECT_EQ(report["batch"], 16U);
  EXPECT_EQ(report["transactions"], 5000U);
  EXPECT_EQ(report["seed"], 42U);
  EXPECT_EQ(report["first_index"], 100U);
  EXPECT_EQ(report["requests"], 400U);
  EXPECT_EQ(report["resubmitted_requests"], 90U);
  EXPECT_DOUBLE_EQ(report["mean_canonical_bytes"].get<double>(), 1040.1);
  EXPECT_DOUBLE_EQ(report["loadgen_cpu_s"].get<double>(), 0.5);
}

}  // namespace
}  // namespace coexist::loadgen
