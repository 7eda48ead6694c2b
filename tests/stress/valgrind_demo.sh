#!/usr/bin/env bash
# The demo (scripts/demo.sh: uploader alone, under the demo agent, under the
# agent and tracestrip; curl- and app-signed) with s3-legacy-upload running
# under valgrind memcheck, shim and agent preloaded as the demo does. Passes
# when every valgrind run reports zero errors and zero definitely-lost bytes
# and the demo's own outcome is as expected.
#   tests/stress/valgrind_demo.sh [build-dir]   (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(cd "${1:-build}" && pwd)
command -v valgrind >/dev/null || { echo "valgrind missing"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/uploader" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
  --track-origins=no --log-file="$work/vg.%p.log" "$dir/src/uploader/s3-legacy-upload" "\$@"
WRAP
chmod +x "$work/uploader"
scripts/demo.sh --no-build --no-install --agent "$dir/src/demoagent/libdemoagent.so" --uploader "$work/uploader" \
  --launcher "$dir/src/launcher/tracestrip-run" --shim "$dir/src/shim/libtracestrip.so" \
  --checkpoint "$dir/src/checkpoint/tracestrip-checkpoint" >"$work/demo.out" 2>&1 || {
  cat "$work/demo.out"; echo "FAIL: the demo under valgrind did not have the expected outcome"; exit 1; }
runs=0 bad=0
for log in "$work"/vg.*.log; do
  runs=$((runs + 1))
  grep -q "ERROR SUMMARY: 0 errors" "$log" || { bad=1; grep -E "ERROR SUMMARY|Invalid|uninitialised" "$log" | head; }
  if grep -E "definitely lost: [1-9]" "$log"; then bad=1; fi
done
grep -h "ERROR SUMMARY\|definitely lost\|in use at exit" "$work"/vg.*.log | sort | uniq -c
[ "$runs" -gt 0 ] || { echo "FAIL: valgrind never ran"; exit 1; }
[ "$bad" -eq 0 ] || { echo "FAIL: valgrind found errors or definite leaks"; exit 1; }
echo "valgrind: $runs uploader runs, 0 errors, 0 bytes definitely lost"
