/* Built when the SigV4 library (target tracestrip_sigv4) is absent. */
#include "app_signer.h"

namespace uploader {

bool app_signing_available()
{
  return false;
}

std::string payload_sha256(const std::string &)
{
  return "UNSIGNED-PAYLOAD";
}

struct curl_slist *sign_header_list(struct curl_slist *list, const Options &, const std::string &,
                                    const std::string &, const std::string &, std::string &error)
{
  curl_slist_free_all(list);
  error = "built without the SigV4 library: --sign app is not available";
  return nullptr;
}

} // namespace uploader
