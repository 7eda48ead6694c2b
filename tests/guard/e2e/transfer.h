// An easy handle aimed at the recording server whatever host its URL names
// (CURLOPT_CONNECT_TO), capturing the exact header block curl sends.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <string>
#include <vector>

namespace tracestrip::test {

// A list that outlives every handle using it (duphandle copies the pointer).
curl_slist* connect_everything_to(int port);

class Transfer {
 public:
  explicit Transfer(int port);
  // Wraps a handle from curl_easy_duphandle; points its capture at this object.
  Transfer(CURL* duplicate, int port);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* handle() const { return handle_; }
  void set_url(const std::string& url);
  void set_headers(curl_slist* list);
  CURLcode perform();

  // Header lines the application contributed, as sent, in order: the request
  // line and curl's own Host/Accept are left out.
  std::vector<std::string> sent_custom_headers() const;
  void forget_sent() { sent_.clear(); }
  // Releases ownership without curl_easy_cleanup (the test cleans up itself).
  CURL* release();

 private:
  void capture_into_this();
  static size_t discard_body(char*, size_t size, size_t count, void*);
  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self);

  CURL* handle_ = nullptr;
  std::string sent_;
};

// The custom header lines of one or more raw header blocks.
std::vector<std::string> custom_header_lines(const std::string& blocks);

// Entries of a list, in order.
std::vector<std::string> list_entries(const curl_slist* list);

}  // namespace tracestrip::test
