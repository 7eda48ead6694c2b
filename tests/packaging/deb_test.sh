#!/bin/sh
# (b) `cpack -G DEB` from a build configured for /usr (only the runtime
# targets built, Release: the package's binaries are stripped anyway) makes a .deb with the shim in the multiarch libdir; unpacked
# with dpkg into a scratch root, its file list and control fields are checked
# and its tracestrip-run preloads the unpacked library.
# (c) curl run under the unpacked launcher loses traceparent and b3 on the
# way to an S3 host, keeps them for another host, and the report says so.
. "$(dirname "$0")/lib.sh"

deb_build="${TRACESTRIP_DEB_BUILD_DIR:-$work/deb-build}"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
[ -n "$multiarch" ] || fail "no multiarch triplet"

step "configure $deb_build for /usr"
run "$work/configure.log" "$cmake" -S "$TRACESTRIP_SOURCE_DIR" -B "$deb_build" -DCMAKE_INSTALL_PREFIX=/usr \
  -DCMAKE_BUILD_TYPE=Release -DTRACESTRIP_BUILD_TESTS=OFF -DTRACESTRIP_BUILD_BENCHMARKS=OFF \
  -DTRACESTRIP_FUZZ=OFF -DTRACESTRIP_SANITIZE= -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
step "build tracestrip tracestrip-run tracestrip-checkpoint"
run "$work/build.log" "$cmake" --build "$deb_build" -j "$jobs" --target tracestrip tracestrip-run tracestrip-checkpoint
step "cpack -G DEB"
rm -f "$deb_build"/tracestrip_*.deb
run "$work/cpack.log" sh -c 'cd "$1" && "$2" -G DEB' sh "$deb_build" "$cpack"
set -- "$deb_build"/tracestrip_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one tracestrip_*.deb in $deb_build, found: $*"
deb=$1
echo "   $(basename "$deb"), $(wc -c <"$deb") bytes"

