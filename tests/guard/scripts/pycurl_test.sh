#!/bin/sh
# pycurl under Debian's /usr/bin/python3: the extension module and its
# libcurl-gnutls are loaded RTLD_LOCAL, invisible to dlsym(RTLD_NEXT); the
# shim must find curl among the loaded objects, not call a null pointer.
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pycurl' 2>/dev/null || fail "python3-pycurl is not installed"
start_recorder

cat >"$work/client.py" <<'PY'
import sys
import pycurl

port = sys.argv[1]
for host, path in (("bucket.s3.us-east-1.amazonaws.com", "/pycurl-s3"), ("api.example.com", "/pycurl-other")):
    c = pycurl.Curl()
    c.setopt(pycurl.URL, f"http://{host}:{port}{path}")
    c.setopt(pycurl.RESOLVE, [f"{host}:{port}:127.0.0.1"])
    c.setopt(pycurl.HTTPHEADER, ["traceparent: 00-py-01", "X-App: pycurl", "b3: 1"])
    c.setopt(pycurl.WRITEFUNCTION, lambda data: None)
    c.perform()
    assert c.getinfo(pycurl.RESPONSE_CODE) == 200
    c.close()
print("pycurl transfers done")
PY
LD_PRELOAD="$TRACESTRIP_SHIM" /usr/bin/python3 "$work/client.py" "$port" || fail "pycurl under the shim failed"
expect_no_header /pycurl-s3 traceparent
expect_no_header /pycurl-s3 b3
expect_header /pycurl-s3 x-app
expect_header /pycurl-other traceparent
expect_header /pycurl-other b3
echo "pycurl: ok"
