#!/usr/bin/env bash
# Issue 6's CI stages, called by scripts/test.sh after its own builds:
#   1. ThreadSanitizer build (build-tsan) and the threaded/preloaded tests
#   2. fuzz smoke: every libFuzzer target for TRACESTRIP_FUZZ_SECONDS (30)
#   3. valgrind memcheck over the uploader with shim + demo agent preloaded
#   4. clang-tidy over src/core and src/shim (skipped when clang-tidy-14 is missing)
#   5. clang-format: the tree matches .clang-format (scripts/format-check.sh)
# Each stage prints its wall time. TRACESTRIP_EXTRA_SKIP="tsan fuzz valgrind tidy" skips stages (also "format").
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${TRACESTRIP_JOBS:-2}
skip=" ${TRACESTRIP_EXTRA_SKIP:-} "
status=0

stage() {  # name command...
  local name=$1 start=$SECONDS
  shift
  if [[ "$skip" == *" $name "* ]]; then
    echo "== $name: skipped"
    return
  fi
  echo "== $name"
  if "$@"; then
    echo "== $name: ok ($((SECONDS - start)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - start)) s)"
    status=1
  fi
}

tsan() {
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRACESTRIP_WERROR=ON -DTRACESTRIP_SANITIZE=thread \
    -DTRACESTRIP_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-tsan -j "$jobs" --target tracestrip tracestrip_test_agent preload_e2e_test stress_test \
    hostile_wire_test security_test >build-tsan/build.log 2>&1 || { tail -40 build-tsan/build.log; return 1; }
  (cd build-tsan && ctest -j "$jobs" --output-on-failure --timeout 900 \
    -R '^(guard\.e2e|stress\.threads|hostile\.wire|security\.(only_removes|log_file))') |
    grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|^ +Start +[0-9]+: '
}

fuzz() { scripts/fuzz.sh "${TRACESTRIP_FUZZ_SECONDS:-30}"; }

valgrind_demo() {
  local dir=${TRACESTRIP_VALGRIND_BUILD:-build}
  [ -x "$dir/src/uploader/s3-legacy-upload" ] || { echo "build $dir first (scripts/test.sh does)"; return 1; }
  tests/stress/valgrind_demo.sh "$dir"
}

tidy() {
  command -v clang-tidy-14 >/dev/null || { echo "clang-tidy-14 missing: skipped"; return 0; }
  scripts/tidy-check.sh build-tidy
}

stage tsan tsan
stage fuzz fuzz
stage valgrind valgrind_demo
format() { scripts/format-check.sh | tail -3; }

stage tidy tidy
stage format format
exit $status
