/*
 * The tracing side of the demo agent: which propagation headers it writes
 * and the span identifiers that go into them. Nothing here knows about curl.
 */
#ifndef DEMOAGENT_PROPAGATION_H
#define DEMOAGENT_PROPAGATION_H

#include <cstdint>
#include <string>
#include <vector>

namespace demoagent {

/* Header sets, as bits so that DEMOAGENT_STYLE=all can ask for every one. */
enum Style : unsigned {
  STYLE_PINPOINT = 1u << 0,
  STYLE_W3C = 1u << 1,
  STYLE_B3 = 1u << 2,
  STYLE_DATADOG = 1u << 3,
  STYLE_ALL = STYLE_PINPOINT | STYLE_W3C | STYLE_B3 | STYLE_DATADOG
};

/* What the environment asked for, read once. */
struct Config {
  unsigned styles = STYLE_PINPOINT; /* DEMOAGENT_STYLE */
  bool layer1 = true;               /* DEMOAGENT_LAYERS has 1 */
  bool layer2 = true;               /* DEMOAGENT_LAYERS has 2 */
  bool log = false;                 /* DEMOAGENT_LOG=1 */
  std::string app_name;             /* DEMOAGENT_APP_NAME, Pinpoint-pAppName */
};

const Config &config();

/*
 * One span of the process' single trace. A real agent keeps a trace per
 * incoming request; a command-line program has just one "transaction".
 */
struct Span {
  std::uint64_t span_id = 0;
  std::uint64_t parent_id = 0; /* 0: the span is the trace's root */
};

/* A new span whose parent is `parent_id` (0 for a root span). */
Span new_span(std::uint64_t parent_id);

/*
 * The "Name: value" lines that carry `span` to the next service, for every
 * style in config(). `host` is the destination (Pinpoint-Host).
 */
std::vector<std::string> propagation_headers(const Span &span, const std::string &host);

} // namespace demoagent

#endif
