#!/usr/bin/env bash
# Ingest benchmark (issue 2, "Performance"). In one go, on one filesystem:
#   (a) the raw ceiling: coexist-lmdb-ceiling puts the same ~1 KiB canonical records into a fresh
#       LMDB environment, 1,000 per synced commit;
#   (b) for each scenario (clients × requests in flight: 1×1, 32×1, 8×32, 32×32) a fresh
#       `coexist serve` on free ports and a fresh journal, driven by coexist-loadgen; plus 1×256,
#       which has no goal: 8×32's load on one connection, showing what the fan-out costs;
# each preceded by a probe of one durable commit's latency (the disk's state at that moment);
#   (c) the messaging ceiling: coexist-loadgen at 8×32 against coexist-zmq-echo-ceiling, a ROUTER
#       that answers every request at once with nothing behind it: what ZeroMQ over loopback and
#       the load generator alone cost on these cores, the part of each scenario no router avoids.
# Then prints a table and a JSON summary: accepted/s, p50/p99 ack latency, ratio to (a), the CPU
# time per transaction of the router and of the load generator (they share the machine's cores,
# so together they bound the rate), the bytes the router wrote per transaction, and the issue's
# goal for each, and an estimate of the least CPU that 32×32's goal needs (the echo row's
# messaging plus the ceiling's journaling CPU per record, at 60% of the ceiling's rate). --long
# adds a 1,000,000-transaction run that samples the router's memory every second (flat memory)
# and reads `coexist journal stats` (journal bytes per transaction).
#
# Uses the binaries of $BUILD_DIR (default: build/, the RelWithDebInfo `dev` preset). Scratch
# space goes under $BENCH_TMPDIR (default: $BUILD_DIR), i.e. the disk being measured; it is
# removed at the end unless --keep. Every process started here is stopped on exit, even on
# failure or Ctrl-C. Exit: 0 all runs completed, 1 a run failed, 2 usage error.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-$repo/build}
bin=$build_dir/bin

usage() {
  cat <<'EOF'
usage: tools/bench/ingest.sh [--transactions N] [--ceiling-records N] [--repeat R]
                             [--scenario NAME]... [--long | --long-transactions N] [--keep]
                             [--json-out FILE]
  --transactions N  transactions per scenario (default: 20,000 for 1×1, 100,000 for 32×1,
                    300,000 for 8×32, 32×32 and 1×256; synchronous clients are far slower, and equal
                    counts would make them dominate the run time)
  --ceiling-records N  records for the raw LMDB ceiling (default 200,000)
  --repeat R        run everything R times and report the median of each figure (default 1)
  --scenario NAME   run only this scenario (1x1, 32x1, 8x32, 32x32, 1x256, or echo: the
                    messaging ceiling); repeatable
  --long            also run 1,000,000 transactions (8×32) watching the router's memory
  --long-transactions N  the long run's size instead of 1,000,000 (a multiple of 10)
  --keep            keep the scratch directory (journals, logs, raw JSON)
  --json-out FILE   also write the JSON summary to FILE
environment: BUILD_DIR (default build/), BENCH_TMPDIR (default $BUILD_DIR)
EOF
}

transactions=""
ceiling_records=200000
repeat=1
long=0
long_transactions=1000000
keep=0
json_out=""
only=()
while (($# > 0)); do
  case $1 in
    --transactions) transactions=${2:?}; shift 2 ;;
    --ceiling-records) ceiling_records=${2:?}; shift 2 ;;
    --repeat) repeat=${2:?}; shift 2 ;;
    --scenario)
      [[ ${2:-} =~ ^(1x1|32x1|8x32|32x32|1x256|echo)$ ]] || { echo "ingest.sh: unknown scenario ${2:-}" >&2; exit 2; }
      only+=("$2"); shift 2 ;;
    --long) long=1; shift ;;
    --long-transactions) long=1; long_transactions=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --json-out) json_out=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "ingest.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for number in "$repeat" "$ceiling_records" "$long_transactions" ${transactions:+"$transactions"}; do
  [[ $number =~ ^[1-9][0-9]*$ ]] || { echo "ingest.sh: not a positive count: $number" >&2; exit 2; }
