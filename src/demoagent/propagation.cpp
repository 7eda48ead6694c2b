/*
 * Propagation headers as the agents that made them popular write them.
 * Values are random but well formed, so a server (or a reader) sees what a
 * real agent would send.
 */
#include "propagation.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include <sys/random.h>
#include <unistd.h>

namespace demoagent {

namespace {

/* Lower-cased copy, for case-insensitive option parsing. */
std::string lowercase(const char *text)
{
  std::string out(text);
  for(char &c : out)
    if(c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/* Comma- or blank-separated words of an environment value. */
std::vector<std::string> words(const char *text)
{
  std::vector<std::string> out;
  std::string word;
  for(const char *p = text;; ++p) {
    if(*p == ',' || *p == ' ' || *p == '\0') {
      if(!word.empty())
        out.push_back(lowercase(word.c_str()));
      word.clear();
      if(*p == '\0')
        break;
    }
    else
      word += *p;
  }
  return out;
}

unsigned parse_styles(const char *text)
{
  unsigned styles = 0;
  for(const std::string &w : words(text)) {
    if(w == "pinpoint")
      styles |= STYLE_PINPOINT;
    else if(w == "w3c" || w == "traceparent" || w == "otel")
      styles |= STYLE_W3C;
    else if(w == "b3" || w == "zipkin")
      styles |= STYLE_B3;
    else if(w == "datadog" || w == "dd")
      styles |= STYLE_DATADOG;
    else if(w == "all")
      styles |= STYLE_ALL;
    else
      std::fprintf(stderr, "demoagent: unknown DEMOAGENT_STYLE word '%s' ignored\n", w.c_str());
  }
  /* An agent with nothing valid configured falls back to its default rather
     than silently doing nothing: the demo is about what agents do. */
  return styles ? styles : static_cast<unsigned>(STYLE_PINPOINT);
}

Config read_config()
{
  Config c;
  if(const char *style = std::getenv("DEMOAGENT_STYLE"))
    c.styles = parse_styles(style);
  if(const char *layers = std::getenv("DEMOAGENT_LAYERS")) {
    c.layer1 = c.layer2 = false;
    for(const std::string &w : words(layers)) {
      if(w == "1")
        c.layer1 = true;
      else if(w == "2")
        c.layer2 = true;
      else if(w != "0" && w != "none")
        std::fprintf(stderr, "demoagent: unknown DEMOAGENT_LAYERS word '%s' ignored\n", w.c_str());
    }
  }
  const char *log = std::getenv("DEMOAGENT_LOG");
  c.log = log && *log && std::strcmp(log, "0") != 0;
  const char *name = std::getenv("DEMOAGENT_APP_NAME");
  c.app_name = (name && *name) ? name : "demo.native";
  return c;
}

/* 64 random bits; never zero, because zero means "no span" in every format. */
std::uint64_t random_id()
{
  std::uint64_t id = 0;
  while(id == 0) {
    if(getrandom(&id, sizeof(id), 0) != static_cast<ssize_t>(sizeof(id))) {
      /* No entropy source: a clock-and-pid mix is still good enough for ids. */
      static std::mutex lock;
      static std::uint64_t state = static_cast<std::uint64_t>(std::time(nullptr)) ^
                                   (static_cast<std::uint64_t>(getpid()) << 32);
      std::lock_guard<std::mutex> guard(lock);
      state += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      id = z ^ (z >> 31);
    }
  }
  return id;
}

/* The process' trace, made on first use. */
struct Trace {
  std::uint64_t high;
  std::uint64_t low;
  long long start_ms; /* Pinpoint's agent start time */
};

const Trace &trace()
{
  static const Trace t = [] {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return Trace{random_id(), random_id(),
                 static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000};
  }();
  return t;
}

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

std::string format(const char *fmt, ...)
{
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return buf;
}

/* Pinpoint's ids are signed 64-bit numbers; a root span's parent is -1. */
long long pinpoint_id(std::uint64_t id)
{
  return static_cast<long long>(id);
}

/* Datadog ids are unsigned 63-bit decimals. */
unsigned long long datadog_id(std::uint64_t id)
{
  return static_cast<unsigned long long>(id >> 1);
}

void add_pinpoint(std::vector<std::string> &out, const Span &span, const std::string &host)
{
  const Trace &t = trace();
  out.push_back(format("Pinpoint-TraceID: %s^%lld^1", config().app_name.c_str(), t.start_ms));
  out.push_back(format("Pinpoint-SpanID: %lld", pinpoint_id(span.span_id)));
  out.push_back(format("Pinpoint-pSpanID: %lld", span.parent_id ? pinpoint_id(span.parent_id) : -1LL));
  out.push_back("Pinpoint-Flags: 0");
  out.push_back("Pinpoint-pAppName: " + config().app_name);
  out.push_back("Pinpoint-pAppType: 1010"); /* the story's value */
  out.push_back("Pinpoint-Host: " + host);
}

void add_w3c(std::vector<std::string> &out, const Span &span)
{
  const Trace &t = trace();
  out.push_back(format("traceparent: 00-%016" PRIx64 "%016" PRIx64 "-%016" PRIx64 "-01", t.high, t.low,
                       span.span_id));
  out.push_back(format("tracestate: demo=%016" PRIx64, span.span_id));
}

/* Both B3 encodings: Brave writes the X-B3-* set, OpenTelemetry the single one. */
void add_b3(std::vector<std::string> &out, const Span &span)
{
  const Trace &t = trace();
  out.push_back(format("X-B3-TraceId: %016" PRIx64 "%016" PRIx64, t.high, t.low));
  out.push_back(format("X-B3-SpanId: %016" PRIx64, span.span_id));
  if(span.parent_id)
    out.push_back(format("X-B3-ParentSpanId: %016" PRIx64, span.parent_id));
  out.push_back("X-B3-Sampled: 1");
  out.push_back(format("b3: %016" PRIx64 "%016" PRIx64 "-%016" PRIx64 "-1", t.high, t.low, span.span_id));
}

void add_datadog(std::vector<std::string> &out, const Span &span)
{
  const Trace &t = trace();
  out.push_back(format("x-datadog-trace-id: %llu", datadog_id(t.low)));
  out.push_back(format("x-datadog-parent-id: %llu", datadog_id(span.span_id)));
  out.push_back("x-datadog-sampling-priority: 1");
  out.push_back(format("x-datadog-tags: _dd.p.tid=%08" PRIx64 "00000000", t.high >> 32));
}

} // namespace

const Config &config()
{
  static const Config c = read_config();
  return c;
}

Span new_span(std::uint64_t parent_id)
{
  Span span;
  span.span_id = random_id();
  span.parent_id = parent_id;
  return span;
}

std::vector<std::string> propagation_headers(const Span &span, const std::string &host)
{
  std::vector<std::string> out;
  unsigned styles = config().styles;
  if(styles & STYLE_PINPOINT)
    add_pinpoint(out, span, host);
  if(styles & STYLE_W3C)
    add_w3c(out, span);
  if(styles & STYLE_B3)
    add_b3(out, span);
  if(styles & STYLE_DATADOG)
    add_datadog(out, span);
  return out;
}

} // namespace demoagent
