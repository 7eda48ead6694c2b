#!/bin/sh
# (a) `cmake --install` of this build into a temporary prefix exports a CMake
# package and a pkg-config file; examples/consumer finds tracestrip there with
# find_package, builds, and passes its own tests (the GoogleTest helper, and a
# test preloaded by tracestrip_preload_test whose report is then checked).
. "$(dirname "$0")/lib.sh"

prefix="$work/prefix"
step "cmake --install $TRACESTRIP_BUILD_DIR --prefix $prefix"
run "$work/install.log" "$cmake" --install "$TRACESTRIP_BUILD_DIR" --prefix "$prefix"
lib=$(find "$prefix" -path "$prefix/lib*/libtracestrip.so" | head -1)
[ -n "$lib" ] || fail "no lib*/libtracestrip.so under $prefix"
libdir=$(dirname "$lib")
for f in "$libdir/cmake/tracestrip/tracestripConfig.cmake" "$libdir/cmake/tracestrip/tracestripConfigVersion.cmake" \
         "$libdir/cmake/tracestrip/tracestripPreloadTest.cmake" "$libdir/pkgconfig/tracestrip.pc" \
         "$prefix/include/tracestrip/testing/gtest.h" "$prefix/bin/tracestrip-run"; do
  [ -f "$f" ] || fail "not installed: $f"
done

step "pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --variable=preload tracestrip)" = "$lib" ] ||
  fail "pkg-config preload is '$(pkg-config --variable=preload tracestrip)', not $lib"
[ "$(pkg-config --variable=launcher tracestrip)" = "$prefix/bin/tracestrip-run" ] ||
  fail "pkg-config launcher is '$(pkg-config --variable=launcher tracestrip)'"
[ "$(pkg-config --variable=libdir tracestrip)" = "$libdir" ] || fail "pkg-config libdir is wrong"
pkg-config --exists 'tracestrip >= 0.1' || fail "pkg-config: tracestrip >= 0.1 not found"
preload=$(env -u LD_PRELOAD "$(pkg-config --variable=launcher tracestrip)" -- sh -c 'echo "$LD_PRELOAD"')
[ "$preload" = "$lib" ] || fail "installed launcher preloads '$preload', not $lib"

step "configure examples/consumer against $prefix"
run "$work/configure.log" "$cmake" -S "$TRACESTRIP_SOURCE_DIR/examples/consumer" -B "$work/consumer" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" -DEXAMPLE_AGENT="${TRACESTRIP_DEMO_AGENT:-}"
grep -qF "preload $lib," "$work/configure.log" || { cat "$work/configure.log"; fail "find_package did not find $lib"; }

step "build examples/consumer"
run "$work/build.log" "$cmake" --build "$work/consumer" -j "$jobs"

step "ctest in examples/consumer"
if ! (cd "$work/consumer" && "$ctest" -V --timeout 120 -j "$jobs") >"$work/ctest.log" 2>&1; then
  cat "$work/ctest.log" >&2
  fail "the consumer's tests failed"
fi
grep -E "tests passed|Test +#" "$work/ctest.log" | sed 's/^/   /'
grep -q "100% tests passed" "$work/ctest.log" || fail "not every consumer test passed"
if [ -n "${TRACESTRIP_DEMO_AGENT:-}" ] && grep -q "SKIPPED \]" "$work/ctest.log"; then
  grep "SKIPPED" "$work/ctest.log" >&2
  fail "a consumer test was skipped"
fi

# The preloaded test can tell: run without tracestrip_preload_test's
# environment, it fails.
step "the preloaded test fails without the preload"
if env -u LD_PRELOAD "$work/consumer/preloaded_test" >"$work/unpreloaded.log" 2>&1; then
  cat "$work/unpreloaded.log" >&2
  fail "preloaded_test passed without libtracestrip.so"
fi
step "ok"
