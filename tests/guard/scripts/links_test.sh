#!/bin/sh
# libtracestrip.so links neither libcurl nor OpenSSL, and exports only its hooks.
. "$(dirname "$0")/lib.sh"
needed=$(readelf -d "$TRACESTRIP_SHIM" | grep NEEDED || true)
echo "$needed"
if echo "$needed" | grep -Eq 'libcurl|libssl|libcrypto|libstdc\+\+'; then
  fail "unwanted NEEDED entry"
fi
exported=$(nm -D --defined-only "$TRACESTRIP_SHIM" | awk '{print $3}' | sort | tr '\n' ' ')
expected="curl_easy_cleanup curl_easy_duphandle curl_easy_init curl_easy_perform curl_easy_reset curl_easy_setopt curl_multi_add_handle curl_slist_append curl_slist_free_all dlopen "
[ "$exported" = "$expected" ] || fail "exports: $exported"
echo "links: ok"
