#!/bin/sh
# No log line ever carries a value of Authorization, Proxy-Authorization,
# Cookie, x-amz-security-token or x-amz-s3session-token. security_test's
# Secrets.* cases send such headers (distinctive values) to S3, other and
# configured hosts, signed and appended, in strip and report modes, logging
# to a file and to stderr; then every log line written — these, and every
# *.jsonl the rest of the suite left in the build tree — is grepped.
. "$TRACESTRIP_GUARD_SCRIPTS/lib.sh"
here=$TRACESTRIP_GUARD_SCRIPTS  # lib.sh finds record_server.py through $here
test_binary=$1
build_tree=$2
preload="${TRACESTRIP_PRELOAD_FIRST:-}$TRACESTRIP_SHIM"
secrets='SECRETauthz0001 SECRETproxy0002 SECRETcookie0003 SECRETtoken0004 SECRETs3session0005 AKIDSECRETakid0008 5ec2e70000'

for mode in strip report; do
  LD_PRELOAD="$preload" TRACESTRIP_MODE=$mode TRACESTRIP_HOSTS=storage.internal TRACESTRIP_LOG="$work/$mode.jsonl" \
    "$test_binary" --gtest_filter='Secrets.*' >"$work/$mode.out" 2>&1 || { cat "$work/$mode.out"; fail "$mode run"; }
  LD_PRELOAD="$preload" TRACESTRIP_MODE=$mode TRACESTRIP_HOSTS=storage.internal TRACESTRIP_LOG=stderr \
    "$test_binary" --gtest_filter='Secrets.*' >"$work/$mode-stderr.jsonl" 2>&1 || fail "$mode stderr run"
  grep -q '"action"' "$work/$mode.jsonl" || fail "$mode: nothing was logged, the test tests nothing"
  grep -q '"action"' "$work/$mode-stderr.jsonl" || fail "$mode: nothing was logged to stderr"
done
grep -q 'kept-signed' "$work/strip.jsonl" || fail "the kept-signed path was not logged"
grep -qF '"refused":["tracestate"]' "$work/strip.jsonl" || fail "the refused append was not logged"

files=$(ls "$work"/*.jsonl; find "$build_tree" -name '*.jsonl' -newer "$build_tree/CMakeCache.txt" 2>/dev/null || true)
lines=0
for file in $files; do
  lines=$((lines + $(grep -c '' "$file" || true)))
  for secret in $secrets; do
    if grep -q "$secret" "$file"; then
      grep -n "$secret" "$file" | head -3 >&2
      fail "$secret appears in log $file"
    fi
  done
done
echo "checked $lines log lines in $(echo "$files" | wc -w) files: no secret values"
