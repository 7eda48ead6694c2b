/*
 * --sign app: the program signs its requests itself, as legacy code does.
 * It builds its header list with curl_slist_append, walks that list to sign
 * every header in it, and appends the Authorization header last.
 */
#ifndef UPLOADER_APP_SIGNER_H
#define UPLOADER_APP_SIGNER_H

#include <string>

#include <curl/curl.h>

#include "options.h"

namespace uploader {

/* False when the program was built without the SigV4 library. */
bool app_signing_available();

/* Hex SHA-256 of the body, for x-amz-content-sha256. */
std::string payload_sha256(const std::string &body);

/*
 * Appends x-amz-content-sha256, x-amz-date and host to `list`, signs every
 * header the list then holds, and appends Authorization. Returns the list's
 * head (NULL and `error` set on failure).
 */
struct curl_slist *sign_header_list(struct curl_slist *list, const Options &options,
                                    const std::string &method, const std::string &path,
                                    const std::string &payload_hash, std::string &error);

} // namespace uploader

#endif
