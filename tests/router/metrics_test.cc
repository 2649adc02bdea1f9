#include "router/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace coexist::test {
namespace {

using router::Histogram;
using router::Metrics;

constexpr std::size_t kBuckets = Histogram::kBoundsSeconds.size();

// "name{labels} value" lines of a Prometheus text, by "name{labels}".
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    EXPECT_FALSE(out.contains(line.substr(0, space))) << "repeated sample " << line;
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

std::string text_of(const Histogram& histogram) {
  std::string out;
  histogram.append_prometheus(out, "coexist_test_seconds", "A test histogram.");
  return out;
}

std::string bound_label(std::size_t bucket) {
  static const char* const kLabels[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                        "0.005",  "0.01",    "0.025",  "0.05",  "0.1",
                                        "0.25",   "0.5",     "1",      "5",     "+Inf"};
  return kLabels[bucket];
}

std::string bucket_key(std::size_t bucket) {
  return "coexist_test_seconds_bucket{le=\"" + bound_label(bucket) + "\"}";
}

// The cumulative count of every bucket, +Inf last.
std::vector<std::uint64_t> cumulative(const Histogram& histogram) {
  auto values = samples(text_of(histogram));
  std::vector<std::uint64_t> out;
  for (std::size_t bucket = 0; bucket <= kBuckets; ++bucket) {
    EXPECT_TRUE(values.contains(bucket_key(bucket))) << bucket_key(bucket);
    out.push_back(std::stoull(values[bucket_key(bucket)]));
  }
  return out;
}

// The bucket one observation lands in (the first whose cumulative count is 1).
std::size_t bucket_of(std::int64_t nanoseconds) {
  Histogram histogram;
  histogram.observe_ns(nanoseconds);
  std::vector<std::uint64_t> counts = cumulative(histogram);
  for (std::size_t bucket = 0; bucket < counts.size(); ++bucket) {
    if (counts[bucket] == 1) return bucket;
  }
  ADD_FAILURE() << nanoseconds << " ns landed nowhere";
  return counts.size();
}

std::int64_t bound_ns(std::size_t bucket) {
  return std::llround(Histogram::kBoundsSeconds[bucket] * 1e9);
}

TEST(MetricsTest, HistogramWritesEveryBoundAndInfinity) {
  auto values = samples(text_of(Histogram{}));
  for (std::size_t bucket = 0; bucket <= kBuckets; ++bucket) {
    ASSERT_TRUE(values.contains(bucket_key(bucket))) << bucket_key(bucket);
    EXPECT_EQ(values[bucket_key(bucket)], "0");
  }
  EXPECT_EQ(values["coexist_test_seconds_sum"], "0");
  EXPECT_EQ(values["coexist_test_seconds_count"], "0");
  EXPECT_EQ(values.size(), kBuckets + 3);
}

TEST(MetricsTest, HistogramHeaderNamesTheTypeAndHelp) {
  const std::string text = text_of(Histogram{});
  EXPECT_EQ(text.rfind("# HELP coexist_test_seconds A test histogram.\n"
                       "# TYPE coexist_test_seconds histogram\n",
                       0),
            0U)
      << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, ObservationExactlyAtABoundLandsInThatBucket) {
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    EXPECT_EQ(bucket_of(bound_ns(bucket)), bucket) << bound_label(bucket);
  }
}

TEST(MetricsTest, ObservationOneNanosecondAboveABoundLandsInTheNext) {
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    EXPECT_EQ(bucket_of(bound_ns(bucket) + 1), bucket + 1) << bound_label(bucket);
  }
}

TEST(MetricsTest, ObservationOneNanosecondBelowABoundLandsInIt) {
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    EXPECT_EQ(bucket_of(bound_ns(bucket) - 1), bucket) << bound_label(bucket);
  }
}

