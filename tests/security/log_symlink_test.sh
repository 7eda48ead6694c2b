#!/bin/sh
# TRACESTRIP_LOG naming a symlink: the shim refuses it (O_NOFOLLOW), says so
# once on stderr, leaves the link's target alone and still does its job.
. "$TRACESTRIP_GUARD_SCRIPTS/lib.sh"
here=$TRACESTRIP_GUARD_SCRIPTS  # lib.sh finds record_server.py through $here
test_binary=$1
preload="${TRACESTRIP_PRELOAD_FIRST:-}$TRACESTRIP_SHIM"
echo "precious" >"$work/target"
ln -s "$work/target" "$work/link.jsonl"
LD_PRELOAD="$preload" TRACESTRIP_LOG="$work/link.jsonl" "$test_binary" --gtest_filter='Secrets.*' \
  >"$work/out" 2>&1 || { cat "$work/out"; fail "the run failed"; }
[ "$(cat "$work/target")" = "precious" ] || fail "the symlink's target was written"
grep -q "TRACESTRIP_LOG: cannot open" "$work/out" || fail "no diagnostic for the refused symlink"
[ "$(grep -c '^tracestrip: TRACESTRIP_LOG' "$work/out")" = 1 ] || fail "more than one diagnostic line"
# An existing file is appended to, never truncated.
echo "earlier line" >"$work/existing.jsonl"
chmod 600 "$work/existing.jsonl"
LD_PRELOAD="$preload" TRACESTRIP_LOG="$work/existing.jsonl" "$test_binary" --gtest_filter='Secrets.*' >/dev/null 2>&1 ||
  fail "append run failed"
[ "$(head -1 "$work/existing.jsonl")" = "earlier line" ] || fail "the existing log was truncated"
grep -q '"action"' "$work/existing.jsonl" || fail "nothing appended"
echo "log symlink refused, append-only: ok"
