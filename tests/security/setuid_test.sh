#!/bin/sh
# In a setuid or setgid process the shim ignores its environment and runs
# with built-in defaults (strip, built-in rules, no log file).
#
# How it really runs: glibc ignores LD_PRELOAD paths in secure-execution
# (AT_SECURE) processes, but not /etc/ld.so.preload. In a private mount
# namespace (unshare -m) a copy of /etc with an ld.so.preload naming the shim
# is bind-mounted over /etc; a setuid-root (then setgid) copy of secure_probe
# in a temp dir is run as user nobody with setpriv, its environment asking for
# TRACESTRIP_MODE=off, TRACESTRIP_HOSTS=storage.internal and a log file.
# Expected: the S3 request is stripped anyway (mode ignored), the configured
# host keeps its tracing header (hosts ignored), no log file appears.
# Control: the same probe, not privileged, honours the environment.
. "$TRACESTRIP_GUARD_SCRIPTS/lib.sh"
here=$TRACESTRIP_GUARD_SCRIPTS  # lib.sh finds record_server.py through $here
probe=$1

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (setuid copy, mount namespace)"; exit 77; }
command -v unshare >/dev/null && command -v setpriv >/dev/null || { echo "SKIP: needs unshare and setpriv"; exit 77; }
unshare -m true 2>/dev/null || { echo "SKIP: no mount namespaces here"; exit 77; }

start_recorder
box=$(mktemp -d /tmp/tracestrip-setuid.XXXXXX)
trap 'cleanup; rm -rf "$box"' EXIT
chmod 755 "$box"
cp "$probe" "$box/probe-setuid"
cp "$TRACESTRIP_SHIM" "$box/libtracestrip.so"
chmod 755 "$box/libtracestrip.so"
chown root:root "$box/probe-setuid"
cp -a /etc "$box/etc"
echo "$box/libtracestrip.so" >"$box/etc/ld.so.preload"
mkdir -m 777 "$box/logs"

run_as_nobody() {  # probe-mode(setuid|setgid|plain)
  case $1 in
    setuid) chmod 4755 "$box/probe-setuid" ;;
    setgid) chmod 2755 "$box/probe-setuid" ;;
    plain) chmod 0755 "$box/probe-setuid" ;;
  esac
  unshare -m sh -c "mount --bind '$box/etc' /etc && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
    env TRACESTRIP_MODE=off TRACESTRIP_HOSTS=storage.internal TRACESTRIP_LOG='$box/logs/$1.jsonl' \
        TRACESTRIP_HEADERS=x-app '$box/probe-setuid' $port"
}

for mode in setuid setgid; do
  out=$(run_as_nobody $mode) || fail "$mode probe failed: $out"
  echo "$out"
  case $mode in
    setuid) echo "$out" | grep -q "^uid=65534 euid=0 " || fail "setuid probe did not run privileged: $out" ;;
    setgid) echo "$out" | grep -q "gid=65534 egid=0$" || fail "setgid probe did not run privileged: $out" ;;
  esac
  # Built-in defaults: the S3 request is stripped (TRACESTRIP_MODE=off ignored;
  # TRACESTRIP_HEADERS=x-app ignored, so X-App stays) ...
  echo "$out" | grep -qx "s3: X-App: 1|" || fail "$mode: S3 request not stripped with built-in defaults: $out"
  # ... TRACESTRIP_HOSTS ignored ...
  echo "$out" | grep -qx "configured: traceparent: 00-1-2-01|X-App: 1|" || fail "$mode: TRACESTRIP_HOSTS was honoured: $out"
  # ... and no log file.
  [ ! -e "$box/logs/$mode.jsonl" ] || fail "$mode: the log file was created"
done

# Control: unprivileged, the same environment applies (mode off: nothing stripped; log file set).
out=$(run_as_nobody plain) || fail "plain probe failed: $out"
echo "$out"
echo "$out" | grep -qx "s3: traceparent: 00-1-2-01|X-App: 1|" || fail "control: TRACESTRIP_MODE=off not honoured: $out"
echo "setuid/setgid: environment ignored: ok"
