#!/bin/sh
# A library that interposes curl after tracestrip gets one start-up warning
# naming it; listed before tracestrip (the covering order), none.
. "$(dirname "$0")/lib.sh"
: "${TRACESTRIP_TEST_AGENT:?path to the test agent}"
agent_name=$(basename "$TRACESTRIP_TEST_AGENT")

after=$(LD_PRELOAD="$TRACESTRIP_SHIM $TRACESTRIP_TEST_AGENT" curl -s -o /dev/null file:///dev/null 2>&1)
[ "$(printf '%s\n' "$after" | grep -c 'interposes curl after tracestrip')" = 1 ] ||
  fail "expected one warning, got: $after"
printf '%s\n' "$after" | grep -q "$agent_name" || fail "warning does not name the library: $after"

before=$(LD_PRELOAD="$TRACESTRIP_TEST_AGENT $TRACESTRIP_SHIM" curl -s -o /dev/null file:///dev/null 2>&1)
[ -z "$before" ] || fail "unexpected output with the agent first: $before"
alone=$(LD_PRELOAD="$TRACESTRIP_SHIM" curl -s -o /dev/null file:///dev/null 2>&1)
[ -z "$alone" ] || fail "unexpected output with the shim alone: $alone"
echo "load order: ok"
