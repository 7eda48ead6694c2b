/* s3-put: a tiny legacy-style uploader. It PUTs an object to an S3-style
 * virtual-hosted address, with a traceparent header of its own (as an
 * instrumented program would), then sends the same header to a non-S3 host.
 * CURLOPT_CONNECT_TO sends both to a loopback server.
 *
 *   s3-put PORT [S3_HOST [OTHER_HOST]]
 *
 * Exit status 0 when both requests got 200. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

static size_t discard(char* data, size_t size, size_t count, void* user) {
  (void)data;
  (void)user;
  return size * count;
}

static int put(const char* host, const char* path, const char* port) {
  char url[512], connect_to[512];
  snprintf(url, sizeof url, "http://%s%s", host, path);
  snprintf(connect_to, sizeof connect_to, "%s:80:127.0.0.1:%s", host, port);

  CURL* curl = curl_easy_init();
  if(!curl)
    return 1;
  struct curl_slist* connect = curl_slist_append(NULL, connect_to);
  struct curl_slist* headers = NULL;
  headers = curl_slist_append(headers, "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "hello from s3-put\n");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  printf("PUT %s -> %s, HTTP %ld\n", url, curl_easy_strerror(rc), status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
  return rc == CURLE_OK && status == 200 ? 0 : 1;
}

int main(int argc, char** argv) {
  if(argc < 2) {
    fprintf(stderr, "usage: %s PORT [S3_HOST [OTHER_HOST]]\n", argv[0]);
    return 2;
  }
  const char* s3_host = argc > 2 ? argv[2] : "example-bucket.s3.us-east-1.amazonaws.com";
  const char* other_host = argc > 3 ? argv[3] : "api.example.com";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int failed = put(s3_host, "/s3/example-key", argv[1]);
  failed |= put(other_host, "/other/example-key", argv[1]);
  curl_global_cleanup();
  return failed;
}
