// Microbenchmarks for tracestrip (issue 5), each next to its baseline in the
// same run: libcurl's functions called directly and the same functions
// through libtracestrip.so (dlopened here, its exported entry points called
// through dlsym), the shim's commit-time work (guard_transfer, compiled into
// this binary) and the rules it runs. Heap allocations per operation come
// from the counting malloc in alloc_counter.cpp. A summary at the end prints
// every target of the issue next to what was measured; nothing is asserted.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "handle_registry.h"
#include "real_curl.h"
#include "runtime.h"
#include "tracestrip/header_filter.h"
#include "tracestrip/request_verdict.h"
#include "tracestrip/s3_endpoints.h"
#include "tracestrip/url_parts.h"
#include "transfer_guard.h"

namespace bench {
extern std::atomic<unsigned long long> g_allocations;
}

namespace {

using tracestrip::shim::HandleRegistry;
using tracestrip::shim::HandleState;

struct CurlApi {
  decltype(&::curl_easy_init) init = nullptr;
  decltype(&::curl_easy_setopt) setopt = nullptr;
  decltype(&::curl_easy_cleanup) cleanup = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

CurlApi direct_api() {
  return CurlApi{&::curl_easy_init, &::curl_easy_setopt, &::curl_easy_cleanup, &::curl_slist_append,
                 &::curl_slist_free_all};
}

template <typename Fn>
Fn symbol(void* library, const char* name) {
  void* found = dlsym(library, name);
  if(!found) {
    std::fprintf(stderr, "microbench: %s not found in the shim\n", name);
    std::exit(2);
  }
  return reinterpret_cast<Fn>(found);
}

const CurlApi& shim_api() {
  static CurlApi api = [] {
    const char* path = std::getenv("TRACESTRIP_SHIM");
    if(!path || !*path)
      path = TRACESTRIP_SHIM_PATH;
    void* library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if(!library) {
      std::fprintf(stderr, "microbench: cannot load %s: %s\n", path, dlerror());
      std::exit(2);
    }
    CurlApi loaded;
    loaded.init = symbol<decltype(&::curl_easy_init)>(library, "curl_easy_init");
    loaded.setopt = symbol<decltype(&::curl_easy_setopt)>(library, "curl_easy_setopt");
    loaded.cleanup = symbol<decltype(&::curl_easy_cleanup)>(library, "curl_easy_cleanup");
    loaded.slist_append = symbol<decltype(&::curl_slist_append)>(library, "curl_slist_append");
    loaded.slist_free_all = symbol<decltype(&::curl_slist_free_all)>(library, "curl_slist_free_all");
    return loaded;
  }();
  return api;
}

const CurlApi& api_for(bool through_shim) {
  static CurlApi direct = direct_api();
  return through_shim ? shim_api() : direct;
}

// Heap allocations per iteration, as a benchmark counter.
class AllocationCount {
 public:
  AllocationCount() : start_(bench::g_allocations.load(std::memory_order_relaxed)) {}
  void report(benchmark::State& state) const {
    double count = static_cast<double>(bench::g_allocations.load(std::memory_order_relaxed) - start_);
    state.counters["allocs/op"] = benchmark::Counter(count, benchmark::Counter::kAvgIterations);
  }