done
# The messaging ceiling runs in a full run, or when named (compare.sh's older builds lack it).
run_echo_row=0
if ((${#only[@]} == 0)) || [[ " ${only[*]} " == *" echo "* ]]; then run_echo_row=1; fi
tools=(coexist coexist-loadgen coexist-lmdb-ceiling)
((run_echo_row)) && tools+=(coexist-zmq-echo-ceiling)
for tool in "${tools[@]}"; do
  [[ -x $bin/$tool ]] || {
    echo "ingest.sh: $bin/$tool is missing; build it with" >&2
    echo "  cmake --build $build_dir --target coexist coexist-loadgen coexist-lmdb-ceiling coexist-zmq-echo-ceiling" >&2
    exit 2
  }
done
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
if [[ $build_type != RelWithDebInfo && $build_type != Release ]] ||
   grep -q '^COEXIST_SANITIZE:BOOL=ON' "$build_dir/CMakeCache.txt" 2>/dev/null; then
  echo "ingest.sh: warning: $build_dir is not an optimised, unsanitised build ($build_type)" >&2
fi

work=$(mktemp -d "${BENCH_TMPDIR:-$build_dir}/bench-ingest.XXXXXX")
results=$work/results.jsonl  # one JSON object per run, summarised at the end
router_pid=""
loadgen_pid=""
sampler_pid=""

stop_router() {
  [[ -n $router_pid ]] || return 0
  local pid=$router_pid
  router_pid=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do  # SIGTERM finishes the batch in hand; give it 10 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  local pid
  for pid in $sampler_pid $loadgen_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  stop_router
  if ((keep)); then echo "ingest.sh: scratch kept in $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# loadgen OUT ARGS…: runs coexist-loadgen against the current router, its JSON to OUT. In the
# background and waited for, so that a signal to this script is handled at once (bash runs traps
# only between foreground commands) and the cleanup can stop it.
loadgen() {
  local out=$1 status=0
  shift
  "$bin/coexist-loadgen" --endpoint "$ingest_endpoint" --timeout-ms 30000 "$@" >"$out" &
  loadgen_pid=$!
  wait "$loadgen_pid" || status=$?
  loadgen_pid=""
  return "$status"
}

json_field() {  # json_field FILE KEY: a top-level field of a JSON object
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# start_router DIR: a fresh journal in DIR, free ports; sets router_pid and ingest_endpoint.
start_router() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/config.json" <<'EOF'
{"journal": {"path": "journal"},
 "listen": {"ingest": "tcp://127.0.0.1:*", "admin": "tcp://127.0.0.1:*", "http": "127.0.0.1:0"}}
EOF
  "$bin/coexist" serve --config "$dir/config.json" --ready-file "$dir/ready.json" \
    >"$dir/router.log" 2>&1 &
  router_pid=$!
  for _ in $(seq 300); do
    [[ -s $dir/ready.json ]] && break
    kill -0 "$router_pid" 2>/dev/null || { tail -20 "$dir/router.log" >&2; return 1; }
    sleep 0.1
  done
  # The router renames the ready file into place: once it exists it is whole.
  [[ -s $dir/ready.json ]] || { echo "ingest.sh: router not ready after 30 s" >&2; return 1; }
  ingest_endpoint=$(json_field "$dir/ready.json" ingest)
  http_endpoint=$(json_field "$dir/ready.json" http)
}

# router_metrics: the router's own counters now, as one JSON object: its durable commits and the
# seconds they took, and the seconds from receiving each request to sending its reply, summed
# over the replies counted. The difference over a run says how big the group commits were, how
# long they took, and how much of the clients' latency the request spent inside the router.
router_metrics() {
  python3 - "$http_endpoint" <<'EOF'
import json, sys, urllib.request
wanted = {"coexist_journal_commits_total": "commits",
          "coexist_journal_commit_seconds_sum": "commit_s",
          "coexist_ingest_ack_seconds_sum": "ack_s",
          "coexist_ingest_ack_seconds_count": "acks"}
found = {}
with urllib.request.urlopen(f"http://{sys.argv[1]}/metrics", timeout=10) as response:
    for line in response.read().decode().splitlines():
        name, _, value = line.partition(" ")
        if name in wanted:
            found[wanted[name]] = float(value)
missing = sorted(set(wanted.values()) - set(found))
if missing:
    sys.exit(f"ingest.sh: the router's /metrics lacks {', '.join(missing)}")
print(json.dumps(found))
EOF
}

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# memory_kb PID: "VmRSS RssAnon" in KiB. VmRSS counts the journal's mmap'd pages the router has
# touched (file-backed, reclaimable, growing with the journal); RssAnon is its own heap, the
# figure that must stay flat.
memory_kb() {
  awk '/^VmRSS:/ {rss = $2} /^RssAnon:/ {anon = $2} END {print rss + 0, anon + 0}' \
    "/proc/$1/status" 2>/dev/null || echo "0 0"
}

# Bytes a process has handed to write system calls (/proc/PID/io wchar). For the router that is
# almost all LMDB's page writes (plus 8-byte wake-up signals), i.e. what each commit costs the disk.
written_bytes() { awk '/^wchar:/ {print $2}' "/proc/$1/io" 2>/dev/null || echo 0; }

# record KIND NAME REPEAT FILE [EXTRA_JSON]: appends one result line
record() {
  python3 - "$@" >>"$results" <<'EOF'
import json, sys
kind, name, repeat, path = sys.argv[1:5]
extra = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
print(json.dumps({"kind": kind, "name": name, "repeat": int(repeat),
                  "result": json.load(open(path)), **extra}))
EOF
}

# commit_ms DIR: the mean latency of one durable LMDB commit right now, in ms. The disk of a
# shared VM swings between fast and throttled phases (0.1 vs 4 ms per flush was seen here), so
# every scenario is measured next to this probe: a figure is only comparable with its probe.
commit_ms() {
  "$bin/coexist-lmdb-ceiling" --dir "$1" --records 200 --batch 1 >"$1.json"
  rm -rf "$1"
  python3 -c 'import json, sys; print(round(1000 / json.load(open(sys.argv[1]))["commits_per_s"], 3))' \
    "$1.json"
}

run_ceiling() {
  local r=$1 out=$work/ceiling-$r probe
  echo "ingest.sh: [run $r] raw LMDB ceiling, $ceiling_records records, 1,000 per commit" >&2
  probe=$(commit_ms "$out-probe")
  "$bin/coexist-lmdb-ceiling" --dir "$out" --records "$ceiling_records" --batch 1000 >"$out.json"
  rm -rf "$out"
  record ceiling batched "$r" "$out.json" "{\"durable_commit_ms\": $probe}"
}

# run_echo REPEAT: coexist-loadgen at 8×32 against the echo ROUTER (c), its CPU like a router's.
run_echo() {
  local r=$1 dir=$work/echo-$r status=0
  echo "ingest.sh: [run $r] messaging ceiling: 8 clients × 32 in flight against an echo ROUTER" >&2
  mkdir -p "$dir"
  "$bin/coexist-zmq-echo-ceiling" >"$dir/echo.out" 2>&1 &
  router_pid=$!  # stopped like a router: SIGTERM, by PID
  for _ in $(seq 100); do
    [[ -s $dir/echo.out ]] && break
    sleep 0.05
  done
  ingest_endpoint=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["endpoint"])' \
    "$dir/echo.out") || { stop_router; return 1; }
  local ticks_before ticks_after
  ticks_before=$(cpu_ticks "$router_pid")
  loadgen "$dir/loadgen.json" --clients 8 --window 32 --transactions "${transactions:-300000}" \
    --seed "$r" || status=$?
  ticks_after=$(cpu_ticks "$router_pid")
  stop_router
  ((status == 0)) || { echo "ingest.sh: echo: coexist-loadgen exited $status" >&2; return 1; }
  local cpu_s
  cpu_s=$(python3 -c 'import os, sys; print((int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf("SC_CLK_TCK"))' \
    "$ticks_before" "$ticks_after")
  record echo 8x32 "$r" "$dir/loadgen.json" "{\"router_cpu_s\": $cpu_s}"
}

# run_scenario NAME CLIENTS WINDOW COUNT REPEAT
run_scenario() {
  local name=$1 clients=$2 window=$3 count=$4 r=$5
  local dir=$work/$name-$r status=0
  echo "ingest.sh: [run $r] $name: $clients clients × $window in flight, $count transactions" >&2
  local probe
  probe=$(commit_ms "$work/probe-$name-$r") || return 1
  start_router "$dir" || return 1
  local ticks_before ticks_after written_before written_after metrics_before metrics_after
  metrics_before=$(router_metrics) || { stop_router; return 1; }
  ticks_before=$(cpu_ticks "$router_pid")
  written_before=$(written_bytes "$router_pid")
  loadgen "$dir/loadgen.json" --clients "$clients" --window "$window" --transactions "$count" \
    --seed "$r" || status=$?
  ticks_after=$(cpu_ticks "$router_pid")
  written_after=$(written_bytes "$router_pid")
  metrics_after=$(router_metrics) || { stop_router; return 1; }
  local rss_kb anon_kb
  read -r rss_kb anon_kb < <(memory_kb "$router_pid")
  stop_router
  if ((status != 0)); then
    echo "ingest.sh: $name: coexist-loadgen exited $status" >&2
    return 1
  fi
  # CPU seconds the router spent serving the run (it is idle before and after).
  local router_cpu_s
  router_cpu_s=$(python3 -c 'import os, sys; print((int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf("SC_CLK_TCK"))' \
    "$ticks_before" "$ticks_after")
  record scenario "$name" "$r" "$dir/loadgen.json" \
    "{\"router_rss_kb\": $rss_kb, \"router_rss_anon_kb\": $anon_kb, \"durable_commit_ms\": $probe, \"router_cpu_s\": $router_cpu_s, \"router_written_bytes\": $((written_after - written_before)), \"router_metrics_before\": $metrics_before, \"router_metrics_after\": $metrics_after}"
  rm -rf "$dir/journal"  # keep the logs, free the disk
}

# The flat-memory run: 1,000,000 transactions in 10 loadgen runs against one router (so the
# generator's memory stays bounded too), the RSS sampled every second and after each tenth.
run_long() {
  local dir=$work/long chunk=$((long_transactions / 10)) status=0
  echo "ingest.sh: long run: $long_transactions transactions, 8 clients × 32 in flight" >&2
  start_router "$dir" || return 1
  (while kill -0 "$router_pid" 2>/dev/null; do
     echo "$(date +%s.%N) $(memory_kb "$router_pid")"
     sleep 1
   done) >"$dir/rss.tsv" &
  sampler_pid=$!
  : >"$dir/chunks.jsonl"
  for i in $(seq 0 9); do
    loadgen "$dir/chunk.json" --clients 8 --window 32 --transactions "$chunk" \
      --first-index $((i * chunk)) --seed 1000 || status=$?
    ((status == 0)) || { echo "ingest.sh: long run chunk $i: loadgen exited $status" >&2; return 1; }
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
r["router_rss_kb"], r["router_rss_anon_kb"] = map(int, sys.argv[2].split()); print(json.dumps(r))' \
      "$dir/chunk.json" "$(memory_kb "$router_pid")" >>"$dir/chunks.jsonl"
  done
  "$bin/coexist" journal stats --journal "$dir/journal" --output json >"$dir/stats.json" || return 1
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  stop_router
  python3 - "$dir" >"$dir/long.json" <<'EOF'
import json, sys
d = sys.argv[1]
chunks = [json.loads(line) for line in open(f"{d}/chunks.jsonl")]
samples = [list(map(int, line.split()[1:3])) for line in open(f"{d}/rss.tsv")]
samples = [s for s in samples if s[0] > 0]
stats = json.load(open(f"{d}/stats.json"))
canonical = sum(c["mean_canonical_bytes"] * c["transactions"] for c in chunks) / sum(c["transactions"] for c in chunks)
print(json.dumps({
    "transactions": sum(c["transactions"] for c in chunks),
    "accepted": sum(c["status"]["accepted"] for c in chunks),
    "accepted_per_s": sum(c["status"]["accepted"] for c in chunks) / sum(c["elapsed_s"] for c in chunks),
    "rss_kb": {"at_10_percent": chunks[0]["router_rss_kb"], "at_50_percent": chunks[4]["router_rss_kb"],
               "at_100_percent": chunks[9]["router_rss_kb"],
               "max_sampled": max((s[0] for s in samples), default=0), "samples": len(samples)},
    "rss_anon_kb": {"at_10_percent": chunks[0]["router_rss_anon_kb"],
                    "at_50_percent": chunks[4]["router_rss_anon_kb"],
                    "at_100_percent": chunks[9]["router_rss_anon_kb"],
                    "max_sampled": max((s[1] for s in samples), default=0)},
    "journal": stats,
    "mean_canonical_bytes": canonical,
    "journal_bytes_per_transaction": stats["used_bytes"] / max(1, stats["transactions"]),
}))
EOF
  record long long 1 "$dir/long.json"
}

# summarise RESULTS: the table, then the JSON summary (medians over the repeats).
summarise() {
  python3 - "$1" <<'EOF'
import json, statistics, sys

runs = [json.loads(line) for line in open(sys.argv[1])]
median = lambda values: statistics.median(values) if values else None
GOALS = {  # issue 2, "Performance"
    "1x1": ("p50 <= 0.8 ms, p99 <= 1.5 ms",
            lambda s: s["latency_ms"]["p50"] <= 0.8 and s["latency_ms"]["p99"] <= 1.5),
    "32x1": (">= 16,000/s, p99 <= 5 ms",
             lambda s: s["accepted_per_s"] >= 16000 and s["latency_ms"]["p99"] <= 5),
    "8x32": (">= 100,000/s, p99 <= 6 ms",
             lambda s: s["accepted_per_s"] >= 100000 and s["latency_ms"]["p99"] <= 6),
    "32x32": (">= 60% of the ceiling",
              lambda s: s["ratio_to_ceiling"] is not None and s["ratio_to_ceiling"] >= 0.6),
    # No goal: 8x32's 256 requests in flight on one connection instead of eight. The difference
    # to 8x32 is what the connection fan-out costs: per-connection wake-ups and TCP sends on both
    # sides, and index pages (the clients' ids drift apart, so each client is its own insertion
    # point in the idempotency index and dirties its own index page in every commit).
    "1x256": ("none (8x32's load on one connection)", None),
}

def results(kind, name):
    return [run["result"] | {k: v for k, v in run.items() if k not in ("result", "kind", "name")}
            for run in runs if run["kind"] == kind and run["name"] == name]

batched = results("ceiling", "batched")
ceiling = {
    "records_per_s": median([r["records_per_s"] for r in batched]),
    "commits_per_s": median([r["commits_per_s"] for r in batched]),
    "mean_record_bytes": median([r["mean_record_bytes"] for r in batched]),
    "durable_commit_ms": median([r["durable_commit_ms"] for r in batched]),
    # (None from a ceiling program too old to report its CPU time)
    "cpu_us_per_record": median([r["cpu_us_per_record"] for r in batched
                                 if "cpu_us_per_record" in r]),
}
summary = {"repeat": max([run["repeat"] for run in runs], default=0), "ceiling": ceiling,
           "scenarios": {}}
for name in ["1x1", "32x1", "8x32", "32x32", "1x256"]:
    rs = results("scenario", name)
    if not rs:
        continue
    s = {
        "clients": rs[0]["clients"], "window": rs[0]["window"],
        "transactions": rs[0]["transactions"],
        "accepted_per_s": median([r["accepted_per_s"] for r in rs]),
        "latency_ms": {q: median([r["latency_ms"][q] for r in rs]) for q in ("p50", "p99", "max")},
        "not_accepted": sum(r["status"]["duplicate"] + r["status"]["rejected"] + r["status"]["error"]
                            for r in rs),
        "mean_canonical_bytes": median([r["mean_canonical_bytes"] for r in rs]),
        "router_rss_kb": median([r["router_rss_kb"] for r in rs]),
        "router_rss_anon_kb": median([r["router_rss_anon_kb"] for r in rs]),
        "durable_commit_ms": median([r["durable_commit_ms"] for r in rs]),
        # CPU per transaction, both processes, all threads: on a 2-core machine the two together
        # bound the rate at 2 s / (router + loadgen) per second of run.
        "router_cpu_us_per_tx": median([1e6 * r["router_cpu_s"] / r["transactions"] for r in rs]),
        # (None from a load generator too old to report its own CPU time)
        "loadgen_cpu_us_per_tx": median([1e6 * r["loadgen_cpu_s"] / r["transactions"]
                                         for r in rs if "loadgen_cpu_s" in r]),
        # What the router wrote (LMDB pages) per transaction: more client id sequences, more
        # index pages per commit.
        "router_written_bytes_per_tx": median([r["router_written_bytes"] / r["transactions"]
                                               for r in rs]),
    }
    # The router's own view of the run (its /metrics, before and after): how many transactions
    # one group commit carried, how long a commit took, and how long a request stayed inside the
    # router, from its receipt to its reply (mean). The clients' latency minus that is time in
    # ZeroMQ, loopback TCP and the load generator, mostly waiting for a core.
    def delta(r, key):
        return r["router_metrics_after"][key] - r["router_metrics_before"][key]
    seen = [r for r in rs if "router_metrics_after" in r and delta(r, "commits") > 0]
    if seen:
        s["router"] = {
            "transactions_per_commit": median([r["status"]["accepted"] / delta(r, "commits")
                                               for r in seen]),
            "commit_ms": median([1e3 * delta(r, "commit_s") / delta(r, "commits") for r in seen]),
            "held_ms_mean": median([1e3 * delta(r, "ack_s") / max(1, delta(r, "acks"))
                                    for r in seen]),
        }
    s["ratio_to_ceiling"] = (round(s["accepted_per_s"] / ceiling["records_per_s"], 3)
                             if ceiling["records_per_s"] else None)
    text, check = GOALS[name]
    s["goal"], s["goal_met"] = text, (bool(check(s)) if check else None)
    summary["scenarios"][name] = s
echoes = results("echo", "8x32")
if echoes:
    summary["messaging_ceiling"] = {
        "clients": 8, "window": 32,
        "accepted_per_s": median([r["accepted_per_s"] for r in echoes]),
        "latency_ms": {q: median([r["latency_ms"][q] for r in echoes]) for q in ("p50", "p99")},
        "server_cpu_us_per_tx": median([1e6 * r["router_cpu_s"] / r["transactions"] for r in echoes]),
        "loadgen_cpu_us_per_tx": median([1e6 * r["loadgen_cpu_s"] / r["transactions"]
                                         for r in echoes]),
    }
longs = results("long", "long")
if longs:
    summary["long"] = longs[0]
# An estimate of the least CPU that 32x32's goal needs, from this run's figures alone: at 60% of
# the ceiling's rate, every transaction costs the messaging of the echo row (server and loadgen,
# measured at 8x32) plus what LMDB and the kernel spend journaling one record in the ceiling run
# (1,000 per commit: less per record than the router's smaller batches pay). Parsing,
# validation, canonical JSON, hashing and batching come on top. How much of two cores the echo
# row itself keeps busy says how much of them a run can use at all.
if echoes and ceiling["records_per_s"] and ceiling["cpu_us_per_record"]:
    e = summary["messaging_ceiling"]
    rate = 0.6 * ceiling["records_per_s"]
    floor_us = e["server_cpu_us_per_tx"] + e["loadgen_cpu_us_per_tx"] + ceiling["cpu_us_per_record"]
    summary["cpu_floor_at_32x32_goal"] = {
        "rate_per_s": round(rate),
        "cpu_us_per_tx": round(floor_us, 2),
        "cores": round(rate * floor_us / 1e6, 2),
        "echo_row_cores": round(e["accepted_per_s"] * (e["server_cpu_us_per_tx"]
                                                       + e["loadgen_cpu_us_per_tx"]) / 1e6, 2),
    }

row = "{:<8} {:>7} {:>11} {:>8} {:>8} {:>6} {:>9} {:>11} {:>8}   {}"
print(row.format("scenario", "load", "accepted/s", "p50 ms", "p99 ms", "ratio", "commit ms",
                 "cpu us/tx", "wr B/tx", "goal"))
if ceiling["records_per_s"]:
    cpu = ceiling["cpu_us_per_record"]
    print(row.format("ceiling", "1000/tx", f"{ceiling['records_per_s']:,.0f}", "", "", "1.000",
                     f"{ceiling['durable_commit_ms']:.2f}", f"{cpu:.1f}" if cpu else "", "",
                     f"(records of {ceiling['mean_record_bytes']:.0f} B)"))
if echoes:
    e = summary["messaging_ceiling"]
    print(row.format("echo", "8x32", f"{e['accepted_per_s']:,.0f}", f"{e['latency_ms']['p50']:.3f}",
                     f"{e['latency_ms']['p99']:.3f}", "", "",
                     f"{e['server_cpu_us_per_tx']:.1f}+{e['loadgen_cpu_us_per_tx']:.1f}", "",
                     "(ZeroMQ + loadgen alone: an echo ROUTER)"))
for name, s in summary["scenarios"].items():
    ratio = s["ratio_to_ceiling"]
    print(row.format(name, f"{s['clients']}x{s['window']}", f"{s['accepted_per_s']:,.0f}",
                     f"{s['latency_ms']['p50']:.3f}", f"{s['latency_ms']['p99']:.3f}",
                     f"{ratio:.3f}" if ratio is not None else "-", f"{s['durable_commit_ms']:.2f}",
                     f"{s['router_cpu_us_per_tx']:.1f}+" + (f"{s['loadgen_cpu_us_per_tx']:.1f}"
                                                            if s["loadgen_cpu_us_per_tx"] else "?"),
                     f"{s['router_written_bytes_per_tx']:,.0f}",
                     s["goal"] if s["goal_met"] is None
                     else f"{s['goal']}: {'met' if s['goal_met'] else 'MISSED'}"
                     + (f" ({s['not_accepted']} not accepted!)" if s["not_accepted"] else "")))
inside = {name: s for name, s in summary["scenarios"].items() if "router" in s}
if inside:
    print("inside the router (its /metrics): transactions per group commit, mean commit time, and "
          "mean time from a request's receipt to its reply, beside the clients' p50")
    for name, s in inside.items():
        r = s["router"]
        print(f"  {name:<6} {r['transactions_per_commit']:>8,.1f} tx/commit "
              f"{r['commit_ms']:>7.3f} ms/commit   held {r['held_ms_mean']:>7.3f} ms   "
              f"clients' p50 {s['latency_ms']['p50']:>7.3f} ms")
if longs:
    l, rss, anon = longs[0], longs[0]["rss_kb"], longs[0]["rss_anon_kb"]
    print(f"long: {l['transactions']:,} transactions at {l['accepted_per_s']:,.0f}/s; router "
          f"RssAnon {anon['at_10_percent']:,} / {anon['at_50_percent']:,} / "
          f"{anon['at_100_percent']:,} KiB at 10/50/100% (max sampled {anon['max_sampled']:,}); "
          f"VmRSS incl. mapped journal {rss['at_10_percent']:,} / {rss['at_50_percent']:,} / "
          f"{rss['at_100_percent']:,} KiB; journal "
          f"{l['journal_bytes_per_transaction']:,.0f} B per transaction = "
          f"{l['journal_bytes_per_transaction'] / l['mean_canonical_bytes']:.2f}x canonical")
if "cpu_floor_at_32x32_goal" in summary:
    f = summary["cpu_floor_at_32x32_goal"]
    print(f"32x32 goal's CPU floor (estimate): {f['rate_per_s']:,}/s x (echo messaging + ceiling "
          f"journaling {f['cpu_us_per_tx']:.1f} us/tx) = {f['cores']:.2f} cores "
          f"before any parsing or hashing; the echo row keeps {f['echo_row_cores']:.2f} of 2 busy")
print(json.dumps(summary, indent=2))
EOF
}

# Scenario table: name clients window default-count.
scenarios=(
  "1x1 1 1 20000"
  "32x1 32 1 100000"
  "8x32 8 32 300000"
  "32x32 32 32 300000"
  "1x256 1 256 300000"
)

failed=0
for r in $(seq "$repeat"); do
  run_ceiling "$r"
  if ((run_echo_row)); then run_echo "$r" || failed=1; fi
  for scenario in "${scenarios[@]}"; do
    read -r name clients window count <<<"$scenario"
    if ((${#only[@]} > 0)) && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
    run_scenario "$name" "$clients" "$window" "${transactions:-$count}" "$r" || failed=1
  done
done
((long)) && { run_long || failed=1; }

summarise "$results" >"$work/summary.txt"
cat "$work/summary.txt"
[[ -z $json_out ]] || sed -n '/^{/,$p' "$work/summary.txt" >"$json_out"
exit "$failed"
