#!/usr/bin/env bash
# Runs the whole test suite (unit + end-to-end) on the dev build. Builds first if needed.
# The long forms (more crash points, bigger loads) run with --long.
# Usage: tools/test.sh [--long] [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--long" ]]; then
  export COEXIST_LONG_TESTS=1
  shift
fi
[[ -d build ]] || cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev --timeout 900 "$@"
