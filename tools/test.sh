#!/usr/bin/env bash
# Runs the whole test suite on the dev build (unit + end-to-end), then the fuzz targets
# (tools/fuzz.sh: their seed corpora, then 10 s of exploring each). Builds first if needed.
# The long forms (more crash points, bigger loads, 5 minutes per fuzz target) run with --long.
# Usage: tools/test.sh [--long] [extra ctest args]   (with ctest args, say -R Journal, only ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=10
if [[ "${1:-}" == "--long" ]]; then
  export COEXIST_LONG_TESTS=1
  fuzz_seconds=300
  shift
fi
[[ -d build ]] || cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev --timeout 900 "$@"
(($# > 0)) || tools/fuzz.sh --seconds "$fuzz_seconds"
