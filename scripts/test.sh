#!/usr/bin/env bash
# The README's test command, and what CI runs: installs what is missing,
# builds tracestrip twice (warnings as errors; then with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs the test suites with ctest, then the
# extra stages of scripts/test-extra.sh (ThreadSanitizer, fuzzing, valgrind,
# clang-tidy).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

jobs=${TRACESTRIP_JOBS:-2}

configure_and_build() {  # dir, extra cmake arguments...
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRACESTRIP_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" >"$dir/build.log" 2>&1 || { tail -50 "$dir/build.log"; exit 1; }
}

echo "== Build (warnings as errors)"
configure_and_build build
echo "== Tests"
(cd build && ctest -j "$jobs" --output-on-failure --timeout 600) | grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|^ +Start +[0-9]+: '

if [ -f build/tests/integration/matrix.txt ]; then
  echo "== Integration matrix (real peers)"
  cat build/tests/integration/matrix.txt
fi

echo "== Build with AddressSanitizer + UndefinedBehaviorSanitizer"
configure_and_build build-asan -DTRACESTRIP_SANITIZE=address,undefined
echo "== Tests under the sanitizers (rules, shim end to end, SigV4, checkpoint, demo agent, hostile input, stress, security)"
(cd build-asan && ctest -j "$jobs" --output-on-failure --timeout 600 -R '^(guard\.(unit|e2e)|sigv4|checkpoint|demoagent|hostile|stress\.threads|security\.(only_removes|log_))') |
  grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|^ +Start +[0-9]+: '

echo "== Extra stages: ThreadSanitizer, fuzz smoke, valgrind over the demo, clang-tidy"
scripts/test-extra.sh
