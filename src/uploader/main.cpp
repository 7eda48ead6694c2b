/*
 * s3-legacy-upload - the native twin of the story's upload service.
 *
 * Uploads one file to S3 under files/YYYY/MM/DD/<uuid>_<name> with its
 * content type, reads it back and compares the bytes. It talks to S3 through
 * libcurl the way older programs do, which is what an APM agent preloaded
 * into it instruments. Every step prints its HTTP status; an S3 error prints
 * the error code and, when the server sends it, the server's canonical
 * request - the place where injected tracing headers show up.
 *
 * Exit status: 0 all steps succeeded, 1 a step failed, 2 usage or local error.
 */
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <curl/curl.h>

#include "app_signer.h"
#include "naming.h"
#include "options.h"
#include "s3_request.h"

using namespace uploader;

namespace {

bool read_file(const std::string &path, std::string &out)
{
  std::ifstream in(path, std::ios::binary);
  if(!in)
    return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

/* Prints each line of `text` indented, so multi-line blocks stand out. */
void print_indented(const std::string &text)
{
  std::istringstream lines(text);
  std::string line;
  while(std::getline(lines, line)) {
    if(!line.empty() && line.back() == '\r')
      line.pop_back();
    std::printf("    %s\n", line.c_str());
  }
}

void print_sent_headers(const S3Response &response)
{
  std::printf("  request as sent:\n");
  print_indented(response.sent_headers);
}

bool succeeded(const S3Response &response)
{
  return response.status >= 200 && response.status < 300;
}

/* Prints one step's outcome; on failure, everything that explains it. */
bool report(const char *step, const S3Response &response, const Options &options)
{
  if(response.status == 0) {
    std::printf("%s: failed: %s\n", step, response.failure.c_str());
    return false;
  }
  if(succeeded(response)) {
    std::printf("%s: HTTP %ld\n", step, response.status);
    if(options.verbose)
      print_sent_headers(response);
    return true;
  }
  S3Error error = parse_error(response.body);
  std::printf("%s: HTTP %ld %s\n", step, response.status,
              error.code.empty() ? "(no S3 error code)" : error.code.c_str());
  if(!error.message.empty())
    std::printf("  message: %s\n", error.message.c_str());
  if(!error.canonical_request.empty()) {
    std::printf("  server CanonicalRequest:\n");
    print_indented(error.canonical_request);
  }
  if(!error.string_to_sign.empty()) {
    std::printf("  server StringToSign:\n");
    print_indented(error.string_to_sign);
  }
  print_sent_headers(response);
  return false;
}

bool create_bucket(const Options &options)
{
  S3Request request;
  request.method = "PUT";
  request.path = "/" + encode_path(options.bucket);
  /* us-east-1 is S3's default location; any other needs saying. */
  if(options.region != "us-east-1")
    request.body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   "<LocationConstraint>" +
                   options.region + "</LocationConstraint></CreateBucketConfiguration>";
  S3Response response = send_request(options, request);
  if(response.status == 409 && parse_error(response.body).code == "BucketAlreadyOwnedByYou") {
    std::printf("create bucket %s: HTTP 409, already ours\n", options.bucket.c_str());
    return true;
  }
  std::string step = "create bucket " + options.bucket;
  return report(step.c_str(), response, options);
}

bool upload_and_verify(const Options &options, const std::string &content)
{
  std::string name = base_name(options.file);
  std::string key = object_key(name, std::time(nullptr));
  std::string type = options.content_type.empty() ? guess_content_type(name) : options.content_type;
  std::string path = "/" + encode_path(options.bucket) + "/" + encode_path(key);
  std::printf("key: %s\n", key.c_str());

  S3Request put;
  put.method = "PUT";
  put.path = path;
  put.body = content;
  put.headers.emplace_back("Content-Type", type);
  for(const auto &meta : options.metadata)
    put.headers.emplace_back("x-amz-meta-" + meta.first, meta.second);
  std::string put_step = "PUT object (" + type + ", " + std::to_string(content.size()) + " bytes)";
  if(!report(put_step.c_str(), send_request(options, put), options))
    return false;

  S3Request get;
  get.method = "GET";
  get.path = path;
  S3Response response = send_request(options, get);
  if(!report("GET object", response, options))
    return false;
  if(response.body != content) {
    std::printf("read back: %zu bytes, DIFFERENT from the %zu bytes uploaded\n",
                response.body.size(), content.size());
    return false;
  }
  std::printf("read back: %zu bytes, identical to the file\n", response.body.size());
  return true;
}

const char *signing_name(Signing s)
{
  return s == Signing::app ? "the application (SigV4 library)" : "libcurl (CURLOPT_AWS_SIGV4)";
}

} // namespace

int main(int argc, char **argv)
{
  Options options;
  if(!parse_options(argc, argv, options)) {
    print_usage(argv[0]);
    return 2;
  }
  if(options.signing == Signing::app && !app_signing_available()) {
    std::fprintf(stderr, "s3-legacy-upload: built without the SigV4 library; use --sign curl\n");
    return 2;
  }
  std::string content;
  if(!read_file(options.file, content)) {
    std::fprintf(stderr, "s3-legacy-upload: cannot read %s\n", options.file.c_str());
    return 2;
  }
  if(curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "s3-legacy-upload: curl_global_init failed\n");
    return 2;
  }

  std::printf("uploading %s to bucket %s at %s (region %s), signed by %s, %s interface\n",
              options.file.c_str(), options.bucket.c_str(), options.endpoint.c_str(),
              options.region.c_str(), signing_name(options.signing),
              options.interface == Interface::multi ? "multi" : "easy");
  bool ok = (!options.create_bucket || create_bucket(options)) && upload_and_verify(options, content);
  std::printf("result: %s\n", ok ? "upload verified" : "FAILED");
  std::fflush(stdout);
  curl_global_cleanup();
  return ok ? 0 : 1;
}
