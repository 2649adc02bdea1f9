#include "tools/loadgen/report.h"

#include <algorithm>
#include <cmath>

namespace coexist::loadgen {
namespace {

constexpr double kNanosecondsPerMillisecond = 1e6;

// Nearest-rank percentile of `values` (reordered in place); 0 when there are none.
double percentile_ms(std::vector<std::int64_t>& values, double fraction) {
  if (values.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  auto nth = values.begin() +
             static_cast<std::ptrdiff_t>(std::clamp<std::size_t>(rank, 1, values.size()) - 1);
  std::nth_element(values.begin(), nth, values.end());
  return static_cast<double>(*nth) / kNanosecondsPerMillisecond;
}

double rounded(double value, double unit) { return std::round(value / unit) * unit; }

double per_second(std::uint64_t count, double elapsed_s) {
  return elapsed_s > 0 ? rounded(static_cast<double>(count) / elapsed_s, 1) : 0;
}

}  // namespace

nlohmann::json make_report(const Options& options, const RequestPlan& plan,
                           const LoadOutcome& outcome) {
  StatusCounts counts;
  std::vector<std::int64_t> latencies_ns;
  std::uint64_t unanswered = 0;
  bool timed_out = false;
  for (const ClientResult& client : outcome.clients) {
    counts.add(client.counts);
    latencies_ns.insert(latencies_ns.end(), client.latencies_ns.begin(), client.latencies_ns.end());
    unanswered += client.unanswered_requests;
    timed_out = timed_out || client.timed_out;
  }
  double p50 = percentile_ms(latencies_ns, 0.50);
  double p99 = percentile_ms(latencies_ns, 0.99);
  double max =
      latencies_ns.empty()
          ? 0
          : static_cast<double>(*std::max_element(latencies_ns.begin(), latencies_ns.end())) /
                kNanosecondsPerMillisecond;
  return {
      {"clients", options.clients},
      {"window", options.window},
      {"batch", options.batch},
      {"transactions", options.transactions},
      {"requests", plan.requests},
      {"resubmitted_requests", plan.resubmitted_requests},
      {"unanswered_requests", unanswered},
      {"seed", options.seed},
      {"first_index", options.first_index},
      {"elapsed_s", rounded(outcome.elapsed_s, 1e-4)},
      {"loadgen_cpu_s", rounded(outcome.cpu_s, 1e-4)},
      {"accepted_per_s", per_second(counts.accepted, outcome.elapsed_s)},
      {"acks_per_s", per_second(counts.total(), outcome.elapsed_s)},
      {"latency_ms",
       {{"p50", rounded(p50, 1e-3)}, {"p99", rounded(p99, 1e-3)}, {"max", rounded(max, 1e-3)}}},
      {"status",
       {{"accepted", counts.accepted},
        {"duplicate", counts.duplicate},
        {"rejected", counts.rejected},
        {"error", counts.error}}},
      {"mean_canonical_bytes", rounded(plan.mean_canonical_bytes, 0.1)},
      {"timed_out", timed_out},
  };
}

}  // namespace coexist::loadgen
