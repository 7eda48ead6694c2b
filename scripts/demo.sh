#!/usr/bin/env bash
# demo.sh - an APM agent breaks SigV4-signed S3 uploads; tracestrip mends them.
#
# For each way of signing (libcurl's CURLOPT_AWS_SIGV4, then the program's
# own SigV4 code) it runs the same upload three times against a local S3
# endpoint that verifies signatures as S3 does:
#   1. s3-legacy-upload alone                          -> succeeds
#   2. under the demo APM agent (libdemoagent.so)      -> 403 SignatureDoesNotMatch
#   3. under the agent and tracestrip (tracestrip-run) -> succeeds again
# and exits 0 only if every step had that outcome.
#
# Usage: scripts/demo.sh [--server checkpoint|moto] [--sign curl|app|both]
#                        [--step 1|2|3|all] [--style pinpoint|w3c|b3|datadog|all]
#                        [--interface easy|multi] [--build-dir DIR] [--no-install]
#                        [--no-build --agent SO --uploader EXE --launcher EXE
#                         --shim SO [--checkpoint EXE]]
#
# Without --no-build it installs missing Debian packages, then configures and
# builds in build-demo/. The server listens on 127.0.0.1 on a free port and
# is stopped on exit. Exit status: 0 every step as expected, 1 not, 2 usage
# or setup error, 77 moto unavailable (ctest counts it as skipped).
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER=checkpoint
SIGN_MODES=(curl app)
STEPS=(1 2 3)
STYLE=pinpoint
INTERFACE=easy
BUILD_DIR=$ROOT/build-demo
DO_BUILD=1
DO_INSTALL=1
AGENT= UPLOADER= LAUNCHER= SHIM= CHECKPOINT=

# Demo credentials: the checkpoint is told them; moto issues its own.
REGION=us-east-1
BUCKET=demo-uploads
ACCESS_KEY=AKIADEMOTRACESTRIP01
SECRET_KEY=demo/secret/key/not/a/real/one/0123456

WORK= SERVER_PID= ENDPOINT= PY=

usage() {
  sed -n '2,/^set -u/p' "${BASH_SOURCE[0]}" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'
}

die() {
  echo "demo.sh: $*" >&2
  exit 2
}

say() {
  printf '%s\n' "$*"
}

# Prints a file with a prefix on every line, for output of other programs.
show() {
  local prefix=$1 file=$2
  [ -s "$file" ] && sed "s/^/$prefix/" "$file"
  return 0
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --server) SERVER=${2:?}; shift ;;
      --sign)
        case ${2:?} in
          both) SIGN_MODES=(curl app) ;;
          curl | app) SIGN_MODES=("$2") ;;
          *) die "--sign is curl, app or both" ;;
        esac
        shift ;;
      --step)
        case ${2:?} in
          all) STEPS=(1 2 3) ;;
          1 | 2 | 3) STEPS=("$2") ;;
          *) die "--step is 1, 2, 3 or all" ;;
        esac
        shift ;;
      --style) STYLE=${2:?}; shift ;;
      --interface) INTERFACE=${2:?}; shift ;;
      --build-dir) BUILD_DIR=${2:?}; shift ;;
      --no-install) DO_INSTALL=0 ;;
      --no-build) DO_BUILD=0; DO_INSTALL=0 ;;
      --agent) AGENT=${2:?}; shift ;;
      --uploader) UPLOADER=${2:?}; shift ;;
      --launcher) LAUNCHER=${2:?}; shift ;;
      --shim) SHIM=${2:?}; shift ;;
      --checkpoint) CHECKPOINT=${2:?}; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument '$1' (try --help)" ;;
    esac
    shift
  done
  case $SERVER in checkpoint | moto) ;; *) die "--server is checkpoint or moto" ;; esac
  case $INTERFACE in easy | multi) ;; *) die "--interface is easy or multi" ;; esac
}

# ---------------------------------------------------------------------------
# Packages and build

package_missing() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" != "install ok installed" ]
}

