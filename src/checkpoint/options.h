// Command line of tracestrip-checkpoint.
#ifndef TRACESTRIP_CHECKPOINT_OPTIONS_H
#define TRACESTRIP_CHECKPOINT_OPTIONS_H

#include <string>
#include <vector>

#include "checkpoint_server.h"

namespace tracestrip::checkpoint {

struct ParsedOptions {
  CheckpointConfig config;
  bool show_help = false;
  std::string error;  // non-empty: print it and exit 2
};

// Reads --opt VALUE and --opt=VALUE; the keys fall back to
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
ParsedOptions parse_options(const std::vector<std::string> &args);

const char *usage_text();

}  // namespace tracestrip::checkpoint

#endif
