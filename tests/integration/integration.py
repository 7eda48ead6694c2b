#!/usr/bin/env python3
"""tracestrip against real peers (issue 4). One ctest test per peer group:

  integration.py GROUP --results DIR --shim SO --launcher EXE --agent SO
                 --uploader EXE --plt-agent SO

GROUP is moto_uploader, sidecar, curl_cli, pycurl, php, git, load_order or
launcher_order; `integration.py matrix --results DIR` prints every group's rows
(scenario x expected x observed) and fails if a row is not as expected or a
group left no rows. Servers listen on 127.0.0.1 on free ports and are always
stopped. Needs the python3 that has moto[server] and boto3."""
import argparse
import hashlib
import hmac
import os
import time
import re
import shutil
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import REGION, Results, run, tracing_names  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TRACEPARENT = "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
SUCCESS = "success"
DENIED = "403 SignatureDoesNotMatch"


def make_file(work, name, size, seed):
    path = os.path.join(work, name)
    data = hashlib.sha256(seed.encode()).digest() * (size // 32 + 1)
    with open(path, "wb") as f:
        f.write(data[:size])
    return path


# ---------------------------------------------------------------------------
# 1. moto_server and s3-legacy-upload

def uploader_outcome(proc):
    out = proc.stdout
    if proc.returncode == 0 and "result: upload verified" in out:
        return SUCCESS
    m = re.search(r"HTTP (\d{3}) (\S+)", out)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    return f"exit {proc.returncode}: " + (out.strip().splitlines() or proc.stderr.strip().splitlines() or ["?"])[-1]


def upload(a, moto, bucket, path, sign, interface, prefix_env, launcher=False, extra=()):
    cmd = []
    if launcher:
        cmd = [a.launcher, "--library", a.shim, "--log", "stderr", "--"]
    cmd += [a.uploader, "--endpoint", moto.endpoint, "--region", REGION, "--bucket", bucket,
            "--access-key", moto.access_key, "--secret-key", moto.secret_key, "--sign", sign,
            "--interface", interface, "--meta", "department=billing", "--meta", "case-id=CASE-0042",
            *extra, path]
    return run(cmd, env=prefix_env)


def group_moto_uploader(a, res, work):
    data_path = make_file(work, "invoice-scan.png", 6000, "uploader")
    content = open(data_path, "rb").read()
    agent_env = {"LD_PRELOAD": a.agent, "DEMOAGENT_STYLE": "all", "DEMOAGENT_LOG": "1"}
    with harness.moto_server(work) as moto:
        bucket = "integration-uploads"
        moto.create_bucket(bucket)
        guarded_keys = []
        for sign in ("curl", "app"):
            for interface in ("easy", "multi"):
                for variant, expected in (("no agent", SUCCESS), ("libdemoagent.so", DENIED),
                                          ("agent + tracestrip", SUCCESS)):
                    scenario = f"s3-legacy-upload --sign {sign} --interface {interface}, {variant}"
                    env = {} if variant == "no agent" else agent_env
                    proc = upload(a, moto, bucket, data_path, sign, interface, env,
                                  launcher=variant == "agent + tracestrip")
                    observed = uploader_outcome(proc)
                    detail = proc.stdout[-1500:] + proc.stderr[-800:]
                    ok = observed == expected
                    if variant != "no agent" and ok and "demoagent: layer" not in proc.stderr:
                        ok, observed = False, observed + " (but the agent injected nothing)"
                    if variant == "agent + tracestrip" and ok:
                        if '"action":' not in proc.stderr:
                            ok, observed = False, observed + " (but tracestrip logged no action)"
                        m = re.search(r"^key: (\S+)", proc.stdout, re.M)
                        if m:
                            guarded_keys.append((scenario, m.group(1)))
                    res.row(scenario, expected, observed, ok=ok, detail=detail)
        # The guarded uploads, read back by boto3 (a client tracestrip never touched).
        s3 = moto.s3()
        for scenario, key in guarded_keys:
            want = "bytes identical, image/png, meta {case-id, department}"
            try:
                obj = s3.get_object(Bucket=bucket, Key=key)
                body = obj["Body"].read()
                problems = []
                if body != content:
                    problems.append(f"{len(body)} bytes differ")
                if obj.get("ContentType") != "image/png":
                    problems.append(f"content type {obj.get('ContentType')!r}")
                if obj.get("Metadata") != {"department": "billing", "case-id": "CASE-0042"}:
                    problems.append(f"metadata {obj.get('Metadata')!r}")
                observed = "; ".join(problems) if problems else want
            except Exception as err:  # noqa: BLE001
                observed = f"boto3 error: {err}"
            res.row(f"boto3 reads back ({scenario.split(', ')[0]})", want, observed)
        if len(guarded_keys) != 4:
            res.row("boto3 read-back of every guarded upload", "4 objects", f"{len(guarded_keys)} objects")
        # The failed (403) uploads must not have stored anything.
        listed = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
        res.row("objects stored in moto (4 plain + 4 guarded, none from 403 runs)", "8", str(listed))


# ---------------------------------------------------------------------------
# 2. nginx sidecar rewriting trace headers, curl CLI with --aws-sigv4

def curl_status(proc):
    """Outcome of a curl CLI run that used -w '%{http_code}'."""
    codes = re.findall(r"^HTTP=(\d{3})$", proc.stdout, re.M)
    if not codes:
        return f"curl exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    if all(c.startswith("2") for c in codes):
        return SUCCESS
    bad = [c for c in codes if not c.startswith("2")]
    code = re.search(r"<Code>([^<]+)</Code>", proc.stdout)
    return f"{bad[0]} {code.group(1) if code else ''}".strip() + ("" if len(set(codes)) == 1 else f" ({codes})")


def curl_s3(moto, url_base, method, key, data=None, out=None, extra_headers=()):
    cmd = ["curl", "-sS", "--aws-sigv4", f"aws:amz:{REGION}:s3", "--user", f"{moto.access_key}:{moto.secret_key}",
           "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
    for h in extra_headers:
        cmd += ["-H", h]
    if method == "PUT":
        cmd += ["-T", data]
    cmd += ["-w", "\nHTTP=%{http_code}\n"]
    if out:
        cmd += ["-o", out]
    cmd += [f"{url_base}/{key}"]
    return cmd


def group_sidecar(a, res, work):
    path = make_file(work, "report.csv", 3000, "sidecar")
    trace = [TRACEPARENT, "x-b3-spanid: a2fb4a1d1a96d312", "x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7"]
    with harness.moto_server(work) as moto, harness.nginx_sidecar(work, moto.port) as nginx_port:
        bucket = "sidecar-bucket"
        moto.create_bucket(bucket)
        direct = f"{moto.endpoint}/{bucket}"
        via = f"http://127.0.0.1:{nginx_port}/{bucket}"
        cases = [
            ("curl --aws-sigv4 -H traceparent, direct to moto (control)", direct, False, SUCCESS),
            ("curl --aws-sigv4 -H traceparent, through the nginx sidecar", via, False, DENIED),
            ("tracestrip-run curl --aws-sigv4 -H traceparent, through the nginx sidecar", via, True, SUCCESS),
        ]
        for i, (scenario, base, guarded, expected) in enumerate(cases):
            for method in ("PUT", "GET"):
                out = os.path.join(work, f"sidecar-{i}.get")
                cmd = curl_s3(moto, base, method, f"obj-{i}.csv", data=path, out=out if method == "GET" else None,
                              extra_headers=trace)
                if guarded:
                    cmd = [a.launcher, "--library", a.shim, "--log", "stderr", "--"] + cmd
                proc = run(cmd)
                observed = curl_status(proc)
                if method == "GET":
                    answer = open(out, "rb").read() if os.path.exists(out) else b""
                    if observed == SUCCESS and answer != open(path, "rb").read():
                        observed = "200 but the bytes differ"
                    elif observed != SUCCESS:
                        code = re.search(rb"<Code>([^<]+)</Code>", answer)
                        observed = observed.split()[0] + (f" {code.group(1).decode()}" if code else "")
                # (moto checks the signature before looking the object up.)
                res.row(f"{scenario}: {method}", expected, observed, detail=proc.stdout[-600:] + proc.stderr[-600:])
        # nginx really was in the path of the sidecar rows. It logs a request
        # after answering it, so the last line may land a moment after curl returns.
        log = os.path.join(work, "nginx", "access.log")
        deadline = time.monotonic() + 5
        while True:
            proxied = sum(1 for _ in open(log)) if os.path.exists(log) else 0
            if proxied >= 4 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        res.row("requests nginx proxied", "4", str(proxied))


# ---------------------------------------------------------------------------
# 3. curl CLI under the demo agent: PUT, GET, --parallel

def group_curl_cli(a, res, work):
    files = [make_file(work, f"part-{i}.bin", 2000 + 500 * i, f"cli{i}") for i in range(4)]
    agent = {"LD_PRELOAD": a.agent, "DEMOAGENT_STYLE": "w3c", "DEMOAGENT_LOG": "1"}
    with harness.moto_server(work) as moto:
        bucket = "cli-bucket"
        moto.create_bucket(bucket)
        base = f"{moto.endpoint}/{bucket}"
        auth = ["--aws-sigv4", f"aws:amz:{REGION}:s3", "--user", f"{moto.access_key}:{moto.secret_key}",
                "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
        guard = [a.launcher, "--library", a.shim, "--log", "stderr", "--"]
        # Objects the GET cases read, put there by the plain CLI.
        seeded = run(curl_s3(moto, base, "PUT", "seed.bin", data=files[0]))
        res.row("curl --aws-sigv4 PUT, no agent (control)", SUCCESS, curl_status(seeded))
        for label, prefix, env, expected in (("under libdemoagent.so", [], agent, DENIED),
                                             ("under libdemoagent.so + tracestrip-run", guard, agent, SUCCESS)):
            proc = run(prefix + curl_s3(moto, base, "PUT", f"single-{len(prefix)}.bin", data=files[1]), env=env)
            observed = curl_status(proc)
            if "demoagent: layer" not in proc.stderr:
                observed += " (the agent injected nothing)"
            res.row(f"curl --aws-sigv4 PUT {label}", expected, observed, detail=proc.stderr[-800:])
            out = os.path.join(work, f"get-{len(prefix)}.bin")
            proc = run(prefix + curl_s3(moto, base, "GET", "seed.bin", out=out), env=env)
            observed = curl_status(proc)
            if observed == SUCCESS and open(out, "rb").read() != open(files[0], "rb").read():
                observed = "200 but the bytes differ"
            elif observed != SUCCESS and os.path.exists(out):
                code = re.search(r"<Code>([^<]+)</Code>", open(out, errors="replace").read())
                observed = observed.split()[0] + (f" {code.group(1)}" if code else "")
            res.row(f"curl --aws-sigv4 GET {label}", expected, observed, detail=proc.stderr[-800:])
        # Several transfers at once: --parallel drives curl's multi interface.
        for label, prefix, env, expected in (("no agent", [], {}, SUCCESS),
                                             ("under libdemoagent.so", [], agent, DENIED),
                                             ("under libdemoagent.so + tracestrip-run", guard, agent, SUCCESS)):
            tag = label.split()[0] + str(len(prefix))
            cmd = prefix + ["curl", "-sS", "--parallel", "--parallel-immediate", "--parallel-max", "4"] + auth + \
                ["-w", "\nHTTP=%{http_code}\n"]
            for i, f in enumerate(files):
                cmd += ["-T", f, "-o", os.path.join(work, f"par-{tag}-{i}.out"), f"{base}/par-{tag}-{i}.bin"]
            proc = run(cmd, env=env)
            codes = re.findall(r"^HTTP=(\d{3})$", proc.stdout, re.M)
            if len(codes) != len(files):
                observed = f"{len(codes)} of {len(files)} transfers answered: {proc.stderr.strip()[-200:]}"
            elif all(c == "200" for c in codes):
                observed = SUCCESS
            elif all(c == "403" for c in codes):
                bodies = "".join(open(os.path.join(work, f"par-{tag}-{i}.out"), errors="replace").read()
                                 for i in range(len(files)))
                observed = DENIED if bodies.count("SignatureDoesNotMatch") == len(files) else "403 (other codes)"
            else:
                observed = "mixed " + ",".join(codes)
            res.row(f"curl --parallel x{len(files)} PUT {label}", expected, observed, detail=proc.stderr[-800:])
            if expected == SUCCESS:
                gcmd = prefix + ["curl", "-sS", "--parallel", "--parallel-max", "4"] + auth + \
                    ["-w", "\nHTTP=%{http_code}\n"]
                for i in range(len(files)):
                    gcmd += ["-o", os.path.join(work, f"parget-{tag}-{i}.out"), f"{base}/par-{tag}-{i}.bin"]
                proc = run(gcmd, env=env)
                codes = re.findall(r"^HTTP=(\d{3})$", proc.stdout, re.M)
                same = all(open(os.path.join(work, f"parget-{tag}-{i}.out"), "rb").read() == open(f, "rb").read()
                           for i, f in enumerate(files)) if codes == ["200"] * len(files) else False
                observed = SUCCESS if same else f"codes {codes}, bytes {'same' if same else 'differ'}"
                res.row(f"curl --parallel x{len(files)} GET {label}, bytes compared", SUCCESS, observed,
                        detail=proc.stderr[-800:])


# ---------------------------------------------------------------------------
# 4. pycurl (/usr/bin/python3) and PHP, each with its own tracing layer

def classify_client(proc):
    m = re.search(r"^RESULT (.*)$", proc.stdout, re.M)
    if not m:
        return f"exit {proc.returncode}: {(proc.stderr.strip().splitlines() or ['?'])[-1][:200]}"
    return m.group(1).strip()


def group_pycurl(a, res, work):
    py = "/usr/bin/python3"
    check = run([py, "-c", "import pycurl"])
    if check.returncode != 0:
        res.row("import pycurl in /usr/bin/python3", "available", "missing (apt-get install python3-pycurl)")
        return
    client = os.path.join(HERE, "clients", "pycurl_client.py")
    with harness.moto_server(work) as moto:
        bucket = "pycurl-bucket"
        moto.create_bucket(bucket)
        common = [moto.endpoint, bucket, moto.access_key, moto.secret_key, REGION]
        cases = [
            ("pycurl, script signs, no tracing layer (control)", "none", False, SUCCESS),
            ("pycurl, script signs, its tracing layer adds a 2nd traceparent after signing", "agent", False, DENIED),
            ("pycurl + tracing layer under tracestrip-run", "agent", True, SUCCESS),
            ("pycurl, script signs its own traceparent (after x-amz-*), no agent (control)",
             "app-trace", False, SUCCESS),
            ("pycurl, script signs its own traceparent (after x-amz-*), no agent, under tracestrip-run",
             "app-trace", True, SUCCESS),
        ]
        for i, (scenario, mode, guarded, expected) in enumerate(cases):
            cmd = [py, client, *common, f"obj-{i}.txt", mode]
            if guarded:
                cmd = [a.launcher, "--library", a.shim, "--log", "stderr", "--"] + cmd
            proc = run(cmd)
            res.row(scenario, expected, classify_client(proc), detail=proc.stdout[-1200:] + proc.stderr[-600:])


def group_php(a, res, work):
    php = shutil.which("php")
    check = run([php, "-r", "exit(function_exists('curl_init') && defined('CURLOPT_AWS_SIGV4') ? 0 : 1);"]) \
        if php else None
    if not check or check.returncode != 0:
        res.row("php with curl and CURLOPT_AWS_SIGV4", "available", "missing (apt-get install php8.2-cli php8.2-curl)")
        return
    client = os.path.join(HERE, "clients", "php_client.php")
    with harness.moto_server(work) as moto:
        bucket = "php-bucket"
        moto.create_bucket(bucket)
        common = [moto.endpoint, bucket, moto.access_key, moto.secret_key, REGION]
        cases = [
            ("php CURLOPT_AWS_SIGV4, no tracing layer (control)", "none", False, SUCCESS),
            ("php CURLOPT_AWS_SIGV4, its tracing layer adds traceparent twice", "agent", False, DENIED),
            ("php + tracing layer under tracestrip-run (RTLD_DEEPBIND)", "agent", True, SUCCESS),
        ]
        for i, (scenario, mode, guarded, expected) in enumerate(cases):
            cmd = [php, client, *common, f"obj-{i}.txt", mode]
            if guarded:
                cmd = [a.launcher, "--library", a.shim, "--log", "stderr", "--"] + cmd
            proc = run(cmd)
            res.row(scenario, expected, classify_client(proc), detail=proc.stdout[-1200:] + proc.stderr[-600:])


# ---------------------------------------------------------------------------
# 5. git (git-remote-http, libcurl-gnutls) with http.extraHeader

def group_git(a, res, work):
    if not shutil.which("git"):
        res.row("git", "installed", "missing (apt-get install git)")
        return
    with harness.recorder(work, "s3like") as s3like, harness.recorder(work, "other") as other:
        hosts = f"127.0.0.1:{s3like.port}"

        def ls_remote(rec, path, guarded):
            cmd = ["git", "-c", f"http.extraHeader={TRACEPARENT}", "-c", "http.extraHeader=b3: 80f198ee-e457b5a2-1",
                   "-c", "http.extraHeader=X-App: git", "ls-remote", f"http://127.0.0.1:{rec.port}{path}"]
            if guarded:
                cmd = [a.launcher, "--library", a.shim, "--hosts", hosts, "--log", "stderr", "--"] + cmd
            return run(cmd, env={"GIT_TERMINAL_PROMPT": "0", "HOME": work})

        for scenario, rec, path, guarded, expected in (
                ("git ls-remote, host in TRACESTRIP_HOSTS, without tracestrip (control)", s3like, "/plain.git",
                 False, "b3, traceparent"),
                ("git ls-remote, host in TRACESTRIP_HOSTS, under tracestrip-run", s3like, "/guarded.git",
                 True, "none"),
                ("git ls-remote, other host, under tracestrip-run", other, "/other.git", True, "b3, traceparent")):
            proc = ls_remote(rec, path, guarded)
            names = rec.header_names(path)
            if not names:
                observed = f"no request arrived (git exit {proc.returncode}: {proc.stderr.strip()[-200:]})"
            else:
                found = tracing_names(names)
                observed = ", ".join(found) if found else "none"
                if "x-app" not in names:
                    observed += " (x-app missing!)"
            res.row(f"{scenario}: tracing headers received", expected, observed, detail=proc.stderr[-600:])


# ---------------------------------------------------------------------------
# 6. Load order: {agent before, after tracestrip} x {agent reaches curl through
#    dlsym(RTLD_NEXT), through the PLT}

# Whether tracestrip sees (and removes) what the agent adds at perform time.
# After tracestrip, an agent's curl_easy_perform/curl_multi_add_handle hook
# runs once tracestrip has committed the request: whatever it adds then goes
# out. That is the same for an agent reaching curl by dlsym(RTLD_NEXT) and
# by its PLT; tracestrip-run's covering order puts the shim last.
LOAD_ORDER_EXPECT = {
    ("rtld_next", "before"): "covered",
    ("plt", "before"): "covered",
    ("rtld_next", "after"): "not covered",
    ("plt", "after"): "not covered",
}


def load_order_run(a, agent_kind, position, sign, endpoint_args, extra_env=None, layers="2"):
    agent = a.agent if agent_kind == "rtld_next" else a.plt_agent
    order = [agent, a.shim] if position == "before" else [a.shim, agent]
    env = {"LD_PRELOAD": " ".join(order), "DEMOAGENT_STYLE": "w3c", "DEMOAGENT_LAYERS": layers,
           "DEMOAGENT_LOG": "1", "PLT_AGENT_LOG": "1", "TRACESTRIP_LOG": "stderr"}
    env.update(extra_env or {})
    return run([a.uploader, *endpoint_args, "--sign", sign], env=env)


def group_load_order(a, res, work):
    data = make_file(work, "order.txt", 1500, "order")
    with harness.recorder(work) as rec, harness.moto_server(work) as moto:
        bucket = "order-bucket"
        moto.create_bucket(bucket)
        margs = ["--endpoint", moto.endpoint, "--bucket", bucket, "--access-key", moto.access_key,
                 "--secret-key", moto.secret_key, "--region", REGION, data]
        for agent_kind in ("rtld_next", "plt"):
            agent_name = "libdemoagent.so (RTLD_NEXT, layer 2)" if agent_kind == "rtld_next" else \
                "libpltagent.so (PLT)"
            for position in ("before", "after"):
                expected = LOAD_ORDER_EXPECT[(agent_kind, position)]
                for sign in ("curl", "app"):
                    label = f"{agent_name} {position} tracestrip, --sign {sign}"
                    # On the wire: the recorder, an S3 host by TRACESTRIP_HOSTS.
                    wire_bucket = f"wire-{agent_kind}-{position}-{sign}"
                    args = ["--endpoint", f"http://127.0.0.1:{rec.port}", "--bucket", wire_bucket,
                            "--access-key", moto.access_key, "--secret-key", moto.secret_key, "--region", REGION,
                            data]
                    proc = load_order_run(a, agent_kind, position, sign, args,
                                          {"TRACESTRIP_HOSTS": f"127.0.0.1:{rec.port}"})
                    puts = [e for e in rec.requests(f"/{wire_bucket}/") if e["method"] == "PUT"]
                    injected = "agent: layer" in proc.stderr or "pltagent: added" in proc.stderr
                    if not puts:
                        observed = "no PUT arrived"
                    else:
                        found = tracing_names(n.lower() for n, _ in puts[0]["headers"])
                        observed = "covered" if not found else "not covered"
                        if found:
                            observed += f" ({', '.join(found)} on the wire)"
                    if not injected:
                        observed += " (agent injected nothing)"
                    ok = observed.split(" (")[0] == expected and injected
                    res.row(f"{label}: tracing headers on an S3 PUT", expected, observed, ok=ok,
                            detail=proc.stdout[-600:] + proc.stderr[-1200:])
                    # Against moto: one copy of a header added at perform either is
                    # signed by curl as sent or is unsigned (ignored): no 403 - the
                    # headers leak, the signature holds.
                    proc = load_order_run(a, agent_kind, position, sign, margs)
                    res.row(f"{label}: moto verdict", SUCCESS, uploader_outcome(proc),
                            detail=proc.stdout[-600:] + proc.stderr[-600:])
        # The demo agent with both layers (a second copy at perform time): what
        # the uncovered order costs.
        for position, expected in (("before", SUCCESS), ("after", DENIED)):
            for sign in ("curl", "app"):
                for interface in ("easy", "multi"):
                    proc = load_order_run(a, "rtld_next", position, sign, margs + ["--interface", interface],
                                          layers="1,2")
                    res.row(f"libdemoagent.so (layers 1+2) {position} tracestrip, --sign {sign} --interface "
                            f"{interface}: moto verdict", expected, uploader_outcome(proc),
                            detail=proc.stdout[-600:] + proc.stderr[-600:])


def group_launcher_order(a, res, work):
    """What tracestrip-run and the shim are to do about a bad order (the shim
    preloaded before an agent that interposes curl): the launcher moves the
    shim to the end of LD_PRELOAD, and the shim warns once at start-up, naming
    the agent library."""
    data = make_file(work, "order.txt", 1500, "launcher")
    with harness.recorder(work) as rec:
        endpoint = ["--endpoint", f"http://127.0.0.1:{rec.port}", "--access-key", "AKIDEXAMPLE",
                    "--secret-key", "secret", "--region", REGION, data]
        for agent_kind, agent in (("rtld_next", a.agent), ("plt", a.plt_agent)):
            base = os.path.basename(agent)
            env = {"LD_PRELOAD": f"{a.shim} {agent}", "DEMOAGENT_STYLE": "w3c", "DEMOAGENT_LAYERS": "2"}
            # (c) the start-up warning, once, naming the library.
            proc = run([a.uploader, "--bucket", f"warn-{agent_kind}", "--sign", "curl", *endpoint], env=env)
            warnings = [l for l in proc.stderr.splitlines()
                        if l.startswith("tracestrip: warning:") and "interposes curl after tracestrip" in l]
            named = [l for l in warnings if base in l]
            observed = f"{len(warnings)} warning(s)" + (", naming " + base if named else "")
            res.row(f"LD_PRELOAD='tracestrip {base}': start-up warning on stderr",
                    f"1 warning(s), naming {base}", observed, detail=proc.stderr[-800:])
            # No warning in the covering order.
            env_ok = dict(env, LD_PRELOAD=f"{agent} {a.shim}")
            proc = run([a.uploader, "--bucket", f"nowarn-{agent_kind}", "--sign", "curl", *endpoint], env=env_ok)
            count = sum(1 for l in proc.stderr.splitlines() if "interposes curl after tracestrip" in l)
            res.row(f"LD_PRELOAD='{base} tracestrip': no start-up warning", "0 warning(s)", f"{count} warning(s)",
                    detail=proc.stderr[-800:])
            # (b) tracestrip-run moves an already-present shim to the end.
            proc = run([a.launcher, "--library", a.shim, "--", "sh", "-c", 'printf "%s\\n" "$LD_PRELOAD"'], env=env)
            seen = proc.stdout.strip().split()
            observed = " ".join(os.path.basename(p) for p in seen)
            res.row(f"tracestrip-run with LD_PRELOAD='tracestrip {base}': LD_PRELOAD the command sees",
                    f"{base} libtracestrip.so", observed)
            wire_bucket = f"launcher-{agent_kind}"
            proc = run([a.launcher, "--library", a.shim, "--", a.uploader, "--bucket", wire_bucket, "--sign", "curl",
                        *endpoint], env=dict(env, TRACESTRIP_HOSTS=f"127.0.0.1:{rec.port}"))
            puts = [e for e in rec.requests(f"/{wire_bucket}/") if e["method"] == "PUT"]
            found = tracing_names(n.lower() for n, _ in puts[0]["headers"]) if puts else None
            observed = "no PUT arrived" if found is None else ("covered" if not found else
                                                               f"not covered ({', '.join(found)} on the wire)")
            res.row(f"tracestrip-run with LD_PRELOAD='tracestrip {base}': tracing headers on an S3 PUT", "covered",
                    observed, detail=proc.stderr[-800:])
    # The uncovered order that does break signatures (demo agent, both layers),
    # mended by tracestrip-run's reordering.
    with harness.moto_server(work) as moto:
        moto.create_bucket("launcher-bucket")
        for sign in ("curl", "app"):
            env = {"LD_PRELOAD": f"{a.shim} {a.agent}", "DEMOAGENT_STYLE": "w3c", "DEMOAGENT_LAYERS": "1,2"}
            margs = ["--endpoint", moto.endpoint, "--bucket", "launcher-bucket", "--access-key", moto.access_key,
                     "--secret-key", moto.secret_key, "--region", REGION, "--sign", sign, data]
            proc = run([a.uploader, *margs], env=env)
            res.row(f"LD_PRELOAD='tracestrip libdemoagent.so' (layers 1+2), --sign {sign}: moto verdict", DENIED,
                    uploader_outcome(proc), detail=proc.stdout[-600:])
            proc = run([a.launcher, "--library", a.shim, "--", a.uploader, *margs], env=env)
            res.row(f"tracestrip-run with LD_PRELOAD='tracestrip libdemoagent.so' (layers 1+2), --sign {sign}: "
                    "moto verdict", SUCCESS, uploader_outcome(proc), detail=proc.stdout[-600:] + proc.stderr[-600:])


# ---------------------------------------------------------------------------
# The matrix

def peer_versions():
    """The versions of the peers on this machine (recorded in PEERS.md)."""
    def first(cmd, pattern):
        try:
            p = run(cmd, timeout=30)
            m = re.search(pattern, p.stdout + p.stderr)
            return m.group(1) if m else "?"
        except (OSError, Exception):  # noqa: BLE001
            return "missing"
    versions = {"curl": first(["curl", "--version"], r"^curl (\S+)"),
                "libcurl-gnutls (pycurl)": first(["/usr/bin/python3", "-c", "import pycurl; print(pycurl.version)"],
                                                 r"PycURL/(\S+ libcurl/\S+)")}
    try:
        import boto3
        import moto
        versions["moto"] = moto.__version__
        versions["boto3"] = boto3.__version__
    except ImportError:
        versions["moto"] = "missing"
    versions["nginx"] = first([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], r"nginx/(\S+)")
    versions["php"] = first(["php", "-r", "echo PHP_VERSION, ' curl ', curl_version()['version'];"], r"(.+)")
    versions["git"] = first(["git", "--version"], r"git version (\S+)")
    return versions


def print_matrix(results_dir, groups, table_path=None):
    lines = []

    def print(text=""):  # noqa: A001 - tee: stdout and the table file
        lines.append(text)
        sys.stdout.write(text + "\n")

    try:
        return _matrix(results_dir, groups, print)
    finally:
        if table_path:
            with open(table_path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")


def _matrix(results_dir, groups, print):
    import json
    # integration.reset empties the results: no file means the group was not
    # selected this run (ctest -R); an empty file means it ran and recorded nothing.
    rows, missing, skipped = [], [], []
    for g in groups:
        path = os.path.join(results_dir, f"{g}.jsonl")
        if not os.path.exists(path):
            skipped.append(g)
            continue
        if os.path.getsize(path) == 0:
            missing.append(g)
            continue
        rows.extend(json.loads(l) for l in open(path, encoding="utf-8") if l.strip())
    w1 = min(max([len(r["scenario"]) for r in rows] + [8]), 110)
    w2 = min(max([len(r["expected"]) for r in rows] + [8]), 56)
    print("\nPeers: " + "; ".join(f"{k} {v}" for k, v in peer_versions().items()))
    print("\nIntegration matrix: scenario x expected x observed\n")
    print(f"{'':4} {'scenario':<{w1}}  {'expected':<{w2}}  observed")
    current = None
    for r in rows:
        if r["group"] != current:
            current = r["group"]
            print(f"-- {current} " + "-" * max(0, w1 + w2 - len(current)))
        mark = "ok" if r["ok"] else "FAIL"
        print(f"{mark:4} {r['scenario']:<{w1}}  {r['expected']:<{w2}}  {r['observed']}")
    for g in missing:
        print(f"FAIL group {g}: ran but recorded no rows")
    for g in skipped:
        print(f"--   group {g}: not run this time")
    bad = [r for r in rows if not r["ok"]]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} rows as expected; {len(bad)} not; "
          f"{len(missing)} group(s) without rows; {len(skipped)} not run")
    return 1 if bad or missing or not rows else 0


GROUPS = {
    "moto_uploader": group_moto_uploader,
    "sidecar": group_sidecar,
    "curl_cli": group_curl_cli,
    "pycurl": group_pycurl,
    "php": group_php,
    "git": group_git,
    "load_order": group_load_order,
    "launcher_order": group_launcher_order,
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("group", choices=sorted(GROUPS) + ["matrix"])
    p.add_argument("--results", required=True)
    p.add_argument("--table", help="matrix: also write the table to this file")
    for opt in ("shim", "launcher", "agent", "uploader", "plt-agent"):
        p.add_argument(f"--{opt}")
    a = p.parse_args()
    if a.group == "matrix":
        return print_matrix(a.results, list(GROUPS), a.table)
    for opt in ("shim", "launcher", "agent", "uploader", "plt_agent"):
        value = getattr(a, opt)
        if not value or not os.path.exists(value):
            print(f"integration.py: --{opt.replace('_', '-')} {value!r} does not exist", file=sys.stderr)
            return 2
    res = Results(a.results, a.group)
    with harness.workdir(a.group) as work:
        try:
            GROUPS[a.group](a, res, work)
        except Exception as err:  # noqa: BLE001 - a row, then a failing exit status
            traceback.print_exc()
            res.error(f"{a.group} driver", err)
    return res.exit_code()


if __name__ == "__main__":
    sys.exit(main())