install_packages() {
  local wanted=(cmake make g++ pkg-config libcurl4-openssl-dev libcpp-httplib-dev libssl-dev)
  local missing=() p
  for p in "${wanted[@]}"; do
    package_missing "$p" && missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing missing packages: ${missing[*]}"
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=sudo
  fi
  $sudo apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >/dev/null || die "apt-get install failed for: ${missing[*]}"
}

build() {
  local targets=(demoagent s3-legacy-upload tracestrip tracestrip-run)
  [ "$SERVER" = checkpoint ] && targets+=(tracestrip-checkpoint)
  say "Building ${targets[*]} in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DTRACESTRIP_BUILD_TESTS=OFF >"$WORK/cmake.log" 2>&1 &&
    cmake --build "$BUILD_DIR" -j2 --target "${targets[@]}" >>"$WORK/cmake.log" 2>&1 || {
    tail -n 30 "$WORK/cmake.log" >&2
    die "the build failed (log above)"
  }
  AGENT=${AGENT:-$BUILD_DIR/src/demoagent/libdemoagent.so}
  UPLOADER=${UPLOADER:-$BUILD_DIR/src/uploader/s3-legacy-upload}
  LAUNCHER=${LAUNCHER:-$BUILD_DIR/src/launcher/tracestrip-run}
  SHIM=${SHIM:-$BUILD_DIR/src/shim/libtracestrip.so}
  CHECKPOINT=${CHECKPOINT:-$BUILD_DIR/src/checkpoint/tracestrip-checkpoint}
}

check_programs() {
  [ -f "$AGENT" ] || die "no agent library at '$AGENT'"
  [ -x "$UPLOADER" ] || die "no uploader at '$UPLOADER'"
  [ -x "$LAUNCHER" ] || die "no tracestrip-run at '$LAUNCHER'"
  [ -f "$SHIM" ] || die "no libtracestrip.so at '$SHIM'"
  if [ "$SERVER" = checkpoint ]; then
    [ -x "$CHECKPOINT" ] || die "no tracestrip-checkpoint at '$CHECKPOINT'"
  fi
}

# ---------------------------------------------------------------------------
# Servers, on 127.0.0.1 only

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
  fi
}

cleanup() {
  stop_server
  [ -n "$WORK" ] && rm -rf "$WORK"
}

start_checkpoint() {
  "$CHECKPOINT" --port 0 --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
    --region "$REGION" --data-dir "$WORK/data" >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  local port= i
  for i in $(seq 100); do
    port=$(sed -n '1s/^listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$WORK/server.out")
    [ -n "$port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    cat "$WORK/server.err" >&2
    die "tracestrip-checkpoint did not start"
  fi
  ENDPOINT=http://127.0.0.1:$port
  say "Started tracestrip-checkpoint (S3 signature checks) at $ENDPOINT"
}

# A Python that has moto and boto3 (Debian does not package moto).
find_moto_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c 'import moto.server, boto3' 2>/dev/null; then
      PY=$py
      return 0
    fi
  done
  echo "demo.sh: --server moto needs a python3 with moto and boto3 (pip install 'moto[server]' boto3)" >&2
  exit 77 # "skipped" for ctest
}

# moto checks SigV4 once its first N requests (no auth) are used up: those
# create an IAM user, its access key and an allow-all policy.
start_moto() {
  find_moto_python
  local port
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  INITIAL_NO_AUTH_ACTION_COUNT=3 "$PY" -m moto.server -H 127.0.0.1 -p "$port" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  ENDPOINT=http://127.0.0.1:$port
  local keys
  keys=$("$PY" - "$port" <<'PYTHON'
import json, socket, sys, time
import boto3
port = int(sys.argv[1])
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        break
    except OSError:
        time.sleep(0.1)
iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="demo")
key = iam.create_access_key(UserName="demo")["AccessKey"]
policy = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
iam.put_user_policy(UserName="demo", PolicyName="allow-all", PolicyDocument=json.dumps(policy))
print(key["AccessKeyId"], key["SecretAccessKey"])
PYTHON
  ) || {
    cat "$WORK/server.err" >&2
    die "moto_server did not start or refused the IAM setup"
  }
  read -r ACCESS_KEY SECRET_KEY <<<"$keys"
  say "Started moto_server (botocore's SigV4 checks) at $ENDPOINT with IAM user 'demo'"
}