 private:
  unsigned long long start_;
};

// ---------------------------------------------------------------------------
// Header lists: n entries, one in five of them a tracing header, spread out.

const char* const kTracingLines[] = {
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "tracestate: demo=00f067aa0ba902b7",
    "X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736",
    "Pinpoint-SpanID: 1234567890123",
    "x-datadog-parent-id: 987654321",
    "sw8: 1-abc-def-0-service-instance-endpoint-target",
};

std::vector<std::string> header_lines(int count) {
  static const char* const plain[] = {
      "Content-Type: application/octet-stream", "Accept: */*", "x-amz-meta-owner: bench",
      "Cache-Control: no-cache", "User-Agent: bench-uploader/1.0", "x-amz-storage-class: STANDARD",
      "Content-Language: en", "X-Request-Source: batch-17",
  };
  std::vector<std::string> lines;
  int tracing = 0;
  for(int i = 0; i < count; ++i) {
    if(i % 5 == 2)
      lines.push_back(kTracingLines[tracing++ % 6]);
    else
      lines.push_back(std::string(plain[i % 8]) + "-" + std::to_string(i));
  }
  return lines;
}

curl_slist* make_list(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for(const std::string& line : lines)
    list = ::curl_slist_append(list, line.c_str());
  return list;
}

const char* const kS3Url = "https://bench-bucket.s3.us-east-1.amazonaws.com/objects/key-1";
const char* const kOtherUrl = "https://api.example.com/v1/items";

// ---------------------------------------------------------------------------
// curl_easy_setopt: direct vs through the shim.

enum class SetoptKind { Long, String, HttpHeader, Url };

void BM_Setopt(benchmark::State& state, SetoptKind kind, bool through_shim) {
  const CurlApi& api = api_for(through_shim);
  CURL* handle = api.init();
  curl_slist* list = make_list(header_lines(20));
  AllocationCount allocations;
  switch(kind) {
  case SetoptKind::Long:
    for(auto _ : state)
      benchmark::DoNotOptimize(api.setopt(handle, CURLOPT_TIMEOUT_MS, 30000L));
    break;
  case SetoptKind::String:
    for(auto _ : state)
      benchmark::DoNotOptimize(api.setopt(handle, CURLOPT_USERAGENT, "bench-uploader/1.0"));
    break;
  case SetoptKind::HttpHeader:
    for(auto _ : state)
      benchmark::DoNotOptimize(api.setopt(handle, CURLOPT_HTTPHEADER, list));
    break;
  case SetoptKind::Url:
    for(auto _ : state)
      benchmark::DoNotOptimize(api.setopt(handle, CURLOPT_URL, kS3Url));
    break;
  }
  allocations.report(state);
  api.cleanup(handle);
  ::curl_slist_free_all(list);
}

// ---------------------------------------------------------------------------
// Commit-time work: guard_transfer() as curl_easy_perform runs it.

struct GuardedHandle {
  CURL* handle = nullptr;
  HandleState* state = nullptr;

  explicit GuardedHandle(const char* url) {
    handle = ::curl_easy_init();
    HandleRegistry::instance().add(handle, std::make_unique<HandleState>());
    state = HandleRegistry::instance().find(handle);
    state->url = tracestrip::url_facts(tracestrip::shim::config(),
                                       tracestrip::parse_url(tracestrip::shim::real_url_api(), url));
  }
  // What the interposed setopt records for CURLOPT_HTTPHEADER.
  void set_headers(curl_slist* list) {
    ::curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
    HandleRegistry::instance().set_app_headers(state, list);
    state->owned_installed = false;
  }
  ~GuardedHandle() {
    std::unique_ptr<HandleState> removed = HandleRegistry::instance().remove(handle);
    ::curl_easy_cleanup(handle);
    if(removed && removed->owned)
      ::curl_slist_free_all(removed->owned);
  }
};

void BM_Commit(benchmark::State& state, bool s3, int count) {
  curl_slist* list = make_list(header_lines(count));
  {
    GuardedHandle guarded(s3 ? kS3Url : kOtherUrl);
    guarded.set_headers(list);
    tracestrip::shim::guard_transfer(guarded.handle);  // the first commit builds what later ones reuse
    AllocationCount allocations;
    for(auto _ : state)
      tracestrip::shim::guard_transfer(guarded.handle);
    allocations.report(state);
  }
  ::curl_slist_free_all(list);
}

// The application hands a different list every time (one value differs).
void BM_CommitChangedList(benchmark::State& state, int count) {
  std::vector<std::string> lines = header_lines(count);
  curl_slist* first = make_list(lines);
  lines[0] += "-other";
  curl_slist* second = make_list(lines);
  {
    GuardedHandle guarded(kS3Url);
    bool flip = false;
    AllocationCount allocations;
    for(auto _ : state) {
      guarded.set_headers(flip ? first : second);
      tracestrip::shim::guard_transfer(guarded.handle);
      flip = !flip;
    }
    allocations.report(state);
  }
  ::curl_slist_free_all(first);
  ::curl_slist_free_all(second);
}

// ---------------------------------------------------------------------------
// The rules on their own.

void BM_HeaderClassification(benchmark::State& state) {
  const tracestrip::TracingHeaderRules& rules = tracestrip::shim::config().headers;
  static const std::string_view names[] = {
      "Content-Type", "traceparent", "Accept", "X-B3-TraceId", "x-amz-date", "Pinpoint-SpanID", "Authorization",
      "User-Agent", "x-datadog-parent-id", "Host", "Cache-Control", "sw8", "Content-Length", "tracestate",
      "x-amz-content-sha256", "X-Request-Source", "baggage", "Content-MD5", "x-amzn-trace-id", "Expect",
  };
  AllocationCount allocations;
  for(auto _ : state) {
    for(std::string_view name : names)
      benchmark::DoNotOptimize(rules.is_tracing(name));
  }
  allocations.report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20);
}

void BM_HeaderLineDecision(benchmark::State& state) {
  std::vector<std::string> lines = header_lines(20);
  tracestrip::HeaderSelector selector(tracestrip::shim::config().headers, {});
  AllocationCount allocations;
  for(auto _ : state) {
    for(const std::string& line : lines)
      benchmark::DoNotOptimize(selector.decide(line.c_str()));
  }
  allocations.report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20);
}

