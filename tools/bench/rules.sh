#!/usr/bin/env bash
# Routing-rules benchmark (issue 3, "Performance"), in one go on one machine:
#   (a) routing cost: coexist serve without rules vs with a 200-rule set, each driven by
#       coexist-loadgen at 8 clients × 32 in flight, alternated R times; prints each pair and the
#       median throughput ratio (the goal: routing costs <= 5%);
#   (b) what-if speed: journals N transactions (default 1,000,000) under the 200 rules, then
#       times `coexist rules simulate` of a draft over the whole journal (the goal: <= 5 s).
# The evaluate() micro-benchmark (<= 1 µs median with 200 rules) is build/bin/rules_bench.
# Every process started here is stopped on exit. Usage:
#   tools/bench/rules.sh [--transactions N] [--simulate-transactions N] [--repeat R]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BUILD_DIR:-$repo/build}/bin
transactions=200000
simulate_transactions=1000000
repeat=3
while (($#)); do
  case $1 in
    --transactions) transactions=$2; shift 2 ;;
    --simulate-transactions) simulate_transactions=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "usage: tools/bench/rules.sh [--transactions N] [--simulate-transactions N] [--repeat R]" >&2; exit 2 ;;
  esac
done
for tool in coexist coexist-loadgen; do
  [[ -x $bin/$tool ]] || { echo "rules.sh: build $bin/$tool first (tools/setup.sh)" >&2; exit 2; }
done

work=$(mktemp -d "${BENCH_TMPDIR:-$repo/build}/rules-bench.XXXXXX")
router_pid=""
cleanup() {
  local status=$?
  if [[ -n $router_pid ]]; then kill -TERM "$router_pid" 2>/dev/null || true; wait "$router_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# 200 rules in the shape migration teams write: entity lists and prefixes, date windows, amount
# bands, account prefixes and attributes. The load generator's entities match only near the end,
# so most transactions are checked against most candidate rules.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
rules = []
for i in range(196):
    when = {"entity": [f"Z{i:03d}", f"Y{i:03d}"]}
    if i % 3 == 0: when["posting_date"] = {"from": "2026-01-01", "before": "2027-01-01"}
    if i % 4 == 1: when["amount"] = {"min": "100.00", "max": f"{1000 + i}.00"}
    if i % 5 == 2: when["account"] = ["4", "12"]
    if i % 7 == 3: when["attributes"] = {"region": ["EMEA", "APAC"]}
    if i % 11 == 4: when["type"] = ["invoice", "credit_memo"]
    rules.append({"name": f"wave {i}", "when": when, "route": ["legacy", "new", "both", "hold"][i % 4]})
rules += [
    {"name": "US cut over", "when": {"entity": "US*"}, "route": "new"},
    {"name": "DE dual run", "when": {"entity": "DE*", "posting_date": {"from": "2026-03-01"}}, "route": "both"},
    {"name": "JP held", "when": {"entity": "JP*"}, "route": "hold"},
    {"name": "big payments stay", "when": {"type": "payment", "amount": {"min": "10000"}}, "route": "legacy"},
]
json.dump({"default": "legacy", "rules": rules}, open(f"{work}/rules200.json", "w"), indent=1)
draft = {"default": "new", "rules": rules[:-3]}
json.dump(draft, open(f"{work}/draft.json", "w"), indent=1)
PY
"$bin/coexist" rules validate "$work/rules200.json" >/dev/null

start_router() {  # start_router DIR RULES_OR_EMPTY
  local dir=$1 rules=$2
  mkdir -p "$dir"
  if [[ -n $rules ]]; then rules=", \"rules\": \"$rules\""; fi
  echo "{\"journal\": {\"path\": \"journal\"}, \"listen\": {\"ingest\": \"tcp://127.0.0.1:*\", \"admin\": \"tcp://127.0.0.1:*\", \"http\": \"\"}$rules}" >"$dir/config.json"
  "$bin/coexist" serve --config "$dir/config.json" --ready-file "$dir/ready.json" >"$dir/router.log" 2>&1 &
  router_pid=$!
  for _ in $(seq 300); do [[ -s $dir/ready.json ]] && return 0; sleep 0.1; done
  echo "rules.sh: router not ready" >&2; return 1
}
stop_router() {
  kill -TERM "$router_pid"; wait "$router_pid" || true; router_pid=""
}
run_load() {  # run_load DIR N → accepted/s
  local endpoint
  endpoint=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ingest"])' "$1/ready.json")
  "$bin/coexist-loadgen" --endpoint "$endpoint" --clients 8 --window 32 --transactions "$2" \
    --timeout-ms 30000 >"$1/load.json"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted_per_s"])' "$1/load.json"
}

echo "rules.sh: routing cost, 8x32, $transactions transactions per run, $repeat pairs" >&2
ratios=()
for r in $(seq "$repeat"); do
  start_router "$work/plain-$r" ""; plain=$(run_load "$work/plain-$r" "$transactions"); stop_router
  start_router "$work/ruled-$r" "$work/rules200.json"; ruled=$(run_load "$work/ruled-$r" "$transactions"); stop_router
  ratio=$(python3 -c "print(round($ruled / $plain, 3))")
  ratios+=("$ratio")
  printf 'pair %d: no rules %s/s, 200 rules %s/s, ratio %s\n' "$r" "$plain" "$ruled" "$ratio"
  rm -rf "$work/plain-$r" "$work/ruled-$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median throughput with 200 rules / without: $median (routing cost $(python3 -c "print(round((1 - $median) * 100, 1))")%)"

echo "rules.sh: journaling $simulate_transactions transactions for simulate" >&2
start_router "$work/simulate" "$work/rules200.json"
run_load "$work/simulate" "$simulate_transactions" >/dev/null
stop_router
start=$(date +%s.%N)
"$bin/coexist" rules simulate "$work/draft.json" --journal "$work/simulate/journal" --output json >"$work/simulate.json"
end=$(date +%s.%N)
python3 - "$work/simulate.json" "$start" "$end" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
print(f"rules simulate over {report['examined']} journaled transactions: "
      f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} s, {report['changed']} would route differently")
PY
