/*
 * One S3 request through libcurl, signed by curl or by the program.
 */
#ifndef UPLOADER_S3_REQUEST_H
#define UPLOADER_S3_REQUEST_H

#include <string>
#include <utility>
#include <vector>

#include "options.h"

namespace uploader {

struct S3Request {
  std::string method; /* "PUT" or "GET" */
  std::string path;   /* on the wire, percent-encoded: "/bucket/files/..." */
  std::string body;   /* sent for PUT */
  /* Headers the application wants, in order, before the signing ones. */
  std::vector<std::pair<std::string, std::string>> headers;
};

struct S3Response {
  long status = 0;          /* 0: no HTTP answer */
  std::string body;
  std::string failure;      /* transport or local error, when status is 0 */
  std::string sent_headers; /* the request head as curl sent it */
};

S3Response send_request(const Options &options, const S3Request &request);

/* S3's XML error fields; empty when absent. */
struct S3Error {
  std::string code;
  std::string message;
  std::string canonical_request;
  std::string string_to_sign;
};

S3Error parse_error(const std::string &xml);

} // namespace uploader

#endif
