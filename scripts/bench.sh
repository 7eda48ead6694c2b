#!/usr/bin/env bash
# tracestrip's benchmark (issue 5): one command, one run, every configuration
# side by side. Installs what is missing, builds a Release tree of its own,
# runs the microbenchmarks, then a libcurl keep-alive client against nginx on
# loopback in five configurations, interleaved and repeated:
#   a plain   b tracestrip   c demo agent   d agent + tracestrip
#   e agent through an nginx proxy that strips the tracing headers (sidecar)
# then process start-up with/without the shim, 1,000,000 curl_easy_init/
# cleanup cycles under the shim with RSS sampled, and callgrind instructions
# per request with and without the shim. Prints a table at the end.
#
# Settings (environment): BENCH_N (requests per run, 20000), BENCH_ROUNDS (7),
# BENCH_CHURN (1000000), BENCH_SPAWNS (400), BENCH_BUILD_DIR (build-perf),
# BENCH_MICRO=0 skips the microbenchmarks, BENCH_CALLGRIND=0 skips callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

N=${BENCH_N:-20000}
ROUNDS=${BENCH_ROUNDS:-7}
CHURN=${BENCH_CHURN:-1000000}
SPAWNS=${BENCH_SPAWNS:-400}
BUILD=${BENCH_BUILD_DIR:-build-perf}
JOBS=${TRACESTRIP_JOBS:-2}
started=$(date +%s)

# -- What it needs ------------------------------------------------------------
scripts/install-deps.sh build
missing=()
for package in nginx-light libbenchmark-dev valgrind python3; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
# python3 may come from elsewhere (pyenv); nginx may be another flavour.
if command -v python3 >/dev/null; then missing=("${missing[@]/python3}"); fi
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then missing=("${missing[@]/nginx-light}"); fi
read -r -a missing <<<"${missing[*]:-}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "== Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# -- Build ------------------------------------------------------------------------
echo "== Build ($BUILD, Release)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTRACESTRIP_BUILD_TESTS=OFF -DTRACESTRIP_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target tracestrip demoagent tracestrip_microbench tracestrip_bench_client \
  >"$BUILD/bench-build.log" 2>&1 || { tail -40 "$BUILD/bench-build.log"; exit 1; }
SHIM=$root/$BUILD/src/shim/libtracestrip.so
AGENT=$root/$BUILD/src/demoagent/libdemoagent.so
CLIENT=$root/$BUILD/bench/tracestrip_bench_client
MICRO=$root/$BUILD/bench/tracestrip_microbench

work=$(mktemp -d /tmp/tracestrip-bench.XXXXXX)
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -r)"
echo "   curl $(curl-config --version 2>/dev/null | cut -d' ' -f2 || echo '?'), nginx $("$NGINX" -v 2>&1 | sed 's|.*/||')"

# -- Microbenchmarks ------------------------------------------------------------------
if [ "${BENCH_MICRO:-1}" != 0 ]; then
  echo "== Microbenchmarks (Google Benchmark; CPU time, median of 5 repetitions)"
  "$MICRO" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.1 \
    --benchmark_color=false 2>&1 | grep -v '_mean\|_stddev\|_cv' | tee "$work/micro.txt"
fi

# -- nginx on loopback: an origin serving a small body from memory, and a
#    proxy in front of it that strips tracing headers (the sidecar). -------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
origin_port=$(free_port)
proxy_port=$(free_port)
mkdir -p "$work/nginx/tmp"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
strip=""
for name in traceparent tracestate baggage b3 X-B3-TraceId X-B3-SpanId X-B3-ParentSpanId X-B3-Sampled \
            Pinpoint-TraceID Pinpoint-SpanID Pinpoint-pSpanID Pinpoint-Flags Pinpoint-pAppName Pinpoint-pAppType \
            Pinpoint-Host x-datadog-trace-id x-datadog-parent-id x-datadog-sampling-priority x-datadog-tags sw8; do
  strip+="      proxy_set_header $name \"\";"$'\n'