TEST(MetricsTest, ZeroAndNegativeDurationsLandInTheFirstBucketAndAddNothing) {
  EXPECT_EQ(bucket_of(0), 0U);
  EXPECT_EQ(bucket_of(-5), 0U);
  EXPECT_EQ(bucket_of(INT64_MIN), 0U);
  Histogram histogram;
  histogram.observe_ns(-1'000'000'000);
  auto values = samples(text_of(histogram));
  EXPECT_EQ(values["coexist_test_seconds_sum"], "0");
  EXPECT_EQ(values["coexist_test_seconds_count"], "1");
}

TEST(MetricsTest, AboveTheLastBoundOnlyInfinityCounts) {
  EXPECT_EQ(bucket_of(5'000'000'001), kBuckets);
  EXPECT_EQ(bucket_of(INT64_MAX), kBuckets);
}

TEST(MetricsTest, BucketCountsAreCumulative) {
  Histogram histogram;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) histogram.observe_ns(bound_ns(bucket));
  histogram.observe_ns(60'000'000'000);
  std::vector<std::uint64_t> counts = cumulative(histogram);
  for (std::size_t bucket = 0; bucket <= kBuckets; ++bucket) {
    EXPECT_EQ(counts[bucket], bucket + 1) << bound_label(bucket);
  }
}

TEST(MetricsTest, InfinityBucketEqualsTheCount) {
  Histogram histogram;
  for (std::int64_t ns :
       std::initializer_list<std::int64_t>{1, 300'000, 2'000'000, 2'000'000, 7'000'000'000}) {
    histogram.observe_ns(ns);
  }
  auto values = samples(text_of(histogram));
  EXPECT_EQ(values["coexist_test_seconds_count"], "5");
  EXPECT_EQ(values[bucket_key(kBuckets)], "5");
  EXPECT_EQ(values[bucket_key(0)], "1");             // 1 ns
  EXPECT_EQ(values[bucket_key(2)], "2");             // + 300 µs
  EXPECT_EQ(values[bucket_key(4)], "4");             // + 2 ms twice
  EXPECT_EQ(values[bucket_key(kBuckets - 1)], "4");  // 7 s is above 5 s
}

TEST(MetricsTest, SumAndCountAddEveryObservation) {
  Histogram histogram;
  histogram.observe_ns(1'500'000'000);
  histogram.observe_ns(250'000'000);
  auto values = samples(text_of(histogram));
  EXPECT_EQ(values["coexist_test_seconds_sum"], "1.75");
  EXPECT_EQ(values["coexist_test_seconds_count"], "2");
}

TEST(MetricsTest, SumKeepsSmallDurations) {
  Histogram histogram;
  histogram.observe_ns(250'000);
  EXPECT_EQ(samples(text_of(histogram))["coexist_test_seconds_sum"], "0.00025");
}

TEST(MetricsTest, SumKeepsNanosecondPrecision) {
  Histogram histogram;
  histogram.observe_ns(1'234'567'891);
  EXPECT_EQ(samples(text_of(histogram))["coexist_test_seconds_sum"], "1.234567891");
}

TEST(MetricsTest, SumOfALongUptimeStillMovesWithOneMoreObservation) {
  Histogram histogram;
  histogram.observe_ns(1'234'567'000'000'000);  // ≈ 14 days of summed latency
  const std::string before = samples(text_of(histogram))["coexist_test_seconds_sum"];
  histogram.observe_ns(2'000'000'000);
  const std::string after = samples(text_of(histogram))["coexist_test_seconds_sum"];
  EXPECT_NE(before, after);
  EXPECT_DOUBLE_EQ(std::stod(after), 1'234'569.0);
}

TEST(MetricsTest, CountersCarryThePrefixAndTotalSuffix) {
  Metrics metrics;
  metrics.requests_total = 11;
  metrics.accepted_total = 7;
  metrics.duplicate_total = 2;
  metrics.rejected_total = 1;
  metrics.retryable_errors_total = 3;
  metrics.commits_total = 5;
  metrics.replies_dropped_total = 4;
  metrics.journal_head_seq = 4711;
  auto values = samples(metrics.prometheus_text());
  EXPECT_EQ(values["coexist_ingest_requests_total"], "11");
  EXPECT_EQ(values["coexist_ingest_accepted_total"], "7");
  EXPECT_EQ(values["coexist_ingest_duplicate_total"], "2");
  EXPECT_EQ(values["coexist_ingest_rejected_total"], "1");
  EXPECT_EQ(values["coexist_ingest_retryable_errors_total"], "3");
  EXPECT_EQ(values["coexist_journal_commits_total"], "5");
  EXPECT_EQ(values["coexist_ingest_replies_dropped_total"], "4");
  EXPECT_EQ(values["coexist_journal_head_seq"], "4711");
}

TEST(MetricsTest, LargestCounterIsWrittenInFull) {
  Metrics metrics;
  metrics.accepted_total = UINT64_MAX;
  EXPECT_EQ(samples(metrics.prometheus_text())["coexist_ingest_accepted_total"],
            "18446744073709551615");
}

// Every family: HELP then TYPE, `coexist_` prefix, counters end in `_total`, histograms in
// `_seconds`; every sample belongs to the family declared just above it.
TEST(MetricsTest, EveryFamilyFollowsTheNamingConventions) {
  Metrics metrics;
  metrics.ack_seconds.observe_ns(1'000'000);
  std::istringstream lines(metrics.prometheus_text());
  std::string line;
  std::string family;
  std::string type;
  std::map<std::string, std::string> types;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first;
    std::string second;
    std::string name;
    words >> first >> second >> name;
    if (first == "#" && second == "HELP") {
      family = name;
      EXPECT_EQ(family.rfind("coexist_", 0), 0U) << family;
      std::string help;
      std::getline(words, help);
      EXPECT_FALSE(help.empty()) << family << " has no help";
      continue;
    }
    if (first == "#" && second == "TYPE") {
      EXPECT_EQ(name, family) << "TYPE does not follow its HELP";
      words >> type;
      types[family] = type;
      continue;
    }
    ASSERT_FALSE(family.empty()) << "sample before any HELP: " << line;
    EXPECT_EQ(first.rfind(family, 0), 0U) << first << " outside family " << family;
  }
  ASSERT_EQ(types.size(), 10U);
  for (const auto& [name, kind] : types) {
    if (kind == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    } else if (kind == "histogram") {
      EXPECT_TRUE(name.ends_with("_seconds")) << name;
    } else {
      EXPECT_EQ(kind, "gauge") << name;
      EXPECT_FALSE(name.ends_with("_total")) << name << ": a gauge must not look like a counter";
    }
  }
  EXPECT_EQ(types["coexist_journal_commit_seconds"], "histogram");
  EXPECT_EQ(types["coexist_ingest_ack_seconds"], "histogram");
  EXPECT_EQ(types["coexist_journal_head_seq"], "gauge");
}

TEST(MetricsTest, HistogramsOfTheMetricsAreWritten) {
  Metrics metrics;
  metrics.commit_seconds.observe_ns(2'000'000);
  metrics.ack_seconds.observe_ns(2'000'000);
  metrics.ack_seconds.observe_ns(20'000'000);
  auto values = samples(metrics.prometheus_text());
  EXPECT_EQ(values["coexist_journal_commit_seconds_count"], "1");
  EXPECT_EQ(values["coexist_journal_commit_seconds_bucket{le=\"0.0025\"}"], "1");
  EXPECT_EQ(values["coexist_ingest_ack_seconds_count"], "2");
  EXPECT_EQ(values["coexist_ingest_ack_seconds_bucket{le=\"0.0025\"}"], "1");
  EXPECT_EQ(values["coexist_ingest_ack_seconds_bucket{le=\"0.025\"}"], "2");
  EXPECT_EQ(values["coexist_ingest_ack_seconds_sum"], "0.022");
}

}  // namespace
}  // namespace coexist::test
