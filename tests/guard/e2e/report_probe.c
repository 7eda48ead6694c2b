/* A small libcurl program for the report tests: it adds tracing headers of
 * its own — from a string literal and from a stack buffer — and sends one
 * request to an S3 host and one to another host, both to a loopback port. */
#include <curl/curl.h>
#include <stdio.h>

static void send_to(const char* url, struct curl_slist* headers, struct curl_slist* connect_to) {
  CURL* handle = curl_easy_init();
  curl_easy_setopt(handle, CURLOPT_URL, url);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_CONNECT_TO, connect_to);
  curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  curl_easy_perform(handle);
  curl_easy_cleanup(handle);
}

int main(int argc, char** argv) {
  char b3[64];
  char connect[64];
  struct curl_slist* headers = NULL;
  struct curl_slist* connect_to = NULL;
  if(argc < 2)
    return 2;
  snprintf(b3, sizeof b3, "b3: %s", "80f198ee56343ba8-e457b5a2e4d86bd1-1");
  snprintf(connect, sizeof connect, "::127.0.0.1:%s", argv[1]);
  headers = curl_slist_append(headers, "X-App: report-probe");
  headers = curl_slist_append(headers, "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  headers = curl_slist_append(headers, b3);
  connect_to = curl_slist_append(connect_to, connect);
  send_to("http://bucket.s3.us-east-1.amazonaws.com/report-s3", headers, connect_to);
  send_to("http://api.example.com/report-other", headers, connect_to);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  return 0;
}
