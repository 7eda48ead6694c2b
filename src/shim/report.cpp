#include "report.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <unistd.h>
#include <unwind.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "runtime.h"
#include "tracestrip/header_filter.h"
#include "tracestrip/header_line.h"
#include "tracestrip/report_book.h"

namespace tracestrip::shim {

namespace {

struct ReportState {
  std::mutex mutex;
  ReportBook book;
  std::unordered_map<const char*, std::string> origins;  // entry's string -> who appended it
};

ReportState& state() {
  static auto* report = new ReportState();  // never destroyed: written from an atexit handler
  return *report;
}

std::string program_name() {
  char path[4096];
  ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  if(length <= 0)
    return "unknown";
  path[length] = '\0';
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

void write_report() {
  try {
    const Config& settings = config();
    std::string text;
    {
      std::lock_guard<std::mutex> lock(state().mutex);
      long pid = static_cast<long>(getpid());
      text = settings.report_kind == LogKind::Stderr
                 ? state().book.table(pid, program_name(), mode_name(settings.mode))
                 : state().book.json_line(pid, program_name(), mode_name(settings.mode));
    }
    if(settings.report_kind == LogKind::Stderr) {
      write_all(STDERR_FILENO, text);
      return;
    }
    int fd = open(settings.report_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if(fd < 0) {
      warn_once("report-open", ("TRACESTRIP_REPORT: cannot open '" + settings.report_path + "'").c_str());
      return;
    }
    write_all(fd, text);
    close(fd);
  }
  catch(...) {
  }
}

void lock_for_fork() { state().mutex.lock(); }
void unlock_in_parent() { state().mutex.unlock(); }
void unlock_in_child() {
  state().mutex.unlock();
  state().book.clear();  // the child reports its own requests
}

}  // namespace

bool report_enabled() { return config().report_kind != LogKind::Off; }

std::string object_name(const void* address) {
  Dl_info info{};
  link_map* object = nullptr;
  if(!address || !dladdr1(address, &info, reinterpret_cast<void**>(&object), RTLD_DL_LINKMAP) || !object)
    return "unknown";
  // The main program comes first in the link map; its name there is empty.
  if(!object->l_prev || !info.dli_fname || !info.dli_fname[0])
    return program_name();
  const char* slash = std::strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

namespace {

struct StackFrames {
  static constexpr int kMax = 48;
  uintptr_t ip[kMax];
  uintptr_t cfa[kMax];
  int count = 0;
};

_Unwind_Reason_Code collect_frame(_Unwind_Context* context, void* data) {
  auto* frames = static_cast<StackFrames*>(data);
  if(frames->count >= StackFrames::kMax)
    return _URC_END_OF_STACK;
  frames->ip[frames->count] = _Unwind_GetIP(context);
  frames->cfa[frames->count] = _Unwind_GetCFA(context);
  ++frames->count;
  return _URC_NO_REASON;
}

// This thread's stack, [low, high).
bool thread_stack(uintptr_t* low, uintptr_t* high) {
  thread_local uintptr_t stack_low = 0;
  thread_local uintptr_t stack_high = 0;
  if(!stack_high) {
    pthread_attr_t attributes;
    if(pthread_getattr_np(pthread_self(), &attributes) != 0)
      return false;
    void* address = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attributes, &address, &size);
    pthread_attr_destroy(&attributes);
    stack_low = reinterpret_cast<uintptr_t>(address);
    stack_high = stack_low + size;
  }
  *low = stack_low;
  *high = stack_high;
  return stack_high != 0;
}

// Who wrote the header text: an agent that forwards the application's call
// passes the application's string along, so the string's home says more than
// the immediate caller. A literal belongs to the object holding it; a buffer
// on the stack to the function whose frame holds it (argv and the
// environment to the program); anything else (the heap) to the caller.
std::string author_of(const char* text, const void* caller) {
  Dl_info image{};
  if(dladdr(text, &image) && image.dli_fname)
    return object_name(text);
  uintptr_t address = reinterpret_cast<uintptr_t>(text);
  uintptr_t low = 0;
  uintptr_t high = 0;
  if(thread_stack(&low, &high) && address >= low && address < high) {
    StackFrames frames;
    _Unwind_Backtrace(collect_frame, &frames);
    // At each step the unwinder reports a frame's code address with the
    // CFA of the frame it was called from, the bottom of the frame: frame
    // i's locals lie between cfa[i] and cfa[i + 1].
    for(int i = 1; i < frames.count; ++i) {
      if(address < frames.cfa[i])
        return object_name(reinterpret_cast<const void*>(frames.ip[i - 1] - 1));
    }
    return program_name();  // above every frame: argv, the environment
  }
  return object_name(caller);
}

}  // namespace

void note_appended_header(const curl_slist* list, const void* caller, const char* appended) {
  if(!list)
    return;
  while(list->next)
    list = list->next;
  HeaderLine line = parse_header_line(list->data ? list->data : "");
  if(!sends_header(line) || !config().headers.is_tracing(line.name))
    return;  // only tracing headers need an origin
  std::string origin = author_of(appended, caller);
  std::lock_guard<std::mutex> lock(state().mutex);
  state().origins[list->data] = std::move(origin);
}

void forget_header_origins(const curl_slist* list) {
  std::lock_guard<std::mutex> lock(state().mutex);
  if(state().origins.empty())
    return;
  for(; list; list = list->next)
    state().origins.erase(list->data);
}

void report_transfer(const curl_slist* list, const UrlFacts& url, BoundReason reason, bool sigv4,
                     const std::optional<Sigv4Authorization>& authorization, bool stripped,
                     const std::string& list_setter) {
  const Config& settings = config();
  std::vector<std::string_view> signed_names;
  if(authorization)
    signed_names = authorization->signed_headers;
  HeaderSelector selector(settings.headers, signed_names);

  RequestObservation request;
  request.host = url.host;
  request.s3_bound = reason != BoundReason::NotBound;
  request.reason = bound_reason_name(reason);
  request.sigv4 = sigv4;
  std::lock_guard<std::mutex> lock(state().mutex);
  for(const curl_slist* node = list; node; node = node->next) {
    if(!node->data)
      continue;
    HeaderLine line = parse_header_line(node->data);
    if(!sends_header(line) || !settings.headers.is_tracing(line.name))
      continue;
    EntryDecision decision = selector.decide(node->data);
    ObservedHeader header;
    header.name = line.name;
    header.removed = stripped && request.s3_bound && decision == EntryDecision::Remove;
    header.signed_by_application = decision == EntryDecision::KeepSigned;
    auto origin = state().origins.find(node->data);
    header.added_by = origin != state().origins.end() ? std::string_view(origin->second) : list_setter;
    request.tracing_headers.push_back(header);
  }
  state().book.record(request);
}

void write_report_at_exit() {
  state();
  pthread_atfork(lock_for_fork, unlock_in_parent, unlock_in_child);
  std::atexit(write_report);
}

}  // namespace tracestrip::shim
