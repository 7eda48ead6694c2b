# Shared by the packaging script tests: a scratch directory, a recording
# server on a free loopback port (always stopped), and assertions.
set -eu

: "${TRACESTRIP_SOURCE_DIR:?source directory}"
: "${TRACESTRIP_BUILD_DIR:?build directory}"
cmake=${TRACESTRIP_CMAKE:-cmake}
cpack=${TRACESTRIP_CPACK:-cpack}
ctest=${TRACESTRIP_CTEST:-ctest}
jobs=${TRACESTRIP_JOBS:-2}
# Hermetic: settings exported in the caller's shell do not leak into the checks.
unset TRACESTRIP_MODE TRACESTRIP_HOSTS TRACESTRIP_HEADERS TRACESTRIP_KEEP TRACESTRIP_SCOPE TRACESTRIP_LOG \
      TRACESTRIP_REPORT TRACESTRIP_NO_INHERIT TRACESTRIP_TESTING_PRELOAD TRACESTRIP_TESTING_LAUNCHER
work=$(mktemp -d)
recorder_pid=""
started=$(date +%s)

cleanup() {
  if [ -n "$recorder_pid" ]; then
    kill "$recorder_pid" 2>/dev/null || true
    wait "$recorder_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step() {
  echo "-- [$(( $(date +%s) - started ))s] $*"
}

# run LOG COMMAND...: runs quietly, shows the log's tail when it fails.
run() {
  log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -40 "$log" >&2
    fail "$*"
  fi
}

start_recorder() {
  records="$work/records.jsonl"
  : >"$records"
  mkfifo "$work/port"
  python3 "${TRACESTRIP_RECORD_SERVER:?record_server.py}" "$records" >"$work/port" &
  recorder_pid=$!
  read -r port <"$work/port"
  [ -n "$port" ] || fail "recorder did not start"
}

# has_header PATH NAME: exit 0 when a request for PATH arrived with header
# NAME (case-insensitive), 1 when requests arrived without it, 2 when none.
has_header() {
  python3 - "$records" "$1" "$2" <<'PY'
import json, sys
found = arrived = False
for line in open(sys.argv[1], encoding="utf-8"):
    entry = json.loads(line)
    if entry["path"] == sys.argv[2]:
        arrived = True
        found |= any(name.lower() == sys.argv[3].lower() for name, _ in entry["headers"])
sys.exit(0 if found else 1 if arrived else 2)
PY
}

expect_header() {  # path name
  status=0
  has_header "$1" "$2" || status=$?
  [ "$status" -eq 0 ] || fail "$2 did not arrive for $1 (status $status)"
}

expect_no_header() {  # path name
  status=0
  has_header "$1" "$2" || status=$?
  [ "$status" -ne 2 ] || fail "nothing arrived for $1"
  [ "$status" -eq 1 ] || fail "$2 arrived for $1"
}