done
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  large_client_header_buffers 8 16k;
  server {
    listen 127.0.0.1:$origin_port;
    location / { return 200 "tracestrip bench: small body served from memory\n"; }
    location = /probe { return 200 "traceparent=[\$http_traceparent] pinpoint-spanid=[\$http_pinpoint_spanid] x-app-header-0=[\$http_x_app_header_0]\n"; }
  }
  upstream origin { server 127.0.0.1:$origin_port; keepalive 8; }
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
$strip    }
  }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!

host=bench-bucket.s3.us-east-1.amazonaws.com   # an S3 host name, so the shim really filters
url_direct="http://$host:$origin_port/photos/cat.jpg"
url_proxy="http://$host:$proxy_port/photos/cat.jpg"
resolve_direct="$host:$origin_port:127.0.0.1"
resolve_proxy="$host:$proxy_port:127.0.0.1"
for _ in $(seq 1 50); do
  "$CLIENT" probe --url "http://$host:$origin_port/probe" --resolve "$resolve_direct" >/dev/null 2>&1 && break
  sleep 0.1
done

# Each configuration: the environment and the URL.
run_config() {  # name, extra client args...
  local name=$1
  shift
  case $name in
  a) env -u LD_PRELOAD "$CLIENT" "$@" --url "$url_direct" --resolve "$resolve_direct" ;;
  b) env LD_PRELOAD="$SHIM" "$CLIENT" "$@" --url "$url_direct" --resolve "$resolve_direct" ;;
  c) env LD_PRELOAD="$AGENT" "$CLIENT" "$@" --url "$url_direct" --resolve "$resolve_direct" ;;
  d) env LD_PRELOAD="$AGENT $SHIM" "$CLIENT" "$@" --url "$url_direct" --resolve "$resolve_direct" ;;
  e) env LD_PRELOAD="$AGENT" "$CLIENT" "$@" --url "$url_proxy" --resolve "$resolve_proxy" ;;
  esac
}

echo "== What arrives at the origin (one probe request per configuration, 16 app headers)"
for c in a b c d e; do
  case $c in e) u="http://$host:$proxy_port/probe"; r=$resolve_proxy ;; *) u="http://$host:$origin_port/probe"; r=$resolve_direct ;; esac
  case $c in a) pre="" ;; b) pre=$SHIM ;; c|e) pre=$AGENT ;; d) pre="$AGENT $SHIM" ;; esac
  printf '   %s: ' "$c"
  env LD_PRELOAD="$pre" "$CLIENT" probe --url "$u" --resolve "$r" --headers 16
done

echo "== Keep-alive loop: $N requests per run, 16 application headers built per request, $ROUNDS rounds, configurations interleaved"
: >"$work/loop.txt"
for round in $(seq 1 "$ROUNDS"); do
  for c in a b c d e; do
    line=$(run_config "$c" loop --n "$N" --headers 16)
    echo "config=$c round=$round $line" | tee -a "$work/loop.txt" | sed 's/^/   /'
  done
done

echo "== Process start-up: /bin/true, $SPAWNS runs each, with and without LD_PRELOAD=libtracestrip.so, interleaved"
"$CLIENT" spawn --n "$SPAWNS" --preload "$SHIM" --cmd /bin/true | tee "$work/spawn.txt" | sed 's/^/   /'

