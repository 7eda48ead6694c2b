#!/usr/bin/env python3
"""Sends the same signed S3 requests to tracestrip-checkpoint and to moto's
S3 (with signature checking on) and compares the verdicts.

moto verifies SigV4 by re-signing the signed headers with botocore, so on
signature questions both must agree. moto does not check what S3 checks
besides the signature (unsigned x-amz-* headers, clock skew, the body
against x-amz-content-sha256); for those cases the checkpoint must give the
S3 answer and moto its known, laxer one - asserted too, so that a moto that
changes behaviour is noticed rather than silently compared.

usage: crosscheck_moto.py /path/to/tracestrip-checkpoint
"""

import contextlib
import ctypes
import datetime
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import boto3
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REGION = "us-east-1"
BUCKET = "crosscheck"
# moto lets this many requests through unauthenticated: create the IAM
# user, its access key and its allow-all policy. Every later request is
# SigV4-checked.
NO_AUTH_CALLS = 3
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def die_with_parent():
    """Children get SIGTERM if this script dies (ctest timeout, kill -9)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    """Waits with bare TCP connects: an HTTP probe would use up moto's
    unauthenticated calls."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_moto(log):
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(NO_AUTH_CALLS))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=die_with_parent)
    wait_for_port(port, process)
    return process, port


def create_moto_credentials(port):
    """The unauthenticated calls: an IAM user with an access key and a
    policy that allows everything."""
    iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION,
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="crosscheck")
    key = iam.create_access_key(UserName="crosscheck")["AccessKey"]
    iam.put_user_policy(UserName="crosscheck", PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    return key["AccessKeyId"], key["SecretAccessKey"]


def start_checkpoint(binary, access_key, secret_key):
    process = subprocess.Popen(
        [binary, "--port", "0", "--access-key", access_key, "--secret-key", secret_key,
         "--region", REGION],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=die_with_parent)
    first = process.stdout.readline()
    match = re.match(r"listening on 127\.0\.0\.1:(\d+)$", first.strip())
    if not match:
        stop(process)
        raise RuntimeError(f"checkpoint did not announce its port: {first!r}")
    return process, int(match.group(1))


def error_code(body):
    match = re.search(rb"<Code>([^<]*)</Code>", body or b"")
    return match.group(1).decode() if match else "-"


class Endpoint:
    def __init__(self, name, port, access_key, secret_key):
        self.name = name
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.url = f"http://{self.host}"
        self.access_key = access_key
        self.secret_key = secret_key

    def boto3(self, secret=None):
        return boto3.client(
            "s3", endpoint_url=self.url, region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret or self.secret_key,
            # s3v4: boto3 would presign with SigV2 for a custom endpoint.
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                          signature_version="s3v4"))


# --- ways to send a request -------------------------------------------------

def curl(endpoint, path, extra, user=None, method="GET", data=None):
    """The curl CLI signing with --aws-sigv4; curl 7.88 sends no
    x-amz-content-sha256 of its own, so the caller's one is signed."""
    command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method,
               "--aws-sigv4", f"aws:amz:{REGION}:s3",
               "--user", user or f"{endpoint.access_key}:{endpoint.secret_key}",
               "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
    for header in extra:
        command += ["-H", header]
    if data is not None:
        command += ["--data-binary", data]
    command.append(endpoint.url + path)
    output = subprocess.run(command, capture_output=True, check=True, timeout=30).stdout
    body, _, status = output.rpartition(b"\n")
    return int(status), error_code(body)


def botocore_signed(endpoint, method, path, body=b"", headers=None, secret=None, when=None):
    """A request signed by botocore's S3 signer (the payload hash goes in
    x-amz-content-sha256 because the URL is plain http)."""
    request = AWSRequest(method=method, url=endpoint.url + path, data=body,
                         headers=dict(headers or {}))
    signer = botocore.auth.S3SigV4Auth(
        Credentials(endpoint.access_key, secret or endpoint.secret_key), "s3", REGION)
    if when is None:
        signer.add_auth(request)
    else:
        original = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda: when
        try:
            signer.add_auth(request)
        finally:
            botocore.auth.get_current_datetime = original
    return [(name, value) for name, value in request.headers.items()]


def send_raw(endpoint, method, path, header_lines, body=b""):
    """Sends exactly these header lines, repeats and all."""
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        names = {name.lower() for name, _ in header_lines}
        if "host" not in names:
            connection.putheader("Host", endpoint.host)
        for name, value in header_lines:
            connection.putheader(name, value)
        if "content-length" not in names:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, error_code(response.read())
    finally:
        connection.close()


