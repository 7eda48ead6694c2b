// S3's error answers: status, code, message and the extra elements S3
// adds for each code (CanonicalRequest, HeadersNotSigned, ...).
#ifndef TRACESTRIP_CHECKPOINT_S3_ERRORS_H
#define TRACESTRIP_CHECKPOINT_S3_ERRORS_H

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "tracestrip/sigv4/verifier.h"

namespace tracestrip::checkpoint {

struct S3Error {
  int status = 500;
  std::string code;
  std::string message;
  std::vector<std::pair<std::string, std::string>> details;  // element, text
};

S3Error make_error(int status, std::string code, std::string message);

// The error S3 answers for a failed verification (verdict must not be kOk).
S3Error error_for(const sigv4::Verification &verification, std::time_t now);

// <?xml ...?><Error><Code>..</Code><Message>..</Message>...<RequestId>..</RequestId></Error>
std::string error_xml(const S3Error &error, const std::string &resource,
                      const std::string &request_id);

// XML text escaping for element content.
std::string xml_escape(const std::string &text);

// "41 57 53 34" - how S3 spells StringToSignBytes / CanonicalRequestBytes.
std::string spaced_hex(const std::string &bytes);

}  // namespace tracestrip::checkpoint

#endif
