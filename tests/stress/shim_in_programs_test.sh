#!/bin/sh
# The shim inside python3, bash, git, curl and a program that never loads
# curl: same output and exit status as without it (for traffic that is not
# S3-bound), and for curl's own S3-bound requests exactly the tracing headers go.
. "$TRACESTRIP_GUARD_SCRIPTS/lib.sh"
here=$TRACESTRIP_GUARD_SCRIPTS  # lib.sh finds record_server.py through $here

preload="${TRACESTRIP_PRELOAD_FIRST:-}$TRACESTRIP_SHIM"
compare() {  # label command...
  label=$1
  shift
  set +e
  plain=$("$@" 2>&1); plain_status=$?
  shimmed=$(LD_PRELOAD="$preload" TRACESTRIP_LOG=stderr "$@" 2>&1); shimmed_status=$?
  set -e
  [ "$plain" = "$shimmed" ] || fail "$label: output differs: '$plain' vs '$shimmed'"
  [ "$plain_status" = "$shimmed_status" ] || fail "$label: status differs: $plain_status vs $shimmed_status"
  echo "$label: same output, status $plain_status"
}

start_recorder
base="http://127.0.0.1:$port"

compare "never loads curl" sh -c 'echo out; echo err >&2; exit 7'
compare "bash" bash -c 'x=$(printf "%s\n" b a | sort | tr "\n" ,); echo "$x"; exit 4'
compare "python3" python3 -c '
import ctypes, sys
curl = ctypes.CDLL("libcurl.so.4")
curl.curl_version.restype = ctypes.c_char_p
print(curl.curl_version().split()[0].decode())
sys.exit(3)'
compare "python3 exit" python3 -c 'raise SystemExit(9)'
# git's http transport goes through libcurl (git-remote-http); the recorder is no git server.
compare "git ls-remote" env GIT_TERMINAL_PROMPT=0 git ls-remote "$base/repo.git"
compare "git version" git --version
compare "curl non-S3" curl -sS -H "traceparent: 00-1-2-01" -H "X-App: 1" "$base/curl-other"
compare "curl refused" curl -sS "http://127.0.0.1:1/closed"
compare "curl bad option" curl --no-such-option

# curl's S3-bound request: the tracing header goes, everything else stays.
LD_PRELOAD="$preload" curl -sS -o /dev/null --connect-to "::127.0.0.1:$port" \
  -H "traceparent: 00-1-2-01" -H "X-App: 1" -H "b3: 1" "http://bucket.s3.us-east-1.amazonaws.com/curl-s3" ||
  fail "curl S3 transfer failed"
expect_no_header /curl-s3 traceparent
expect_no_header /curl-s3 b3
expect_header /curl-s3 x-app
expect_header /curl-other traceparent
echo "shim in programs: ok"
