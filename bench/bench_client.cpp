// The libcurl client scripts/bench.sh drives. It links libcurl normally, so a
// preloaded tracestrip (or demo agent) interposes its calls as in any program.
//
//   loop  --url U [--resolve HOST:PORT:ADDR] [--n N] [--warmup W] [--headers K]
//         [--tracing T] [--static-list]
//       N keep-alive requests on one easy handle. K application headers, T of
//       them tracing headers. By default the list is built afresh for every
//       request (as an S3 client signs each request anew, and because the demo
//       agent's layer 2 appends to the application's list at every perform);
//       --static-list sets one list once and reuses it. Prints req/s, latency
//       percentiles and peak RSS as key=value.
//   probe --url U [--resolve ...] [--headers K] [--tracing T]
//       One request; prints the response body (the server echoes what arrived).
//   churn [--n N] [--samples S]
//       N curl_easy_init/curl_easy_cleanup cycles; RSS sampled S times.
//   spawn [--n N] --preload LIB [--cmd PATH]
//       Runs PATH (default /bin/true) N times without and N times with
//       LD_PRELOAD=LIB, interleaved; prints median and mean wall time of each.
#include <curl/curl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Options {
  std::string mode;
  std::string url;
  std::string resolve;
  std::string preload;
  std::string cmd = "/bin/true";
  long n = 20000;
  long warmup = -1;
  int headers = 16;
  int tracing = 0;
  int samples = 10;
  bool static_list = false;
};

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: tracestrip_bench_client loop|probe|churn|spawn [options] (see bench_client.cpp)\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  if(argc < 2)
    usage();
  Options options;
  options.mode = argv[1];
  for(int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if(i + 1 >= argc)
        usage();
      return argv[++i];
    };
    if(arg == "--url")
      options.url = value();
    else if(arg == "--resolve")
      options.resolve = value();
    else if(arg == "--preload")
      options.preload = value();
    else if(arg == "--cmd")
      options.cmd = value();
    else if(arg == "--n")
      options.n = std::atol(value());
    else if(arg == "--warmup")
      options.warmup = std::atol(value());
    else if(arg == "--headers")
      options.headers = std::atoi(value());
    else if(arg == "--tracing")
      options.tracing = std::atoi(value());
    else if(arg == "--samples")
      options.samples = std::atoi(value());
    else if(arg == "--static-list")
      options.static_list = true;
    else
      usage();
  }
  return options;
}

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

long current_rss_kib() {
  long pages = 0;
  long resident = 0;
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if(!statm)
    return -1;
  if(std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  std::fclose(statm);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

size_t discard(char*, size_t size, size_t count, void* userdata) {
  *static_cast<std::string*>(userdata) += "";  // keep the signature honest; bodies are small
  return size * count;
}

size_t keep(char* data, size_t size, size_t count, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size * count);
  return size * count;
}

const char* const kTracing[] = {
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "tracestate: demo=00f067aa0ba902b7",
    "X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736",
    "Pinpoint-SpanID: 1234567890123",
    "x-datadog-parent-id: 987654321",
    "sw8: 1-abc-def-0-service-instance-endpoint-target",
};

// K lines, T of them tracing headers spread through the list.
std::vector<std::string> header_lines(int count, int tracing) {
  std::vector<std::string> lines;
  int stride = tracing > 0 ? std::max(1, count / tracing) : 0;
  int placed = 0;
  for(int i = 0; i < count; ++i) {
    if(tracing > 0 && placed < tracing && i % stride == stride / 2)
      lines.push_back(kTracing[placed++ % 6]);
    else
      lines.push_back("X-App-Header-" + std::to_string(i) + ": value-" + std::to_string(i * 7919));
  }
  return lines;
}

curl_slist* build_list(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for(const std::string& line : lines) {
    curl_slist* longer = curl_slist_append(list, line.c_str());
    if(longer)
      list = longer;
  }
  return list;
}

CURL* make_handle(const Options& options, std::string* body, curl_slist** resolve) {
  CURL* handle = curl_easy_init();
  if(!handle) {
    std::fprintf(stderr, "curl_easy_init failed\n");
    std::exit(1);
  }
  curl_easy_setopt(handle, CURLOPT_URL, options.url.c_str());
  if(!options.resolve.empty()) {
    // A node of our own, not curl_slist_append: the demo agent's layer 1
    // would put its headers into this list too, and curl would reject it.
    static curl_slist node;
    node.data = const_cast<char*>(options.resolve.c_str());
    node.next = nullptr;
    curl_easy_setopt(handle, CURLOPT_RESOLVE, &node);
  }
  *resolve = nullptr;
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  return handle;
}

int run_loop(const Options& options) {
  std::string body;
  curl_slist* resolve = nullptr;
  CURL* handle = make_handle(options, &body, &resolve);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
  std::vector<std::string> lines = header_lines(options.headers, options.tracing);
  curl_slist* list = nullptr;
  if(options.static_list) {
    list = build_list(lines);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
  }
  long warmup = options.warmup >= 0 ? options.warmup : std::min(500L, options.n / 10);
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(options.n));
  long errors = 0;
  double started = 0;
  for(long i = 0; i < warmup + options.n; ++i) {
    if(i == warmup)
      started = now_seconds();
    double t0 = now_seconds();
    if(!options.static_list) {
      list = build_list(lines);
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
    }
    CURLcode result = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if(!options.static_list) {
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
      curl_slist_free_all(list);
      list = nullptr;
    }
    double t1 = now_seconds();
    if(result != CURLE_OK || status != 200)
      ++errors;
    if(i >= warmup)
      latencies.push_back((t1 - t0) * 1e6);
  }
  double elapsed = now_seconds() - started;
  curl_easy_cleanup(handle);
  curl_slist_free_all(list);
  curl_slist_free_all(resolve);
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    if(latencies.empty())
      return 0.0;
    size_t index = static_cast<size_t>(p * static_cast<double>(latencies.size() - 1) + 0.5);
    return latencies[index];
  };
  std::printf("requests=%ld errors=%ld seconds=%.4f rps=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f maxrss_kib=%ld\n",
              options.n, errors, elapsed, static_cast<double>(options.n) / elapsed, percentile(0.50),
              percentile(0.90), percentile(0.99), peak_rss_kib());
  return errors == 0 ? 0 : 1;
}

