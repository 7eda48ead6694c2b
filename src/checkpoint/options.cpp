#include "options.h"

#include <cstdlib>

namespace tracestrip::checkpoint {

namespace {

std::string env_or_empty(const char *name)
{
  const char *value = std::getenv(name);
  return value ? value : "";
}

bool parse_port(const std::string &text, int &port)
{
  if(text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
     text.size() > 5)
    return false;
  port = std::stoi(text);
  return port <= 65535;
}

}  // namespace

const char *usage_text()
{
  return "usage: tracestrip-checkpoint [options]\n"
         "\n"
         "A loopback S3 endpoint that checks AWS SigV4 signatures as S3 does and prints,\n"
         "per request, the method, path, verdict and the headers that arrived (secret\n"
         "values hidden). Point an S3 client at http://127.0.0.1:PORT (path-style) or at\n"
         "http://BUCKET.localhost:PORT (virtual-hosted) and see what left the process.\n"
         "\n"
         "  --port N          port to listen on; 0 (default) picks a free one\n"
         "  --bind ADDR       address to bind (default 127.0.0.1)\n"
         "  --access-key ID   access key id to accept (default $AWS_ACCESS_KEY_ID)\n"
         "  --secret-key KEY  its secret (default $AWS_SECRET_ACCESS_KEY)\n"
         "  --region NAME     region requests must be signed for (default us-east-1)\n"
         "  --data-dir DIR    keep buckets and objects under DIR (default: in memory)\n"
         "  --help            show this text\n"
         "\n"
         "The first line printed is \"listening on ADDR:PORT\". SIGINT or SIGTERM stop it.\n";
}

ParsedOptions parse_options(const std::vector<std::string> &args)
{
  ParsedOptions parsed;
  CheckpointConfig &config = parsed.config;
  config.access_key = env_or_empty("AWS_ACCESS_KEY_ID");
  config.secret_key = env_or_empty("AWS_SECRET_ACCESS_KEY");

  for(size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool inline_value = false;
    if(size_t equals = name.find('='); name.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      inline_value = true;
    }
    if(name == "--help" || name == "-h") {
      parsed.show_help = true;
      return parsed;
    }
    static const char *const valued[] = {"--port", "--bind", "--access-key", "--secret-key",
                                         "--region", "--data-dir"};
    bool known = false;
    for(const char *option : valued)
      known = known || name == option;
    if(!known) {
      parsed.error = "unknown option '" + args[i] + "'";
      return parsed;
    }
    if(!inline_value) {
      if(i + 1 >= args.size()) {
        parsed.error = "option " + name + " needs a value";
        return parsed;
      }
      value = args[++i];
    }
    if(name == "--port" && !parse_port(value, config.port)) {
      parsed.error = "--port wants a number from 0 to 65535, not '" + value + "'";
      return parsed;
    }
    if(name == "--bind")
      config.bind_address = value;
    else if(name == "--access-key")
      config.access_key = value;
    else if(name == "--secret-key")
      config.secret_key = value;
    else if(name == "--region")
      config.region = value;
    else if(name == "--data-dir")
      config.data_dir = value;
  }
  if(config.access_key.empty() || config.secret_key.empty())
    parsed.error = "no credentials: pass --access-key and --secret-key or set "
                   "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  return parsed;
}

}  // namespace tracestrip::checkpoint