echo "== Process start-up counted: instructions of /bin/true under callgrind, with and without the shim"
if [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
  for preload in none shim; do
    pre=""
    [ $preload = shim ] && pre=$SHIM
    env LD_PRELOAD="$pre" valgrind --tool=callgrind --callgrind-out-file="$work/cgstart.$preload" /bin/true 2>/dev/null
    echo "preload=$preload ir=$(grep -E '^(totals|summary):' "$work/cgstart.$preload" | tail -1 | awk '{print $2}')"
  done | tee "$work/startup-ir.txt" | sed 's/^/   /'
fi

echo "== Handle churn: $CHURN curl_easy_init/curl_easy_cleanup, without and with the shim (RSS KiB sampled 10 times)"
env -u LD_PRELOAD "$CLIENT" churn --n "$CHURN" --samples 10 | sed 's/^/   without: /'
env LD_PRELOAD="$SHIM" "$CLIENT" churn --n "$CHURN" --samples 10 | tee "$work/churn.txt" | sed 's/^/   with:    /'

if [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
  echo "== callgrind: instructions per request, 20 headers (4 tracing) set once, S3-bound (filtered on every perform)"
  : >"$work/callgrind.txt"
  for preload in none shim; do
    for n in 200 1200; do
      pre=""
      [ $preload = shim ] && pre=$SHIM
      env LD_PRELOAD="$pre" valgrind --tool=callgrind --callgrind-out-file="$work/cg.$preload.$n" \
        "$CLIENT" loop --n "$n" --warmup 0 --headers 20 --tracing 4 --static-list \
        --url "$url_direct" --resolve "$resolve_direct" >/dev/null 2>"$work/cg.$preload.$n.log"
      ir=$(grep -E '^(totals|summary):' "$work/cg.$preload.$n" | tail -1 | awk '{print $2}')
      # The shim's own work at each commit: guard_transfer, inclusive.
      guard=$(callgrind_annotate --inclusive=yes --threshold=100 "$work/cg.$preload.$n" 2>/dev/null |
              awk '/tracestrip::shim::guard_transfer/ && !seen {gsub(",", "", $1); print $1; seen = 1}' || true)
      echo "preload=$preload n=$n ir=$ir guard_ir=${guard:-0}" | tee -a "$work/callgrind.txt" | sed 's/^/   /'

    done
  done
  echo "== callgrind: instructions per request of the throughput loop (16 app headers built per request), configurations a-d"
  : >"$work/callgrind-configs.txt"
  for c in a b c d; do
    for n in 100 600; do
      case $c in a) pre="" ;; b) pre=$SHIM ;; c) pre=$AGENT ;; d) pre="$AGENT $SHIM" ;; esac
      env LD_PRELOAD="$pre" valgrind --tool=callgrind --callgrind-out-file="$work/cgc.$c.$n" \
        "$CLIENT" loop --n "$n" --warmup 0 --headers 16 --url "$url_direct" --resolve "$resolve_direct" >/dev/null 2>&1
      ir=$(grep -E '^(totals|summary):' "$work/cgc.$c.$n" | tail -1 | awk '{print $2}')
      echo "config=$c n=$n ir=$ir" | tee -a "$work/callgrind-configs.txt" | sed 's/^/   /'
    done
  done
fi

# -- The table -----------------------------------------------------------------------
python3 - "$work" "$N" "$ROUNDS" <<'PY'
import re, statistics, sys, os
work, n, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
def kv(line):
    return dict(re.findall(r'(\w+)=([^\s]+)', line))
runs = {}
for line in open(os.path.join(work, 'loop.txt')):
    d = kv(line)
    runs.setdefault(d['config'], []).append(d)
med = lambda c, k: statistics.median(float(r[k]) for r in runs[c])
names = {'a': 'plain', 'b': 'tracestrip', 'c': 'demo agent', 'd': 'agent + tracestrip', 'e': 'agent via stripping proxy'}
print("\n== Results (median of %s rounds of %s keep-alive requests)" % (rounds, n))
print("%-28s %10s %9s %9s %9s %12s %7s" % ("configuration", "req/s", "p50 us", "p90 us", "p99 us", "peak RSS KiB", "errors"))
for c in 'abcde':
    if c not in runs: continue
    errors = sum(int(r['errors']) for r in runs[c])
    print("%-28s %10.0f %9.1f %9.1f %9.1f %12.0f %7d" % (c + ") " + names[c], med(c, 'rps'), med(c, 'p50_us'),
          med(c, 'p90_us'), med(c, 'p99_us'), med(c, 'maxrss_kib'), errors))
def ratio(x, y):
    # median of the per-round ratios (rounds are interleaved), and ratio of medians
    per = [float(a['rps']) / float(b['rps']) for a, b in zip(runs[x], runs[y])]
    return statistics.median(per), med(x, 'rps') / med(y, 'rps')
rows = []
def target(label, value, goal, ok):
    rows.append((label, value, goal, "yes" if ok else "NO"))
for x, y, goal in (('b', 'a', 0.99), ('d', 'c', 0.99), ('d', 'e', 1.3)):
    per, of_medians = ratio(x, y)
    target("throughput %s/%s" % (x, y), "%.3f (medians: %.3f)" % (per, of_medians), ">= %.2f" % goal, per >= goal)
