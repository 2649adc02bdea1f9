#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs each one: first over
# its seed corpus in tests/fuzz/corpus/TARGET (every input there must pass: the examples and
# every input that once failed), then exploring for --seconds more from it. New inputs go to a
# scratch directory, never into the repository. A failure leaves the failing input in that
# directory and its path in the output; add it to the seed corpus along with the fix.
# Usage: tools/fuzz.sh [--seconds N] [--target NAME]...   (default: 10 s each, every target)
# Exit: 0 no target failed, 1 a target failed, 2 usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=10
targets=()
while (($# > 0)); do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --target) targets+=("${2:?--target needs a name}"); shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seconds takes whole seconds, not '$seconds'" >&2; exit 2; }
((${#targets[@]} > 0)) || targets=(transaction_parser_fuzz rule_set_fuzz record_decode_fuzz config_fuzz)

[[ -d build-fuzz ]] || cmake --preset fuzz -DCOEXIST_WERROR="${COEXIST_WERROR:-OFF}" >/dev/null
cmake --build --preset fuzz

scratch=$(mktemp -d "${TMPDIR:-/tmp}/coexist-fuzz.XXXXXX")
failed=0
for target in "${targets[@]}"; do
  binary=build-fuzz/bin/$target
  seeds=tests/fuzz/corpus/$target
  [[ -x $binary && -d $seeds ]] || { echo "fuzz.sh: no target '$target'" >&2; exit 2; }
  dictionary=()
  [[ -f tests/fuzz/$target.dict ]] && dictionary=(-dict="tests/fuzz/$target.dict")
  mkdir -p "$scratch/$target"
  log=$scratch/$target.log
  # Inputs up to 64 KiB: room for arrays of transactions and long rule files, and still fast.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$binary" "${dictionary[@]}" -max_len=65536 -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$scratch/$target-" \
      "$scratch/$target" "$seeds" >"$log" 2>&1; then
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    echo "fuzz.sh: $target: ${runs:-?} inputs in ${seconds} s, no failure"
  else
    failed=1
    echo "fuzz.sh: $target FAILED; its log, then the failing input:" >&2
    tail -n 40 "$log" >&2
    ls "$scratch/$target"-* >&2 2>/dev/null || true
  fi
done
((failed == 0)) && rm -rf "$scratch"
exit "$failed"
