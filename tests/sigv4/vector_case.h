// Reads one folder of the AWS SigV4 test suite: request.txt and context.json.
#ifndef TRACESTRIP_TESTS_SIGV4_VECTOR_CASE_H
#define TRACESTRIP_TESTS_SIGV4_VECTOR_CASE_H

#include <filesystem>
#include <string>
#include <vector>

#include "tracestrip/sigv4/request.h"
#include "tracestrip/sigv4/signer.h"

namespace tracestrip::sigv4::testing {

struct VectorCase {
  std::string name;
  HttpRequest request;
  std::string body;
  SigningConfig config;     // as context.json describes it
  bool sign_body = false;
};

// The vector folder: $TRACESTRIP_SIGV4_VECTORS, else the path CMake baked in.
std::filesystem::path vector_root();

// Names of the case folders (those holding a request.txt), sorted.
std::vector<std::string> vector_names();

// Whole file as bytes; throws when it cannot be read.
std::string read_file(const std::filesystem::path &path);

// Parses "METHOD target HTTP/1.1", header lines (a line starting with a
// blank continues the previous value) and the body after the blank line.
void parse_request_text(const std::string &text, HttpRequest &request, std::string &body);

VectorCase load_vector(const std::string &name);

}  // namespace tracestrip::sigv4::testing

#endif
