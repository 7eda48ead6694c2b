#!/bin/sh
# cmake --install puts the shim under <prefix>/lib… and the launcher at
# <prefix>/bin/tracestrip-run, which finds the installed shim by itself.
. "$(dirname "$0")/lib.sh"
: "${TRACESTRIP_BUILD_DIR:?build directory}"
cmake --install "$TRACESTRIP_BUILD_DIR" --prefix "$work/prefix" >/dev/null || fail "cmake --install failed"
[ -x "$work/prefix/bin/tracestrip-run" ] || fail "no bin/tracestrip-run"
installed=$(find "$work/prefix" -path "$work/prefix/lib*/libtracestrip.so" | head -1)
[ -n "$installed" ] || fail "no lib*/libtracestrip.so under the prefix"
preload=$("$work/prefix/bin/tracestrip-run" -- sh -c 'echo "$LD_PRELOAD"')
[ "$preload" = "$(readlink -f "$installed")" ] || fail "installed launcher preloads '$preload', not $installed"
echo "install: ok ($installed)"
