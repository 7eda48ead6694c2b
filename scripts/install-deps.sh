#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages tracestrip's build, demo and
# tests need — only those missing. Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config binutils
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev nlohmann-json3-dev dpkg-dev file
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-tidy libclang-rt-14-dev valgrind
  curl git python3 python3-pycurl php8.2-cli php8.2-curl nginx-light
)

wanted=("${build_packages[@]}")
if [ "${1:-test}" = test ]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