void BM_HostClassification(benchmark::State& state) {
  static const std::string_view hosts[] = {
      "bench-bucket.s3.us-east-1.amazonaws.com", "s3.amazonaws.com", "api.example.com",
      "sqs.us-east-1.amazonaws.com", "my.bucket.s3-accelerate.dualstack.amazonaws.com",
      "s3.amazonaws.com.evil.example", "s3-us-west-2.amazonaws.com", "localhost",
  };
  AllocationCount allocations;
  for(auto _ : state) {
    for(std::string_view host : hosts)
      benchmark::DoNotOptimize(tracestrip::is_aws_s3_host(host));
  }
  allocations.report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 8);
}

// What CURLOPT_URL costs the shim: parse with curl's URL API, classify.
void BM_UrlFacts(benchmark::State& state) {
  tracestrip::CurlUrlApi api = tracestrip::shim::real_url_api();
  AllocationCount allocations;
  for(auto _ : state)
    benchmark::DoNotOptimize(tracestrip::url_facts(tracestrip::shim::config(), tracestrip::parse_url(api, kS3Url)));
  allocations.report(state);
}

// ---------------------------------------------------------------------------
// curl_slist_append / curl_slist_free_all: a 20-entry list (4 tracing) built and freed.

void BM_SlistBuild(benchmark::State& state, bool through_shim) {
  const CurlApi& api = api_for(through_shim);
  std::vector<std::string> lines = header_lines(20);
  AllocationCount allocations;
  for(auto _ : state) {
    curl_slist* list = nullptr;
    for(const std::string& line : lines)
      list = api.slist_append(list, line.c_str());
    api.slist_free_all(list);
  }
  allocations.report(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20);
}

