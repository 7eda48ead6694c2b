/*
 * Command line and environment of s3-legacy-upload.
 */
#ifndef UPLOADER_OPTIONS_H
#define UPLOADER_OPTIONS_H

#include <string>
#include <utility>
#include <vector>

namespace uploader {

enum class Signing { curl, app };
enum class Interface { easy, multi };

struct Options {
  std::string file;             /* what to upload */
  std::string endpoint;         /* http://127.0.0.1:PORT, path-style */
  std::string region;
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  std::string content_type;     /* empty: guessed from the file name */
  std::vector<std::pair<std::string, std::string>> metadata; /* --meta k=v */
  Signing signing = Signing::curl;
  Interface interface = Interface::easy;
  bool create_bucket = false;
  bool verbose = false;         /* print every request's headers as sent */
};

/* Parses argv (falling back to AWS_* variables); on a usage error prints why
   to stderr and returns false. */
bool parse_options(int argc, char **argv, Options &options);

void print_usage(const char *program);

} // namespace uploader

#endif
