#!/usr/bin/env bash
# Same-run A/B of two builds on one ingest scenario: this machine's speed drifts by ±15 % within
# minutes, so a change is judged only against a baseline measured in alternation with it.
# Runs tools/bench/ingest.sh --scenario S once per build per pair, alternating BASE and NEW (the
# order flips from pair to pair), and prints each build's median accepted/s, p99 and router CPU
# µs per transaction, the per-pair ratios NEW/BASE (throughput and router CPU) with their
# medians, in how many pairs NEW was faster, and the ratios' quartiles. A pair's ratio swings by
# ±15 % here on its own: a change smaller than that needs many pairs and a lopsided count.
#
# usage: tools/bench/compare.sh BASE_BUILD_DIR NEW_BUILD_DIR [--scenario 8x32] [--pairs 4]
#                               [--transactions 200000]
# Each build dir needs bin/coexist, bin/coexist-loadgen and bin/coexist-lmdb-ceiling, e.g. a
# worktree of the base commit built with `cmake --preset dev`. Exit: 0 done, 1 a run failed,
# 2 usage error.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
usage() { sed -n '/^# usage:/,/--transactions/p' "$0" | sed 's/^# //' >&2; }
(($# >= 2)) || { usage; exit 2; }
base=$1 new=$2
shift 2
scenario=8x32 pairs=4 transactions=200000
while (($# > 0)); do
  case $1 in
    --scenario) scenario=${2:?}; shift 2 ;;
    --pairs) pairs=${2:?}; shift 2 ;;
    --transactions) transactions=${2:?}; shift 2 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage; exit 2 ;;
  esac
done
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --pairs must be a positive count" >&2; exit 2; }
# The router's scenarios only: the echo row measures no router, so two builds cannot differ there.
[[ $scenario =~ ^(1x1|32x1|8x32|32x32|1x256)$ ]] || {
  echo "compare.sh: --scenario must be one of 1x1, 32x1, 8x32, 32x32, 1x256" >&2
  exit 2
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for pair in $(seq "$pairs"); do
  # Odd pairs run BASE first, even pairs NEW first: a machine drifting through a pair favours
  # neither build.
  order="base new"
  ((pair % 2 == 0)) && order="new base"
  for side in $order; do
    dir=${!side}
    echo "compare.sh: pair $pair, $side ($dir)" >&2
    BUILD_DIR=$dir "$repo/tools/bench/ingest.sh" --scenario "$scenario" \
      --transactions "$transactions" --ceiling-records 20000 \
      --json-out "$out/$side-$pair.json" >/dev/null
  done
done
python3 - "$out" "$pairs" "$scenario" <<'PY'
import json, statistics, sys
out, pairs, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def figures(side):
    runs = [json.load(open(f"{out}/{side}-{i}.json"))["scenarios"][scenario] for i in range(1, pairs + 1)]
    return {"accepted_per_s": [r["accepted_per_s"] for r in runs],
            "p99_ms": [r["latency_ms"]["p99"] for r in runs],
            # steadier than the rate on a noisy machine: the router's CPU time per transaction
            "router_cpu_us_per_tx": [r["router_cpu_us_per_tx"] for r in runs]}
base, new = figures("base"), figures("new")
ratios = [n / b for n, b in zip(new["accepted_per_s"], base["accepted_per_s"])]
cpu_ratios = [n / b for n, b in zip(new["router_cpu_us_per_tx"], base["router_cpu_us_per_tx"])]
medians = lambda figures: {f"{key}_median": round(statistics.median(values), 3)
                           for key, values in figures.items()}
summary = {
    "scenario": scenario, "pairs": pairs, "base": medians(base), "new": medians(new),
    "ratios": [round(r, 3) for r in ratios], "ratio_median": round(statistics.median(ratios), 3),
    # How consistent the pairs are: in how many NEW was faster, and the middle half of the
    # ratios (the quartiles; with fewer than 4 pairs, the lowest and highest).
    "new_faster_pairs": f"{sum(r > 1 for r in ratios)} of {len(ratios)}",
    "ratio_quartiles": [round(q, 3) for q in (statistics.quantiles(ratios, n=4)[::2]
                                              if len(ratios) >= 4 else (min(ratios), max(ratios)))],
    "router_cpu_ratios": [round(r, 3) for r in cpu_ratios],
    "router_cpu_ratio_median": round(statistics.median(cpu_ratios), 3),
}
print(json.dumps(summary, indent=2))
PY
