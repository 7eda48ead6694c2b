# Shared by the guard's script tests: a recording server on a free loopback
# port, started and always stopped, and small assertions.
set -eu

: "${TRACESTRIP_SHIM:?path to libtracestrip.so}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
recorder_pid=""

cleanup() {
  if [ -n "$recorder_pid" ]; then
    kill "$recorder_pid" 2>/dev/null || true
    wait "$recorder_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

start_recorder() {
  records="$work/records.jsonl"
  : >"$records"
  mkfifo "$work/port"
  python3 "$here/record_server.py" "$records" >"$work/port" &
  recorder_pid=$!
  read -r port <"$work/port"
  [ -n "$port" ] || fail "recorder did not start"
}

# Headers (lower-cased names) that arrived for a path, one "name: value" per line.
arrived() {
  python3 - "$records" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    entry = json.loads(line)
    if entry["path"] == sys.argv[2]:
        for name, value in entry["headers"]:
            print(f"{name.lower()}: {value}")
PY
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_header() {  # path name
  arrived "$1" | grep -qi "^$2:" || fail "$2 did not arrive for $1: $(arrived "$1" | tr '\n' '|')"
}

expect_no_header() {  # path name
  if arrived "$1" | grep -qi "^$2:"; then
    fail "$2 arrived for $1"
  fi
  arrived "$1" | grep -q . || fail "nothing arrived for $1"
}