rss_b = med('b', 'maxrss_kib') - med('a', 'maxrss_kib')
rss_d = med('d', 'maxrss_kib') - med('c', 'maxrss_kib')
target("added peak RSS b-a", "%+.0f KiB" % rss_b, "<= 512 KiB", rss_b <= 512)
target("added peak RSS d-c", "%+.0f KiB" % rss_d, "<= 512 KiB", rss_d <= 512)
spawn = kv(open(os.path.join(work, 'spawn.txt')).read())
added = float(spawn['added_median_us'])
target("start-up /bin/true, median", "%s -> %s us (%+.1f us)" % (spawn['median_without_us'], spawn['median_with_us'], added),
       "<= +100 us", added <= 100)
added10 = float(spawn['added_p10_us'])
target("start-up /bin/true, p10", "%s -> %s us (%+.1f us)" % (spawn['p10_without_us'], spawn['p10_with_us'], added10),
       "<= +100 us", added10 <= 100)
sir = os.path.join(work, 'startup-ir.txt')
if os.path.exists(sir):
    s = {kv(l)['preload']: int(kv(l)['ir'].replace(',', '')) for l in open(sir)}
    rows.append(("start-up /bin/true, instructions", "%d -> %d (%+d)" % (s['none'], s['shim'], s['shim'] - s['none']),
                 "(info)", "-"))
churn = kv(open(os.path.join(work, 'churn.txt')).read())
samples = [int(s) for s in churn['rss_kib_samples'].split(',')]
growth = samples[-1] - samples[0]
target("RSS over %s init/cleanup" % churn['churn_cycles'], "%d..%d KiB (growth %+d)" % (min(samples), max(samples), growth),
       "flat", growth <= 64)
cg = os.path.join(work, 'callgrind.txt')
if os.path.exists(cg):
    ir = {}
    for line in open(cg):
        d = kv(line)
        ir[(d['preload'], int(d['n']))] = int(d['ir'].replace(',', ''))
    per = {p: (ir[(p, 1200)] - ir[(p, 200)]) / 1000.0 for p in ('none', 'shim')}
    extra = per['shim'] / per['none'] - 1
    target("callgrind Ir/request", "%.0f -> %.0f (%+.2f%%)" % (per['none'], per['shim'], extra * 100), "<= +1%", extra <= 0.01)
    guard = {}
    for line in open(cg):
        d = kv(line)
        guard[(d['preload'], int(d['n']))] = int(d.get('guard_ir', '0') or 0)
    own = (guard[('shim', 1200)] - guard[('shim', 200)]) / 1000.0
    rows.append(("  of which guard_transfer", "%.0f Ir/request (%.2f%% of plain)" % (own, own / per['none'] * 100),
                 "(info)", "-"))
cgc = os.path.join(work, 'callgrind-configs.txt')
if os.path.exists(cgc):
    ir = {}
    for line in open(cgc):
        d = kv(line)
        ir[(d['config'], int(d['n']))] = int(d['ir'].replace(',', ''))
    per = {c: (ir[(c, 600)] - ir[(c, 100)]) / 500.0 for c in 'abcd'}
    print("\ncallgrind, instructions per request of the throughput loop (client process only, deterministic):")
    for c in 'abcd':
        print("   %-28s %8.0f" % (c + ") " + names[c], per[c]))
    rows.append(("Ir/request b/a (callgrind)", "%.4f (%+.2f%%)" % (per['b'] / per['a'], (per['b'] / per['a'] - 1) * 100),
                 "(info)", "-"))
    rows.append(("Ir/request d/c (callgrind)", "%.4f (%+.2f%%)" % (per['d'] / per['c'], (per['d'] / per['c'] - 1) * 100),
                 "(info)", "-"))
print("\n%-32s %-40s %-12s %s" % ("target", "measured", "goal", "met"))
for r in rows:
    print("%-32s %-40s %-12s %s" % r)
PY
micro=$work/micro.txt
if [ -f "$micro" ]; then
  echo
  sed -n '/== Targets/,$p' "$micro"
fi
echo
echo "bench.sh took $(( $(date +%s) - started )) s"