# ---------------------------------------------------------------------------
# The steps

# The header-name prefix that shows the agent's work, per style.
agent_marker() {
  case $STYLE in
    w3c) echo traceparent ;;
    b3) echo x-b3- ;;
    datadog) echo x-datadog- ;;
    *) echo pinpoint- ;;
  esac
}

# Runs the uploader with the given command prefix; stdout and stderr are kept
# in $WORK/out and $WORK/err, the exit status in RC.
upload() {
  local extra=()
  [ "$CREATE_BUCKET" = 1 ] && extra+=(--create-bucket)
  "$@" "$UPLOADER" --endpoint "$ENDPOINT" --region "$REGION" --bucket "$BUCKET" \
    --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" --sign "$SIGN" \
    --interface "$INTERFACE" --meta department=billing "${extra[@]}" \
    "$WORK/invoice-scan.png" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}

# What the agent logged (DEMOAGENT_LOG=1), in one sentence.
summarize_agent() {
  local l1 l2 refused
  l1=$(grep -c '^demoagent: layer 1 .* added' "$WORK/err")
  l2=$(grep -c '^demoagent: layer 2 .* added' "$WORK/err")
  refused=$(grep -c '^demoagent: .* was refused' "$WORK/err")
  say "  The agent added $l1 header(s) while the program built its header lists (layer 1)"
  say "  and $l2 when transfers started (layer 2); $refused more addition(s) were refused."
}

step_alone() {
  say "  Command: s3-legacy-upload --sign $SIGN ... (no agent)"
  upload env
  show "  | " "$WORK/out"
  show "  ! " "$WORK/err"
  if [ $RC -eq 0 ] && grep -q '^result: upload verified' "$WORK/out"; then
    say "  => As expected: nothing touched the headers, so the server computed the same"
    say "     signature as the signer; the upload succeeded and read back identical."
    return 0
  fi
  say "  => UNEXPECTED: the plain upload should succeed (exit status $RC)."
  return 1
}

step_agent() {
  say "  Command: LD_PRELOAD=libdemoagent.so s3-legacy-upload --sign $SIGN ..."
  upload env LD_PRELOAD="$AGENT" DEMOAGENT_STYLE="$STYLE" DEMOAGENT_LOG=1
  show "  | " "$WORK/out"
  summarize_agent
  local marker
  marker=$(agent_marker)
  if grep -q '^demoagent' "$WORK/out"; then
    say "  => UNEXPECTED: the agent wrote to the program's standard output."
    return 1
  fi
  if [ $RC -eq 0 ] || ! grep -q 'HTTP 403 SignatureDoesNotMatch' "$WORK/out"; then
    say "  => UNEXPECTED: with the agent the upload should fail with 403"
    say "     SignatureDoesNotMatch (exit status $RC)."
    return 1
  fi
  local where="the request as sent (above)"
  if grep -q '^  server CanonicalRequest:' "$WORK/out"; then
    # (No pipe into grep -q: with pipefail its early exit would fail the test.)
    # A repeated header is one canonical line, its values joined with ','.
    if ! grep -qi "^    $marker[^:]*:.*," <(sed -n '/^  server CanonicalRequest:/,/^  [a-z]/p' "$WORK/out"); then
      say "  => UNEXPECTED: the server's canonical request does not show the agent's $marker"
      say "     headers repeated."
      return 1
    fi
    where="the server's canonical request (above)"
  elif [ -z "$(grep -i "^    $marker" "$WORK/out" | cut -d: -f1 | sort -f | uniq -di)" ]; then
    say "  => UNEXPECTED: the request as sent does not show the agent's $marker headers repeated."
    return 1
  fi
  say "  => As expected: 403 SignatureDoesNotMatch; $where"
  say "     shows the agent's $marker* headers twice, with different values."
  if [ "$SIGN" = curl ]; then
    say "     libcurl signed both copies, but curl 7.88 signs a repeated header as separate"
    say "     lines while S3 joins the values with ',' - so the two sides hash different"
    say "     canonical requests."
  else
    say "     The program signed its list with the agent's first copy in it; the agent"
    say "     appended the second copy after signing, so the server (joining repeated"
    say "     values with ',') hashes values the program never signed."
  fi
  return 0
}

step_guarded() {
  say "  Command: LD_PRELOAD=libdemoagent.so tracestrip-run --log stderr -- s3-legacy-upload --sign $SIGN ..."
  # --library: the shim of this very build, whatever else is installed.
  upload env LD_PRELOAD="$AGENT" DEMOAGENT_STYLE="$STYLE" DEMOAGENT_LOG=1 \
    "$LAUNCHER" --library "$SHIM" --log stderr --
  show "  | " "$WORK/out"
  summarize_agent
  grep -v '^demoagent: ' "$WORK/err" >"$WORK/guard-log"
  if [ -s "$WORK/guard-log" ]; then
    say "  tracestrip's log (stderr):"
    show "  ! " "$WORK/guard-log"
  fi
  if [ $RC -ne 0 ] || ! grep -q '^result: upload verified' "$WORK/out"; then
    say "  => UNEXPECTED: with tracestrip the upload should succeed (exit status $RC)."
    return 1
  fi
  local marker stripped refused kept
  marker=$(agent_marker)
  if ! grep -qi "^{.*\"action\".*\"$marker" "$WORK/guard-log"; then
    say "  => UNEXPECTED: the upload succeeded but tracestrip logged nothing about the"
    say "     agent's $marker* headers."
    return 1
  fi
  stripped=$(grep -c '"action":"strip"' "$WORK/guard-log")
  refused=$(grep -c '"action":"append-refused"' "$WORK/guard-log")
  kept=$(grep -c '"action":"kept-signed"' "$WORK/guard-log")
  say "  => As expected: the agent still ran, and the upload succeeded. tracestrip:"
  if [ "$stripped" -gt 0 ]; then
    say "     - removed the agent's headers before the request was signed ($stripped request(s))"
  fi
  if [ "$refused" -gt 0 ]; then
    say "     - refused $refused attempt(s) by the agent to add a header to a list that was"
    say "       already set up for signing"
  fi
  if [ "$kept" -gt 0 ]; then
    say "     - left alone the agent's headers that the program had signed itself, since"
    say "       removing them would break that signature ($kept request(s))"
  fi
  return 0
}

run_step() {
  case $1 in
    1) step_alone ;;
    2) step_agent ;;
    3) step_guarded ;;
  esac
}

