#!/bin/sh
# Runs fault_test with fail_shim_malloc.so before the shim and checks that
# the shim said what happened in exactly one line on stderr.
set -u
test_binary=$1 failer=$2 shim=$3
err=$(mktemp)
trap 'rm -f "$err"' EXIT
LD_PRELOAD="$failer $shim" "$test_binary" 2>"$err"
status=$?
cat "$err" >&2
[ "$status" -eq 0 ] || { echo "FAIL: fault_test exited with $status" >&2; exit 1; }
lines=$(grep -c '^tracestrip: ' "$err")
[ "$lines" -eq 1 ] || { echo "FAIL: expected one tracestrip line on stderr, got $lines" >&2; exit 1; }
echo "allocation failure: passed through, one line: ok"
