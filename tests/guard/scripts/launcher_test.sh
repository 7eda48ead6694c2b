#!/bin/sh
# tracestrip-run: help, ordering after existing preloads, settings, exit status.
. "$(dirname "$0")/lib.sh"
: "${TRACESTRIP_RUN:?path to tracestrip-run}"

"$TRACESTRIP_RUN" --help | grep -q "after" || fail "--help does not explain the ordering"
for option in --mode --hosts --headers --keep --scope --log --library; do
  "$TRACESTRIP_RUN" --help | grep -q -- "$option" || fail "--help does not explain $option"
done

preload=$(LD_PRELOAD="/lib/x86_64-linux-gnu/libz.so.1" "$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" -- sh -c 'echo "$LD_PRELOAD"')
[ "$preload" = "/lib/x86_64-linux-gnu/libz.so.1 $TRACESTRIP_SHIM" ] || fail "shim not appended after existing entries: $preload"
# An earlier libtracestrip.so moves behind the others, so that they reach curl through it.
preload=$(LD_PRELOAD="$TRACESTRIP_SHIM:/lib/x86_64-linux-gnu/libz.so.1" "$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" -- sh -c 'echo "$LD_PRELOAD"')
[ "$preload" = "/lib/x86_64-linux-gnu/libz.so.1 $TRACESTRIP_SHIM" ] || fail "shim not moved to the end: $preload"

settings=$("$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" --mode report --hosts 'a.test,*.b.test' \
  --headers x-acme-* --keep x-amzn-trace-id --scope sigv4 --log stderr -- \
  sh -c 'echo "$TRACESTRIP_MODE|$TRACESTRIP_HOSTS|$TRACESTRIP_HEADERS|$TRACESTRIP_KEEP|$TRACESTRIP_SCOPE|$TRACESTRIP_LOG"')
[ "$settings" = "report|a.test,*.b.test|x-acme-*|x-amzn-trace-id|sigv4|stderr" ] || fail "settings: $settings"

set +e
"$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" -- sh -c 'exit 42'; status=$?
"$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" 2>/dev/null; no_command=$?
"$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" -- /nonexistent/command 2>/dev/null; missing=$?
"$TRACESTRIP_RUN" --bogus -- true 2>/dev/null; bad_option=$?
"$TRACESTRIP_RUN" --mode nonsense -- true 2>/dev/null; bad_mode=$?
set -e
[ "$status" = 42 ] || fail "exit status not passed through: $status"
[ "$no_command" = 125 ] || fail "no command: $no_command"
[ "$missing" = 127 ] || fail "missing command: $missing"
[ "$bad_option" = 125 ] || fail "bad option: $bad_option"
[ "$bad_mode" = 125 ] || fail "bad mode: $bad_mode"

# The launcher in the build tree finds the shim by itself.
"$TRACESTRIP_RUN" -- sh -c 'case "$LD_PRELOAD" in *libtracestrip.so) exit 0;; *) exit 1;; esac' ||
  fail "launcher did not find libtracestrip.so on its own"
echo "launcher: ok"