step "file list"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' | sort >"$work/files"
ma="/usr/lib/$multiarch"
sort >"$work/expected" <<LIST
$ma/libtracestrip.so
/usr/bin/tracestrip-run
/usr/bin/tracestrip-checkpoint
$ma/cmake/tracestrip/tracestripConfig.cmake
$ma/cmake/tracestrip/tracestripConfigVersion.cmake
$ma/cmake/tracestrip/tracestripPreloadTest.cmake
$ma/pkgconfig/tracestrip.pc
/usr/include/tracestrip/testing/gtest.h
/usr/share/doc/tracestrip/README.md
$(cd "$TRACESTRIP_SOURCE_DIR" && ls docs/*.md | sed 's|^docs/|/usr/share/doc/tracestrip/|')
LIST
if ! cmp -s "$work/expected" "$work/files"; then
  diff -u "$work/expected" "$work/files" | sed 's/^/   /' >&2 || true
  if ! grep -q libtracestrip.so "$work/files"; then
    echo "   (no libtracestrip.so: do the install rules in src/shim, src/launcher, src/checkpoint say COMPONENT runtime?)" >&2
  fi
  if grep -qE "demoagent|s3-legacy-upload" "$work/files"; then
    echo "   (demo files: do the install rules in src/demoagent and src/uploader say COMPONENT demo?)" >&2
  fi
  fail "the .deb's files differ from the expected list (- expected, + in the package)"
fi
sed 's/^/   /' "$work/files"

step "control fields"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$deb_build/CMakeCache.txt")
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = tracestrip ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), project $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[ "$(field Maintainer)" = "tracestrip developers" ] || fail "Maintainer: $(field Maintainer)"
field Depends | grep -q 'libc6' || fail "Depends lacks libc6: $(field Depends)"
[ "$(field Recommends)" = "libcurl4 | libcurl3-gnutls" ] || fail "Recommends: $(field Recommends)"
field Description | grep -q 'tracing headers' || fail "Description: $(field Description)"

step "dpkg -x into a scratch root"
root="$work/root"
dpkg -x "$deb" "$root" || fail "dpkg -x failed"
lib="$root$ma/libtracestrip.so"
readelf -h "$lib" | grep -q 'DYN' || fail "$lib is not a shared object"
[ -x "$root/usr/bin/tracestrip-run" ] && [ -x "$root/usr/bin/tracestrip-checkpoint" ] || fail "programs not executable"
grep -qx "preload=\${libdir}/libtracestrip.so" "$root$ma/pkgconfig/tracestrip.pc" &&
  grep -qx "prefix=/usr" "$root$ma/pkgconfig/tracestrip.pc" &&
  grep -qx "libdir=\${prefix}/lib/$multiarch" "$root$ma/pkgconfig/tracestrip.pc" || {
  cat "$root$ma/pkgconfig/tracestrip.pc" >&2
  fail "tracestrip.pc does not point at /usr/lib/$multiarch"
}
"$root/usr/bin/tracestrip-checkpoint" --help >/dev/null 2>&1 || fail "unpacked tracestrip-checkpoint --help failed"

step "find_package and pkg-config against the unpacked package"
mkdir -p "$work/probe"
cat >"$work/probe/CMakeLists.txt" <<'PROBE'
cmake_minimum_required(VERSION 3.22)
project(probe C)
find_package(tracestrip REQUIRED)
get_target_property(location tracestrip::preload IMPORTED_LOCATION)
get_target_property(launcher tracestrip::tracestrip-run IMPORTED_LOCATION)
message(STATUS "probe: ${location} ${launcher} ${tracestrip_VERSION}")
PROBE
run "$work/probe.log" "$cmake" -S "$work/probe" -B "$work/probe/build" -DCMAKE_PREFIX_PATH="$root/usr"
grep -qF "probe: $root$ma/libtracestrip.so $root/usr/bin/tracestrip-run $version" "$work/probe.log" || {
  cat "$work/probe.log" >&2
  fail "find_package(tracestrip) in the unpacked package does not point into it"
}
preload=$(PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root$ma/pkgconfig" pkg-config --variable=preload tracestrip)
[ "$preload" = "$lib" ] || fail "pkg-config (sysroot $root) preload is '$preload', not $lib"

step "unpacked tracestrip-run"
"$root/usr/bin/tracestrip-run" --version | grep -qF "$version" || fail "tracestrip-run --version does not say $version"
preload=$(env -u LD_PRELOAD "$root/usr/bin/tracestrip-run" -- sh -c 'echo "$LD_PRELOAD"')
[ "$preload" = "$lib" ] || fail "unpacked launcher preloads '$preload', not $lib"
preload=$(LD_PRELOAD=/opt/agent/libagent.so "$root/usr/bin/tracestrip-run" -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
[ "$preload" = "/opt/agent/libagent.so $lib" ] || fail "agent first: launcher preloads '$preload'"

step "curl under the unpacked launcher, against a loopback recorder"
start_recorder
s3=bucket.s3.us-east-1.amazonaws.com
other=api.example.com
put() {  # host path [launcher...]
  host=$1 path=$2
  shift 2
  "$@" curl -sS -f -o /dev/null --max-time 20 --connect-to "$host:80:127.0.0.1:$port" \
    -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' -H 'b3: 80f198ee56343ba8-e457b5a2e4d86bd1-1' \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -X PUT --data-binary 'from the deb' "http://$host$path"
}
report="$work/report.jsonl"
put "$s3" /deb/object env TRACESTRIP_REPORT="$report" "$root/usr/bin/tracestrip-run" -- || fail "curl to $s3 failed"
put "$other" /deb/other "$root/usr/bin/tracestrip-run" -- || fail "curl to $other failed"
put "$s3" /deb/control env -u LD_PRELOAD || fail "curl without tracestrip failed"
expect_no_header /deb/object traceparent
expect_no_header /deb/object b3
expect_header /deb/object x-amz-content-sha256
expect_header /deb/other traceparent
expect_header /deb/other b3
expect_header /deb/control traceparent  # without tracestrip it arrives: the check can tell

step "report"
[ -s "$report" ] || fail "no report at $report"
python3 - "$report" "$s3" <<'PY' || fail "the report does not show traceparent and b3 removed for $s3"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
hosts = [h for line in lines for h in line["hosts"] if h["host"] == sys.argv[2]]
assert hosts and all(h["s3_bound"] for h in hosts), hosts
headers = {x["name"]: x for h in hosts for x in h["tracing_headers"]}
for name in ("traceparent", "b3"):
    assert name in headers and headers[name]["sent"] == 0 and headers[name]["removed"] >= 1, headers
PY
step "ok"