def boto3_call(call):
    try:
        response = call()
        return response["ResponseMetadata"]["HTTPStatusCode"], "-"
    except botocore.exceptions.ClientError as error:
        return (error.response["ResponseMetadata"]["HTTPStatusCode"],
                error.response["Error"]["Code"])


# --- the cases --------------------------------------------------------------

def case_curl_good(ep):
    return curl(ep, f"/{BUCKET}/curl.txt", ["Content-Type: text/plain"], method="PUT",
                data="hello")


def case_boto3_good(ep):
    s3 = ep.boto3()
    status = boto3_call(lambda: s3.put_object(Bucket=BUCKET, Key="boto3.txt", Body=b"hello",
                                              Metadata={"color": "blue"}))
    if status != (200, "-"):
        return status
    return boto3_call(lambda: s3.get_object(Bucket=BUCKET, Key="boto3.txt"))


def case_wrong_secret(ep):
    return curl(ep, f"/{BUCKET}/curl.txt", [], user=f"{ep.access_key}:not-the-secret")


def case_boto3_wrong_secret(ep):
    s3 = ep.boto3(secret="not-the-secret")
    return boto3_call(lambda: s3.get_object(Bucket=BUCKET, Key="boto3.txt"))


def case_unknown_key(ep):
    return curl(ep, f"/{BUCKET}/curl.txt", [], user="AKIAUNKNOWNUNKNOWN00:whatever")


def case_curl_duplicated_header(ep):
    # Two lines of one signed header: curl 7.88 canonicalises them as two
    # entries, S3 as one joined with ',' -> SignatureDoesNotMatch.
    return curl(ep, f"/{BUCKET}/curl.txt", ["pinpoint-spanid: 1", "pinpoint-spanid: 2"])


def case_repeated_header_joined(ep):
    # The same two lines, signed as S3 canonicalises them ("1,2"): accepted.
    signed = botocore_signed(ep, "GET", f"/{BUCKET}/curl.txt",
                             headers={"pinpoint-spanid": "1,2"})
    lines = []
    for name, value in signed:
        if name.lower() == "pinpoint-spanid":
            lines += [(name, "1"), (name, "2")]
        else:
            lines.append((name, value))
    return send_raw(ep, "GET", f"/{BUCKET}/curl.txt", lines)


def case_rewritten_header(ep):
    # A sidecar rewrites traceparent after the client signed it.
    signed = botocore_signed(ep, "GET", f"/{BUCKET}/curl.txt",
                             headers={"traceparent": TRACEPARENT})
    rewritten = [(n, "00-11111111111111111111111111111111-2222222222222222-01"
                  if n.lower() == "traceparent" else v) for n, v in signed]
    return send_raw(ep, "GET", f"/{BUCKET}/curl.txt", rewritten)


def case_unsigned_amz_meta(ep):
    signed = botocore_signed(ep, "PUT", f"/{BUCKET}/meta.txt", body=b"hello")
    return send_raw(ep, "PUT", f"/{BUCKET}/meta.txt",
                    signed + [("x-amz-meta-added-later", "1")], b"hello")


def case_skewed_date(ep):
    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
        datetime.timedelta(minutes=20)
    signed = botocore_signed(ep, "GET", f"/{BUCKET}/curl.txt", when=when)
    return send_raw(ep, "GET", f"/{BUCKET}/curl.txt", signed)


def case_payload_mismatch(ep):
    # Signed for "hello", "HELLO" arrives (same length, other bytes).
    signed = botocore_signed(ep, "PUT", f"/{BUCKET}/hash.txt", body=b"hello")
    assert ("X-Amz-Content-SHA256", hashlib.sha256(b"hello").hexdigest()) in signed
    return send_raw(ep, "PUT", f"/{BUCKET}/hash.txt", signed, b"HELLO")


def presigned_path(ep):
    url = ep.boto3().generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "curl.txt"}, ExpiresIn=300)
    return url[len(ep.url):]


def case_presigned_good(ep):
    return send_raw(ep, "GET", presigned_path(ep), [])


def case_presigned_tampered(ep):
    # A tracing hop appends its own parameter to a presigned URL.
    return send_raw(ep, "GET", presigned_path(ep) + "&traceparent=" + TRACEPARENT, [])


OK = (200, "-")
# name, function, what S3 (and so the checkpoint) answers, what moto answers
# when it differs from S3 (None: moto must give the S3 answer).
MOTO_LAX = "moto does not check this; S3 does"
# moto 5.2.1 reads Authorization unconditionally once auth is on, so a
# presigned URL (no Authorization header) ends in a KeyError -> 500.
MOTO_PRESIGNED = "moto answers 500 to presigned URLs with auth on"