// ---------------------------------------------------------------------------
// The summary: each target of the issue next to what was measured.

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for(const Run& run : runs) {
      if(run.error_occurred)
        continue;
      bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if(run.run_type == Run::RT_Aggregate && !median)
        continue;
      Measured& measured = results_[run.run_name.str()];
      if(median || !measured.from_median) {  // a median aggregate replaces single runs
        measured.ns = run.GetAdjustedCPUTime();  // CPU time: this machine is shared and steals wall time
        auto found = run.counters.find("allocs/op");
        measured.allocs = found == run.counters.end() ? 0 : found->second.value;
        measured.from_median = median;
        ++measured.samples;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n== Targets (issue 5): CPU time, median of repetitions where repeated; not asserted\n");
    std::printf("%-52s %12s %10s  %-34s %s\n", "measurement", "value", "allocs/op", "target", "met");
    over("setopt long (CURLOPT_TIMEOUT_MS), shim - direct", "setopt/long", 5.0);
    over("setopt string (CURLOPT_USERAGENT), shim - direct", "setopt/string", 5.0);
    over("setopt CURLOPT_HTTPHEADER (tracked), shim - direct", "setopt/httpheader", -1);
    over("setopt CURLOPT_URL (tracked), shim - direct", "setopt/url", -1);
    for(int n : {5, 20, 100}) {
      std::string name = "commit/other/" + std::to_string(n);
      limit(("commit non-S3, " + std::to_string(n) + " headers").c_str(), name, 100.0, true);
    }
    for(int n : {5, 20, 100}) {
      std::string name = "commit/s3/" + std::to_string(n);
      limit(("commit S3, " + std::to_string(n) + " headers (" + std::to_string(n / 5) + " tracing)").c_str(), name,
            n == 20 ? 1000.0 : -1, false);
    }
    for(int n : {5, 20, 100}) {
      std::string name = "commit/s3-changed-list/" + std::to_string(n);
      limit(("commit S3, new list every time, " + std::to_string(n) + " headers").c_str(), name, -1, false);
    }
    over("curl_slist_append x20 + free_all, shim - direct", "slist/build20", -1);
  }

 private:
  struct Measured {
    double ns = -1;
    double allocs = 0;
    bool from_median = false;
    int samples = 0;
  };

  const Measured* get(const std::string& name) const {
    auto found = results_.find(name);
    return found == results_.end() ? nullptr : &found->second;
  }

  void over(const char* label, const std::string& base, double target_ns) const {
    const Measured* direct = get(base + "/direct");
    const Measured* shim = get(base + "/shim");
    if(!direct || !shim)
      return;
    double delta = shim->ns - direct->ns;
    char value[64];
    std::snprintf(value, sizeof value, "%+.2f ns", delta);
    char allocs[32];
    std::snprintf(allocs, sizeof allocs, "%+.2f", shim->allocs - direct->allocs);
    std::string target = target_ns < 0 ? "(none; direct " : "<= " + fmt(target_ns) + " ns over direct";
    if(target_ns < 0)
      target += fmt(direct->ns) + " ns)";
    std::printf("%-52s %12s %10s  %-34s %s\n", label, value, allocs, target.c_str(),
                target_ns < 0 ? "-" : (delta <= target_ns ? "yes" : "NO"));
  }

  void limit(const char* label, const std::string& name, double target_ns, bool zero_allocs) const {
    const Measured* measured = get(name);
    if(!measured)
      return;
    char value[64];
    std::snprintf(value, sizeof value, "%.1f ns", measured->ns);
    char allocs[32];
    std::snprintf(allocs, sizeof allocs, "%.2f", measured->allocs);
    std::string target = "-";
    bool met = true;
    if(target_ns >= 0) {
      target = "<= " + fmt(target_ns) + " ns";
      met = measured->ns <= target_ns;
    }
    if(zero_allocs) {
      target += ", 0 allocs";
      met = met && measured->allocs == 0;
    }
    std::printf("%-52s %12s %10s  %-34s %s\n", label, value, allocs, target.c_str(),
                target == "-" ? "-" : (met ? "yes" : "NO"));
  }

  static std::string fmt(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
  }

  std::map<std::string, Measured> results_;
};

void register_benchmarks() {
  struct SetoptCase {
    const char* name;
    SetoptKind kind;
  };
  for(SetoptCase setopt : {SetoptCase{"long", SetoptKind::Long}, SetoptCase{"string", SetoptKind::String},
                           SetoptCase{"httpheader", SetoptKind::HttpHeader}, SetoptCase{"url", SetoptKind::Url}}) {
    for(bool through_shim : {false, true}) {
      std::string name = std::string("setopt/") + setopt.name + (through_shim ? "/shim" : "/direct");
      benchmark::RegisterBenchmark(name.c_str(), BM_Setopt, setopt.kind, through_shim);
    }
  }
  for(int n : {5, 20, 100}) {
    benchmark::RegisterBenchmark(("commit/other/" + std::to_string(n)).c_str(), BM_Commit, false, n);
    benchmark::RegisterBenchmark(("commit/s3/" + std::to_string(n)).c_str(), BM_Commit, true, n);
    benchmark::RegisterBenchmark(("commit/s3-changed-list/" + std::to_string(n)).c_str(), BM_CommitChangedList, n);
  }
  benchmark::RegisterBenchmark("classify/header-name x20", BM_HeaderClassification);
  benchmark::RegisterBenchmark("classify/header-line x20", BM_HeaderLineDecision);
  benchmark::RegisterBenchmark("classify/host x8", BM_HostClassification);
  benchmark::RegisterBenchmark("classify/url-facts (CURLOPT_URL work)", BM_UrlFacts);
  benchmark::RegisterBenchmark("slist/build20/direct", BM_SlistBuild, false);
  benchmark::RegisterBenchmark("slist/build20/shim", BM_SlistBuild, true);
}

}  // namespace

int main(int argc, char** argv) {
#if defined(TRACESTRIP_BENCH_NO_MALLOC_HOOK)
  std::printf("microbench: built with a sanitizer; heap allocations are not counted (allocs/op reads 0)\n");
#endif
  ::curl_global_init(CURL_GLOBAL_DEFAULT);
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if(benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  ::curl_global_cleanup();
  return 0;
}
