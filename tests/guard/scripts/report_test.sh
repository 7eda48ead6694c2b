#!/bin/sh
# TRACESTRIP_REPORT: per host, the tracing headers seen, who added each (the
# demo agent for its headers, the program for its own) and how many were
# sent; tracestrip-run --report prints the same as a table.
. "$(dirname "$0")/lib.sh"
: "${TRACESTRIP_REPORT_PROBE:?} ${TRACESTRIP_DEMO_AGENT:?} ${TRACESTRIP_RUN:?}"
start_recorder
probe_name=$(basename "$TRACESTRIP_REPORT_PROBE")

LD_PRELOAD="$TRACESTRIP_DEMO_AGENT $TRACESTRIP_SHIM" TRACESTRIP_REPORT="$work/report.jsonl" \
  "$TRACESTRIP_REPORT_PROBE" "$port" || fail "probe failed"
python3 - "$work/report.jsonl" "$probe_name" <<'PY' || fail "report content"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
report = json.loads(lines[0])
probe = sys.argv[2]
assert report["program"] == probe and report["mode"] == "strip", report
hosts = {h["host"]: h for h in report["hosts"]}
s3 = hosts["bucket.s3.us-east-1.amazonaws.com"]
other = hosts["api.example.com"]
assert s3["s3_bound"] and s3["requests"] == 1 and not other["s3_bound"], (s3, other)
for host in (s3, other):
    headers = {h["name"]: h for h in host["tracing_headers"]}
    assert headers["traceparent"]["added_by"] == [probe], headers["traceparent"]
    assert headers["b3"]["added_by"] == [probe], headers["b3"]
    agent = [h for n, h in headers.items() if n.startswith("pinpoint-")]
    assert agent and all(h["added_by"] == ["libdemoagent.so"] for h in agent), agent
sent_s3 = {h["name"]: h["sent"] for h in s3["tracing_headers"]}
assert all(v == 0 for v in sent_s3.values()), sent_s3
assert all(h["sent"] == h["seen"] > 0 for h in other["tracing_headers"]), other
print("report: S3 host sent no tracing header; agent and program named as sources")
PY
expect_no_header /report-s3 traceparent
expect_header /report-other traceparent

table=$(LD_PRELOAD="$TRACESTRIP_DEMO_AGENT" "$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" --report -- \
  "$TRACESTRIP_REPORT_PROBE" "$port" 2>&1 >/dev/null)
printf '%s\n' "$table"
printf '%s\n' "$table" | grep -q "tracestrip report for $probe_name" || fail "no table"
printf '%s\n' "$table" | grep -E '^ +traceparent ' | grep -q "added by $probe_name" || fail "table: traceparent source"
printf '%s\n' "$table" | grep -E '^ +pinpoint-traceid ' | grep -q "added by libdemoagent.so" || fail "table: agent source"

config=$("$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" --mode report --hosts minio.test:9000 --print-config)
printf '%s\n' "$config" | grep -q '^mode: report$' || fail "print-config mode: $config"
printf '%s\n' "$config" | grep -q 'mode from option --mode' || fail "print-config source: $config"
printf '%s\n' "$config" | grep -q 'minio.test:9000' || fail "print-config hosts: $config"

inherit=$("$TRACESTRIP_RUN" --library "$TRACESTRIP_SHIM" --no-inherit -- sh -c 'sh -c "echo \$LD_PRELOAD"')
[ -z "$inherit" ] || fail "--no-inherit: child still preloads '$inherit'"
echo "report: ok"