# name, function, what S3 (and so the checkpoint) answers, and - where moto
# is known to differ from S3 - moto's answer and why.
CASES = [
    ("good signature (curl --aws-sigv4)", case_curl_good, OK, None),
    ("good signature (boto3 put+get)", case_boto3_good, OK, None),
    ("wrong secret (curl)", case_wrong_secret, (403, "SignatureDoesNotMatch"), None),
    ("wrong secret (boto3)", case_boto3_wrong_secret, (403, "SignatureDoesNotMatch"), None),
    ("unknown access key", case_unknown_key, (403, "InvalidAccessKeyId"), None),
    ("duplicated signed header (curl)", case_curl_duplicated_header,
     (403, "SignatureDoesNotMatch"), None),
    ("repeated header signed joined", case_repeated_header_joined, OK, None),
    ("rewritten signed header", case_rewritten_header, (403, "SignatureDoesNotMatch"), None),
    ("presigned URL (boto3)", case_presigned_good, OK, ((500, "-"), MOTO_PRESIGNED)),
    ("presigned URL + extra parameter", case_presigned_tampered,
     (403, "SignatureDoesNotMatch"), ((500, "-"), MOTO_PRESIGNED)),
    ("unsigned x-amz-meta-*", case_unsigned_amz_meta, (403, "AccessDenied"), (OK, MOTO_LAX)),
    ("date skewed 20 min", case_skewed_date, (403, "RequestTimeTooSkewed"), (OK, MOTO_LAX)),
    ("payload hash mismatch", case_payload_mismatch, (400, "XAmzContentSHA256Mismatch"),
     (OK, MOTO_LAX)),
]


def verdict(result):
    return f"{result[0]} {result[1]}"


def run_cases(checkpoint, moto):
    failures = []
    rows = []
    for name, function, s3_answer, moto_difference in CASES:
        got_checkpoint = function(checkpoint)
        got_moto = function(moto)
        expected_moto = moto_difference[0] if moto_difference else s3_answer
        notes = []
        if got_checkpoint != s3_answer:
            notes.append(f"checkpoint should answer {verdict(s3_answer)}")
        if got_moto != expected_moto:
            notes.append(f"moto should answer {verdict(expected_moto)}")
        if not notes:
            notes.append(moto_difference[1] if moto_difference else "same")
        ok = got_checkpoint == s3_answer and got_moto == expected_moto
        if not ok:
            failures.append(name)
        rows.append((name, verdict(got_checkpoint), verdict(got_moto),
                     ("ok   " if ok else "FAIL ") + "; ".join(notes)))
    widths = [max(len(row[i]) for row in rows + [("case", "checkpoint", "moto", "")])
              for i in range(3)]
    print(f"{'case':<{widths[0]}}  {'checkpoint':<{widths[1]}}  {'moto':<{widths[2]}}  result")
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    return failures


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    moto_process = checkpoint_process = None
    # CROSSCHECK_MOTO_LOG=file keeps moto's own output for debugging.
    moto_log = open(os.environ.get("CROSSCHECK_MOTO_LOG", os.devnull), "wb")
    try:
        moto_process, moto_port = start_moto(moto_log)
        access_key, secret_key = create_moto_credentials(moto_port)
        moto = Endpoint("moto", moto_port, access_key, secret_key)

        # From here on moto checks signatures. Prove it before trusting any
        # comparison: a wrong secret must be refused.
        if case_wrong_secret(moto)[0] != 403:
            print("FAIL: moto accepted a wrong secret; its signature check is off",
                  file=sys.stderr)
            return 1

        checkpoint_process, checkpoint_port = start_checkpoint(binary, access_key, secret_key)
        checkpoint = Endpoint("checkpoint", checkpoint_port, access_key, secret_key)
        for endpoint in (moto, checkpoint):
            status = boto3_call(lambda: endpoint.boto3().create_bucket(Bucket=BUCKET))
            if status != OK:
                print(f"FAIL: CreateBucket on {endpoint.name} answered {verdict(status)}",
                      file=sys.stderr)
                return 1

        failures = run_cases(checkpoint, moto)
        if failures:
            print(f"\nFAIL: {len(failures)} case(s): {', '.join(failures)}")
            return 1
        print(f"\nall {len(CASES)} cases as expected")
        return 0
    finally:
        stop(checkpoint_process)
        stop(moto_process)
        moto_log.close()


if __name__ == "__main__":
    sys.exit(main())
