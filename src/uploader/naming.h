/*
 * Object keys, content types and URL pieces, as the story's upload service
 * makes them.
 */
#ifndef UPLOADER_NAMING_H
#define UPLOADER_NAMING_H

#include <ctime>
#include <string>

namespace uploader {

/* "files/YYYY/MM/DD/<uuid>_<original name>", date in UTC. */
std::string object_key(const std::string &original_name, std::time_t now);

/* A random (version 4) UUID. */
std::string random_uuid();

/* Content type from the file name's extension; application/octet-stream
   when it is unknown. */
std::string guess_content_type(const std::string &file_name);

/* The last component of a path. */
std::string base_name(const std::string &path);

/* Percent-encodes everything but A-Z a-z 0-9 - . _ ~ and '/', the way S3
   wants an object key in the path. */
std::string encode_path(const std::string &path);

/* "127.0.0.1:9000" from "http://127.0.0.1:9000/...", for the Host header. */
std::string authority_of(const std::string &url);

} // namespace uploader

#endif
