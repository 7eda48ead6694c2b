#!/usr/bin/env bash
# Reports the C and C++ files that .clang-format would change; changes nothing.
#   scripts/format-check.sh [path...]   (default: the project's own code)
# Exit status 1 when a file is not clean. To format: clang-format-14 -i FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$format" ] || { echo "format-check: clang-format(-14) not found" >&2; exit 2; }
paths=("$@")
# src/sigv4 (and its headers) keep a style of their own; include/tracestrip/testing is vendored.
[ ${#paths[@]} -eq 0 ] && paths=(src/core src/shim include/tracestrip fuzz tests
                                 ':(exclude)include/tracestrip/sigv4' ':(exclude)include/tracestrip/testing'
                                 ':(exclude)tests/sigv4')
unclean=0
checked=0
while IFS= read -r -d '' file; do
  checked=$((checked + 1))
  if ! "$format" --style=file --dry-run --Werror "$file" >/dev/null 2>&1; then
    changed=$("$format" --style=file "$file" | diff -U0 "$file" - | grep -c '^[-+][^-+]' || true)
    echo "not clean: $file ($changed changed lines)"
    unclean=$((unclean + 1))
  fi
done < <(git ls-files -z --cached --others --exclude-standard -- "${paths[@]}" |
           grep -zE '\.(c|cc|cpp|h|hpp)$' || true)
echo "format-check: $checked files, $unclean not clean"
[ "$unclean" -eq 0 ]