step_title() {
  case $1 in
    1) echo "the uploader alone" ;;
    2) echo "under the demo APM agent" ;;
    3) echo "under the agent and tracestrip" ;;
  esac
}

sign_title() {
  case $1 in
    curl) echo "libcurl signs (CURLOPT_AWS_SIGV4)" ;;
    app) echo "the program signs its own header list (SigV4 library)" ;;
  esac
}

main() {
  parse_args "$@"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tracestrip-demo.XXXXXX") || die "mktemp failed"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  [ "$DO_INSTALL" = 1 ] && install_packages
  if [ "$DO_BUILD" = 1 ]; then
    build
  fi
  check_programs
  head -c 4096 /dev/urandom >"$WORK/invoice-scan.png"

  if [ "$SERVER" = moto ]; then start_moto; else start_checkpoint; fi

  local passed=0 failed=0 sign step
  for sign in "${SIGN_MODES[@]}"; do
    SIGN=$sign
    say ""
    say "=== Signing: $(sign_title "$sign") ==="
    # Step 1 creates the bucket; a step run alone creates it quietly first.
    CREATE_BUCKET=1
    if [ "${STEPS[0]}" != 1 ]; then
      upload env
      [ $RC -eq 0 ] || { show "  | " "$WORK/out"; die "could not create bucket $BUCKET"; }
      CREATE_BUCKET=0
    fi
    for step in "${STEPS[@]}"; do
      say ""
      say "--- Step $step ($sign): $(step_title "$step") ---"
      if run_step "$step"; then
        passed=$((passed + 1))
      else
        failed=$((failed + 1))
      fi
      CREATE_BUCKET=0
    done
  done

  say ""
  say "Summary: $passed step(s) as expected, $failed not, against $SERVER."
  say "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

main "$@"
