"""Shared by the integration drivers: servers on 127.0.0.1 with free ports
(moto_server, nginx, the guard's recording server), always stopped, and the
results rows that integration.matrix prints.

Every server is started by a context manager, so it is stopped (and waited
for) however the driver ends."""
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDER = os.path.join(HERE, "..", "guard", "scripts", "record_server.py")
REGION = "us-east-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def workdir(prefix):
    path = tempfile.mkdtemp(prefix=f"tracestrip-int-{prefix}.")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Moto:
    """moto_server checking SigV4: its first 3 requests (no auth) create an IAM
    user, its access key and an allow-all policy; every later one is checked."""

    def __init__(self, port, access_key, secret_key):
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.access_key = access_key
        self.secret_key = secret_key

    def s3(self):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=Config(s3={"addressing_style": "path"}))

    def create_bucket(self, name):
        self.s3().create_bucket(Bucket=name)


@contextlib.contextmanager
def moto_server(work):
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as err:
        raise RuntimeError(f"{sys.executable} lacks moto[server]/boto3 ({err}); "
                           "pip install 'moto[server]' boto3") from err
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
    env.pop("LD_PRELOAD", None)
    for attempt in range(3):  # another test may take the free port first
        port = free_port()
        log = open(os.path.join(work, f"moto-{port}.log"), "wb")
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for_port(port, proc, "moto_server", 60)
            break
        except RuntimeError:
            stop(proc)
            log.close()
            sys.stderr.write(open(os.path.join(work, f"moto-{port}.log"), errors="replace").read()[-2000:])
            if attempt == 2:
                raise
    try:
        import boto3
        iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION,
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="integration")
        key = iam.create_access_key(UserName="integration")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName="integration", PolicyName="allow-all", PolicyDocument=json.dumps(policy))
        yield Moto(port, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        stop(proc)
        log.close()


NGINX_CONF = """\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {work}/access.log;
  client_body_temp_path {work}/client_body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  client_max_body_size 16m;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      # What Envoy/Istio-style sidecars do: a new span, so new trace values.
      proxy_set_header traceparent "00-5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e-00f067aa0ba902b7-01";
      proxy_set_header x-b3-spanid "00f067aa0ba902b7";
    }}
  }}
}}
"""


@contextlib.contextmanager
def nginx_sidecar(work, upstream_port):
    """nginx in the foreground (daemon off), its own prefix, config, pid, logs
    and temp dirs under `work`; a reverse proxy to upstream_port that sets
    traceparent and x-b3-spanid to new values."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not nginx:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    prefix = os.path.join(work, "nginx")
    os.makedirs(prefix, exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    for attempt in range(3):  # another test may take the free port first
        port = free_port()
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(work=prefix, port=port, upstream=upstream_port))
        out = open(os.path.join(prefix, "stderr.log"), "wb")
        proc = subprocess.Popen([nginx, "-p", prefix + "/", "-e", os.path.join(prefix, "error.log"), "-c", conf,
                                 "-g", "daemon off; master_process off;"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for_port(port, proc, "nginx", 20)
            break
        except RuntimeError:
            stop(proc)
            out.close()
            for name in ("stderr.log", "error.log"):
                path = os.path.join(prefix, name)
                if os.path.exists(path):
                    sys.stderr.write(open(path, errors="replace").read())
            if attempt == 2:
                raise
    try:
        yield port
    finally:
        stop(proc)
        out.close()


class Recorder:
    def __init__(self, port, records):
        self.port = port
        self.records = records

    def requests(self, path_prefix=""):
        out = []
        if os.path.exists(self.records):
            for line in open(self.records, encoding="utf-8"):
                entry = json.loads(line)
                if entry["path"].startswith(path_prefix):
                    out.append(entry)
        return out

    def header_names(self, path_prefix):
        """Lower-cased header names of every request whose path starts so."""
        names = []
        for entry in self.requests(path_prefix):
            names.extend(name.lower() for name, _ in entry["headers"])
        return names


@contextlib.contextmanager
def recorder(work, name="records"):
    """The guard's recording server (answers 200, one JSON line per request)."""
    records = os.path.join(work, f"{name}.jsonl")
    open(records, "w").close()
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    proc = subprocess.Popen([sys.executable, RECORDER, records], stdout=subprocess.PIPE, env=env, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError("the recording server did not start")
        yield Recorder(int(line), records)
    finally:
        stop(proc)
        proc.stdout.close()


def run(cmd, env=None, timeout=120, cwd=None):
    """Runs cmd; returns CompletedProcess with text stdout/stderr."""
    full = dict(os.environ)
    full.pop("LD_PRELOAD", None)
    full.update(env or {})
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          errors="replace")


TRACING_PREFIXES = ("traceparent", "tracestate", "baggage", "b3", "x-b3-", "pinpoint-", "x-datadog-",
                    "sw8", "uber-trace-id", "newrelic")


def tracing_names(names):
    return sorted({n for n in names if n.startswith(TRACING_PREFIXES)})


class Results:
    """Rows scenario x expected x observed for one group, written as JSON lines
    to RESULTS_DIR/<group>.jsonl for integration.matrix; also printed."""

    def __init__(self, results_dir, group):
        os.makedirs(results_dir, exist_ok=True)
        self.path = os.path.join(results_dir, f"{group}.jsonl")
        self.group = group
        self.rows = []
        open(self.path, "w").close()

    def row(self, scenario, expected, observed, ok=None, detail=""):
        if ok is None:
            ok = expected == observed
        entry = {"group": self.group, "scenario": scenario, "expected": expected, "observed": observed,
                 "ok": bool(ok), "detail": detail}
        self.rows.append(entry)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        mark = "ok  " if ok else "FAIL"
        print(f"[{mark}] {scenario}: expected {expected}; observed {observed}", flush=True)
        if detail and not ok:
            print("       " + detail.replace("\n", "\n       "), flush=True)
        return ok

    def error(self, scenario, err):
        return self.row(scenario, "runs", f"error: {err}", ok=False)

    def exit_code(self):
        failed = [r for r in self.rows if not r["ok"]]
        print(f"{self.group}: {len(self.rows) - len(failed)} row(s) as expected, {len(failed)} not", flush=True)
        return 1 if failed or not self.rows else 0
