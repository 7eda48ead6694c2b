#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace uploader {

namespace {

std::string from_env(const char *name, const char *fallback = "")
{
  const char *value = std::getenv(name);
  return (value && *value) ? value : fallback;
}

/* Reads the value of an option given as "--name value" or "--name=value". */
bool take_value(int argc, char **argv, int &i, const char *name, std::string &out)
{
  size_t len = std::strlen(name);
  if(std::strncmp(argv[i], name, len) != 0)
    return false;
  if(argv[i][len] == '=') {
    out = argv[i] + len + 1;
    return true;
  }
  if(argv[i][len] != '\0')
    return false;
  if(i + 1 >= argc) {
    std::fprintf(stderr, "s3-legacy-upload: %s needs a value\n", name);
    std::exit(2);
  }
  out = argv[++i];
  return true;
}

} // namespace

void print_usage(const char *program)
{
  std::fprintf(stderr,
               "usage: %s [options] FILE\n"
               "  --endpoint URL        S3 endpoint, path-style (AWS_ENDPOINT_URL)\n"
               "  --region REGION       (AWS_REGION, AWS_DEFAULT_REGION; us-east-1)\n"
               "  --bucket NAME         bucket to upload to (S3_BUCKET)\n"
               "  --access-key ID       (AWS_ACCESS_KEY_ID)\n"
               "  --secret-key SECRET   (AWS_SECRET_ACCESS_KEY)\n"
               "  --sign curl|app       who signs: libcurl's CURLOPT_AWS_SIGV4 or this program\n"
               "  --interface easy|multi\n"
               "  --content-type TYPE   instead of guessing from the extension\n"
               "  --meta KEY=VALUE      sent as x-amz-meta-KEY (repeatable)\n"
               "  --create-bucket       create the bucket first\n"
               "  --verbose             print each request's headers as sent\n",
               program);
}

bool parse_options(int argc, char **argv, Options &o)
{
  o.endpoint = from_env("AWS_ENDPOINT_URL");
  o.region = from_env("AWS_REGION", from_env("AWS_DEFAULT_REGION", "us-east-1").c_str());
  o.bucket = from_env("S3_BUCKET");
  o.access_key = from_env("AWS_ACCESS_KEY_ID");
  o.secret_key = from_env("AWS_SECRET_ACCESS_KEY");

  for(int i = 1; i < argc; ++i) {
    std::string value;
    if(take_value(argc, argv, i, "--endpoint", o.endpoint) ||
       take_value(argc, argv, i, "--region", o.region) ||
       take_value(argc, argv, i, "--bucket", o.bucket) ||
       take_value(argc, argv, i, "--access-key", o.access_key) ||
       take_value(argc, argv, i, "--secret-key", o.secret_key) ||
       take_value(argc, argv, i, "--content-type", o.content_type))
      continue;
    if(take_value(argc, argv, i, "--sign", value)) {
      if(value != "curl" && value != "app") {
        std::fprintf(stderr, "s3-legacy-upload: --sign is curl or app\n");
        return false;
      }
      o.signing = value == "app" ? Signing::app : Signing::curl;
    }
    else if(take_value(argc, argv, i, "--interface", value)) {
      if(value != "easy" && value != "multi") {
        std::fprintf(stderr, "s3-legacy-upload: --interface is easy or multi\n");
        return false;
      }
      o.interface = value == "multi" ? Interface::multi : Interface::easy;
    }
    else if(take_value(argc, argv, i, "--meta", value)) {
      size_t eq = value.find('=');
      if(eq == std::string::npos || eq == 0) {
        std::fprintf(stderr, "s3-legacy-upload: --meta wants KEY=VALUE\n");
        return false;
      }
      o.metadata.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
    else if(std::strcmp(argv[i], "--create-bucket") == 0)
      o.create_bucket = true;
    else if(std::strcmp(argv[i], "--verbose") == 0)
      o.verbose = true;
    else if(argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "s3-legacy-upload: unknown option %s\n", argv[i]);
      return false;
    }
    else if(o.file.empty())
      o.file = argv[i];
    else {
      std::fprintf(stderr, "s3-legacy-upload: one file at a time\n");
      return false;
    }
  }

  const char *missing = o.file.empty()       ? "FILE"
                        : o.endpoint.empty() ? "--endpoint (or AWS_ENDPOINT_URL)"
                        : o.bucket.empty()   ? "--bucket"
                        : o.access_key.empty() ? "--access-key (or AWS_ACCESS_KEY_ID)"
                        : o.secret_key.empty() ? "--secret-key (or AWS_SECRET_ACCESS_KEY)"
                                               : nullptr;
  if(missing) {
    std::fprintf(stderr, "s3-legacy-upload: missing %s\n", missing);
    return false;
  }
  while(!o.endpoint.empty() && o.endpoint.back() == '/')
    o.endpoint.pop_back();
  return true;
}

} // namespace uploader
