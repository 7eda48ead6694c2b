#include "tracestrip/tracing_headers.h"

#include "tracestrip/text.h"

namespace tracestrip {

const std::vector<BuiltinTracingHeader>& builtin_tracing_headers() {
  static const std::vector<BuiltinTracingHeader> table = {
      {"W3C Trace Context", "traceparent"},
      {"W3C Trace Context", "tracestate"},
      {"W3C Baggage", "baggage"},
      {"B3", "b3"},
      {"B3", "x-b3-*"},
      {"Jaeger", "uber-trace-id"},
      {"Jaeger", "uberctx-*"},
      {"Jaeger", "jaeger-debug-id"},
      {"Jaeger", "jaeger-baggage"},
      {"OpenTracing", "ot-tracer-*"},
      {"OpenTracing", "ot-baggage-*"},
      {"OpenTracing", "x-ot-span-context"},
      {"Datadog", "x-datadog-*"},
      {"Pinpoint", "pinpoint-*"},
      {"New Relic", "newrelic"},
      {"New Relic", "x-newrelic-*"},
      {"SkyWalking", "sw8"},
      {"SkyWalking", "sw8-correlation"},
      {"SkyWalking", "sw8-x"},
      {"Elastic APM", "elastic-apm-traceparent"},
      {"Instana", "x-instana-*"},
      {"Dynatrace", "x-dynatrace"},
      {"AppDynamics", "singularityheader"},
      {"Google Cloud Trace", "x-cloud-trace-context"},
      {"gRPC / OpenCensus", "grpc-trace-bin"},
      {"Sentry", "sentry-trace"},
      {"AWS X-Ray", "x-amzn-trace-id"},
  };
  return table;
}

namespace {

// RFC 9110 token characters, the only ones a header name may hold.
bool is_token_char(char c) {
  if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  switch(c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~':
    return true;
  default:
    return false;
  }
}

}  // namespace

std::optional<NamePattern> parse_name_pattern(std::string_view entry) {
  NamePattern pattern;
  if(!entry.empty() && entry.back() == '*') {
    pattern.is_prefix = true;
    entry.remove_suffix(1);
  }
  if(entry.empty())
    return std::nullopt;  // "" or a lone "*" would match every header
  for(char c : entry) {
    if(!is_token_char(c) || c == '*')
      return std::nullopt;
  }
  pattern.text = to_lower(entry);
  return pattern;
}

size_t NamePatternSet::bucket_of(char first) {
  char c = ascii_lower(first);
  if(c >= 'a' && c <= 'z')
    return static_cast<size_t>(c - 'a');
  if(c >= '0' && c <= '9')
    return 26 + static_cast<size_t>(c - '0');
  return 36;
}

void NamePatternSet::add(NamePattern pattern) {
  if(pattern.text.empty())
    return;
  auto& bucket = buckets_[bucket_of(pattern.text.front())];
  for(const NamePattern& existing : bucket) {
    if(existing.text == pattern.text && existing.is_prefix == pattern.is_prefix)
      return;
  }
  bucket.push_back(std::move(pattern));
  ++count_;
}

namespace {

// `lower` is already lower case: only the name's letters are folded. Inline,
// as this runs for every header of every list at every commit.
inline bool folds_to(const char* name, const std::string& lower) {
  const char* expected = lower.data();
  for(size_t i = 0, n = lower.size(); i < n; ++i) {
    if(ascii_lower(name[i]) != expected[i])
      return false;
  }
  return true;
}

}  // namespace

bool NamePatternSet::matches(std::string_view name) const {
  if(name.empty())
    return false;
  for(const NamePattern& pattern : buckets_[bucket_of(name.front())]) {
    // The length settles most candidates before a letter is compared.
    size_t length = pattern.text.size();
    if(pattern.is_prefix ? name.size() > length : name.size() == length) {
      if(folds_to(name.data(), pattern.text))
        return true;
    }
  }
  return false;
}

std::vector<NamePattern> NamePatternSet::patterns() const {
  std::vector<NamePattern> all;
  for(const auto& bucket : buckets_)
    all.insert(all.end(), bucket.begin(), bucket.end());
  return all;
}

TracingHeaderRules TracingHeaderRules::builtin() {
  TracingHeaderRules rules;
  for(const BuiltinTracingHeader& header : builtin_tracing_headers())
    rules.add_tracing(*parse_name_pattern(header.pattern));
  return rules;
}

}  // namespace tracestrip
