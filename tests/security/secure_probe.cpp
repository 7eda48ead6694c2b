// Run by setuid_test.sh as a setuid/setgid copy: performs one request to a
// built-in S3 host and one to a host that only TRACESTRIP_HOSTS would make
// S3-bound, both through the loopback recorder on port argv[1], and prints
// the custom header lines each sent ("s3: ..." / "configured: ...") and the
// process's ids.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "transfer.h"

int main(int argc, char** argv) {
  if(argc < 2)
    return 2;
  int port = std::atoi(argv[1]);
  std::printf("uid=%d euid=%d gid=%d egid=%d\n", static_cast<int>(getuid()), static_cast<int>(geteuid()),
              static_cast<int>(getgid()), static_cast<int>(getegid()));
  curl_slist* list = curl_slist_append(nullptr, "traceparent: 00-1-2-01");
  list = curl_slist_append(list, "X-App: 1");
  int status = 0;
  for(const char* url :
      {"http://bucket.s3.us-east-1.amazonaws.com/setuid-s3", "http://storage.internal/setuid-configured"}) {
    tracestrip::test::Transfer transfer(port);
    transfer.set_headers(list);
    transfer.set_url(url);
    if(transfer.perform() != CURLE_OK)
      status = 1;
    std::string lines;
    for(const std::string& line : transfer.sent_custom_headers())
      lines += line + "|";
    std::printf("%s: %s\n", std::string(url).find("s3.") != std::string::npos ? "s3" : "configured", lines.c_str());
  }
  curl_slist_free_all(list);
  return status;
}
