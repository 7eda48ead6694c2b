#!/usr/bin/env bash
# clang-tidy (14) over src/core and src/shim with a build's compile_commands.json.
#   scripts/tidy-check.sh [build-dir]   (default: build-tidy, configured here)
# -Wno-varargs: curl's own prototype (CURLoption before "...") makes va_start
# warn in every curl_easy_setopt wrapper; see docs/SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-tidy}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
[ -n "$tidy" ] || { echo "tidy-check: clang-tidy(-14) not found" >&2; exit 2; }
if [ ! -f "$dir/compile_commands.json" ]; then
  cmake -S . -B "$dir" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DTRACESTRIP_BUILD_BENCHMARKS=OFF >/dev/null
fi
files=$(git ls-files 'src/core/*.cpp' 'src/shim/*.cpp')
out=$("$tidy" -p "$dir" --quiet --extra-arg=-Wno-varargs $files 2>/dev/null || true)
findings=$(echo "$out" | grep -E '(warning|error):' || true)
if [ -n "$findings" ]; then
  echo "$out"
  echo "tidy-check: $(echo "$findings" | wc -l) findings"
  exit 1
fi
echo "tidy-check: $(echo $files | wc -w) files clean"
