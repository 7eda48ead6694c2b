"""A small legacy S3 client on pycurl (Debian's /usr/bin/python3, libcurl-gnutls
loaded RTLD_LOCAL) that signs its requests itself (SigV4 with hmac/hashlib over
every header in its list), with the tracing layer a Python APM agent adds:

  layer 1: when the program builds its header list, the agent puts its
           traceparent/x-b3-* headers in, right after the first header;
           the program then signs them along with its own;
  layer 2: at perform, the agent opens a client span and sets the list again
           with that span's traceparent/x-b3-spanid appended: a second copy
           of names the program signed, with other values.

usage: pycurl_client.py ENDPOINT BUCKET ACCESS SECRET REGION KEY MODE
MODE: none (no tracing layer) | agent (both layers) | app-trace (no agent;
the program puts its own traceparent in its list, after its x-amz-* headers,
and signs it). Prints "RESULT success" or "RESULT <status> <S3 code>"."""
import datetime
import hashlib
import hmac
import io
import os
import re
import sys
import urllib.parse

import pycurl

endpoint, bucket, access, secret, region, key, mode = sys.argv[1:8]
body = (b"pycurl integration body " + key.encode() + b"\n") * 40
trace_id = os.urandom(16).hex()


class TracingLayer:
    """What a Python APM agent's curl instrumentation does (both layers)."""

    def __init__(self, enabled):
        self.enabled = enabled

    def on_new_header_list(self, headers):
        if self.enabled:
            span = os.urandom(8).hex()
            headers[1:1] = [f"traceparent: 00-{trace_id}-{span}-01", f"x-b3-traceid: {trace_id}",
                            f"x-b3-spanid: {span}"]

    def perform(self, curl, headers):
        if self.enabled:
            span = os.urandom(8).hex()
            curl.setopt(pycurl.HTTPHEADER, headers + [f"traceparent: 00-{trace_id}-{span}-01",
                                                      f"x-b3-spanid: {span}"])
        curl.perform()


tracer = TracingLayer(mode == "agent")


def sign(method, path, host, headers, payload_hash, amz_date):
    canon = {}
    for line in [f"host: {host}"] + headers:
        name, _, value = line.partition(":")
        canon.setdefault(name.strip().lower(), []).append(" ".join(value.split()))
    names = sorted(canon)
    canonical_headers = "".join(f"{n}:{','.join(canon[n])}\n" for n in names)
    signed = ";".join(names)
    creq = "\n".join([method, path, "", canonical_headers, signed, payload_hash])
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return f"Authorization: AWS4-HMAC-SHA256 Credential={access}/{scope}, SignedHeaders={signed}, Signature={sig}"


def request(method, data=None):
    url = f"{endpoint}/{bucket}/{key}"
    parts = urllib.parse.urlsplit(url)
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    payload_hash = hashlib.sha256(data or b"").hexdigest()
    headers = ["Content-Type: text/plain"] if method == "PUT" else ["Accept: */*"]
    tracer.on_new_header_list(headers)
    headers += [f"x-amz-date: {amz_date}", f"x-amz-content-sha256: {payload_hash}"]
    if mode == "app-trace":
        headers.append(f"traceparent: 00-{trace_id}-{os.urandom(8).hex()}-01")
    headers.append(sign(method, parts.path, parts.netloc, headers, payload_hash, amz_date))
    out = io.BytesIO()
    c = pycurl.Curl()
    c.setopt(pycurl.URL, url)
    c.setopt(pycurl.HTTPHEADER, headers)
    c.setopt(pycurl.WRITEFUNCTION, out.write)
    if method == "PUT":
        c.setopt(pycurl.UPLOAD, 1)
        c.setopt(pycurl.READFUNCTION, io.BytesIO(data).read)
        c.setopt(pycurl.INFILESIZE, len(data))
    tracer.perform(c, headers)
    status = c.getinfo(pycurl.RESPONSE_CODE)
    c.close()
    return status, out.getvalue()


def main():
    for method in ("PUT", "GET"):
        status, answer = request(method, body if method == "PUT" else None)
        print(f"{method} HTTP {status}")
        if status != 200:
            code = re.search(rb"<Code>([^<]+)</Code>", answer)
            print(answer.decode(errors="replace")[:1500])
            print(f"RESULT {status} {code.group(1).decode() if code else ''}".strip())
            return 1
        if method == "GET" and answer != body:
            print("RESULT 200 but the bytes differ")
            return 1
    print("RESULT success")
    return 0


sys.exit(main())
