#!/bin/sh
# A malformed setting gives one clear stderr line naming the variable and the
# bad entry; the rest of the settings still apply.
. "$(dirname "$0")/lib.sh"
start_recorder

stderr=$(LD_PRELOAD="$TRACESTRIP_SHIM" TRACESTRIP_HOSTS='storage.test,bad host,,*.rgw.test:99999' \
  TRACESTRIP_MODE=bogus TRACESTRIP_HEADERS='x-acme-trace,a*b' \
  curl -s -o /dev/null --connect-to "::127.0.0.1:$port" -H 'traceparent: 00-x' -H 'x-acme-trace: 1' -H 'X-App: 1' \
  http://storage.test/settings-configured 2>&1)
printf '%s\n' "$stderr"
[ "$(printf '%s\n' "$stderr" | grep -c '^tracestrip: ')" = 4 ] || fail "expected 4 diagnostic lines"
printf '%s\n' "$stderr" | grep -q "TRACESTRIP_HOSTS: ignoring 'bad host'" || fail "bad host not named"
printf '%s\n' "$stderr" | grep -q "TRACESTRIP_HOSTS: ignoring '\*.rgw.test:99999'" || fail "bad port not named"
printf '%s\n' "$stderr" | grep -q "TRACESTRIP_MODE: ignoring 'bogus'" || fail "bad mode not named"
printf '%s\n' "$stderr" | grep -q "TRACESTRIP_HEADERS: ignoring 'a\*b'" || fail "bad pattern not named"
# The good entries still apply: the configured host is S3-bound, the extra header is tracing.
expect_no_header /settings-configured traceparent
expect_no_header /settings-configured x-acme-trace
expect_header /settings-configured x-app
echo "settings: ok"
