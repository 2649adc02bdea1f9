#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the quickstart need (idempotent), then
# configures and builds the `dev` preset into build/. Set COEXIST_WERROR=ON to fail on warnings
# (CI does). Usage: tools/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  liblmdb-dev lmdb-utils
  libzmq3-dev cppzmq-dev
  libboost-program-options-dev
  nlohmann-json3-dev
  libspdlog-dev libfmt-dev
  libsimdjson-dev
  libssl-dev
  libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  curl procps python3
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[[ "${1:-}" == "--no-build" ]] && exit 0

cmake --preset dev -DCOEXIST_WERROR="${COEXIST_WERROR:-OFF}" >/dev/null
cmake --build --preset dev
echo "setup: built build/bin/coexist"