int run_probe(const Options& options) {
  std::string body;
  curl_slist* resolve = nullptr;
  CURL* handle = make_handle(options, &body, &resolve);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, keep);
  curl_slist* list = build_list(header_lines(options.headers, options.tracing));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
  CURLcode result = curl_easy_perform(handle);
  curl_easy_cleanup(handle);
  curl_slist_free_all(list);
  curl_slist_free_all(resolve);
  if(result != CURLE_OK) {
    std::printf("error: %s\n", curl_easy_strerror(result));
    return 1;
  }
  std::fputs(body.c_str(), stdout);
  return 0;
}

int run_churn(const Options& options) {
  long n = options.n;
  int samples = std::max(1, options.samples);
  long every = std::max(1L, n / samples);
  std::printf("churn_cycles=%ld rss_kib_samples=", n);
  long first = -1;
  long last = -1;
  for(long i = 0; i < n; ++i) {
    CURL* handle = curl_easy_init();
    curl_easy_cleanup(handle);
    if((i + 1) % every == 0) {
      last = current_rss_kib();
      if(first < 0)
        first = last;
      std::printf("%s%ld", (i + 1) == every ? "" : ",", last);
    }
  }
  std::printf(" growth_kib=%ld maxrss_kib=%ld\n", last - first, peak_rss_kib());
  return 0;
}

// One run of the command, with or without the preload; wall microseconds.
double spawn_once(const Options& options, bool preload) {
  std::vector<std::string> variables;
  for(char** entry = environ; *entry; ++entry) {
    if(std::strncmp(*entry, "LD_PRELOAD=", 11) != 0)
      variables.push_back(*entry);
  }
  if(preload)
    variables.push_back("LD_PRELOAD=" + options.preload);
  std::vector<char*> envp;
  for(std::string& variable : variables)
    envp.push_back(variable.data());
  envp.push_back(nullptr);
  char* args[] = {const_cast<char*>(options.cmd.c_str()), nullptr};
  double t0 = now_seconds();
  pid_t pid = 0;
  if(posix_spawn(&pid, options.cmd.c_str(), nullptr, nullptr, args, envp.data()) != 0) {
    std::fprintf(stderr, "cannot run %s\n", options.cmd.c_str());
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return (now_seconds() - t0) * 1e6;
}

int run_spawn(const Options& options) {
  if(options.preload.empty())
    usage();
  std::vector<double> without;
  std::vector<double> with;
  for(long i = 0; i < options.n; ++i) {
    bool preload_first = (i % 2) == 1;
    double a = spawn_once(options, preload_first);
    double b = spawn_once(options, !preload_first);
    (preload_first ? with : without).push_back(a);
    (preload_first ? without : with).push_back(b);
  }
  auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
  };
  // On a shared machine the median carries other tenants' noise; the 10th
  // percentile is closer to what loading the library itself costs.
  auto p10 = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 10];
  };
  auto mean = [](const std::vector<double>& values) {
    double sum = 0;
    for(double v : values)
      sum += v;
    return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
  };
  std::printf("runs=%ld median_without_us=%.1f median_with_us=%.1f added_median_us=%.1f p10_without_us=%.1f "
              "p10_with_us=%.1f added_p10_us=%.1f mean_without_us=%.1f mean_with_us=%.1f\n",
              options.n, median(without), median(with), median(with) - median(without), p10(without), p10(with),
              p10(with) - p10(without), mean(without), mean(with));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status = 2;
  if(options.mode == "loop")
    status = run_loop(options);
  else if(options.mode == "probe")
    status = run_probe(options);
  else if(options.mode == "churn")
    status = run_churn(options);
  else if(options.mode == "spawn")
    status = run_spawn(options);
  else
    usage();
  curl_global_cleanup();
  return status;
}
