#!/bin/sh
# A process that never uses curl behaves exactly as without the shim: same
# output, same exit status, and libcurl never gets loaded.
. "$(dirname "$0")/lib.sh"

compare() {  # command...
  set +e
  plain=$("$@" 2>&1); plain_status=$?
  shimmed=$(LD_PRELOAD="$TRACESTRIP_SHIM" TRACESTRIP_LOG=stderr "$@" 2>&1); shimmed_status=$?
  set -e
  [ "$plain" = "$shimmed" ] || fail "output differs for $*: '$plain' vs '$shimmed'"
  [ "$plain_status" = "$shimmed_status" ] || fail "status differs for $*: $plain_status vs $shimmed_status"
}

compare /bin/true
compare /bin/false
compare sh -c 'echo hello; echo oops >&2; exit 3'
compare bash -c 'for i in 1 2 3; do echo $i; done | sort -r'
compare python3 -c 'import ctypes, sys; print(sys.version_info[0]); sys.exit(5)'
compare git --version

maps=$(LD_PRELOAD="$TRACESTRIP_SHIM" cat /proc/self/maps)
echo "$maps" | grep -q libtracestrip || fail "the shim was not loaded"
if echo "$maps" | grep -q libcurl; then
  fail "libcurl loaded into a process that does not use it"
fi
echo "no-curl processes: ok"
