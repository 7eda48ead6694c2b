#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# build-fuzz, and runs each for a bounded time (default 60 s per target).
#   scripts/fuzz.sh [seconds] [target...]
# The seed corpus in fuzz/corpus/<target> is only read; what a run finds
# goes to build-fuzz/corpus/<target>; crashes to build-fuzz/artifacts/.
# Exit status: non-zero when a target crashed, leaked or timed out.
# TRACESTRIP_FUZZ_JOBS=N runs N targets at once (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(header_line list_filter host_url authorization config sigv4_canonical elf_needed)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
dir=${TRACESTRIP_FUZZ_DIR:-build-fuzz}
jobs=${TRACESTRIP_FUZZ_JOBS:-1}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }
mkdir -p "$dir"
if [ ! -f "$dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRACESTRIP_FUZZ=ON \
    -DTRACESTRIP_SANITIZE=address,undefined -DTRACESTRIP_BUILD_TESTS=OFF -DTRACESTRIP_BUILD_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$dir" -j "${TRACESTRIP_JOBS:-2}" --target "${targets[@]/#/fuzz_}" >"$dir/fuzz-build.log" 2>&1 ||
  { tail -40 "$dir/fuzz-build.log"; exit 1; }

mkdir -p "$dir/artifacts"
run_one() {
  local target=$1 work="$dir/corpus/$1" log="$dir/fuzz-$1.log"
  mkdir -p "$work"
  local status=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$dir/fuzz/fuzz_$target" "$work" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$dir/artifacts/$target-" \
    >"$log" 2>&1 || status=$?
  local execs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$status" -eq 0 ]; then
    printf '%-16s ok     %4ss execs=%-10s cov=%-5s ft=%s\n' "$target" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}"
  else
    printf '%-16s FAILED (status %s); see %s and %s/artifacts/\n' "$target" "$status" "$log" "$dir"
    grep -E 'ERROR|SUMMARY|runtime error|==ERROR' "$log" | head -5
  fi
  return "$status"
}

failed=0
pids=()
for target in "${targets[@]}"; do
  if [ "$jobs" -le 1 ]; then
    run_one "$target" || failed=1
  else
    run_one "$target" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
      wait "${pids[0]}" || failed=1
      pids=("${pids[@]:1}")
    fi
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
