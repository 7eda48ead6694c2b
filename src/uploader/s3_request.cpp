#include "s3_request.h"

#include <cstring>

#include <curl/curl.h>

#include "app_signer.h"

namespace uploader {

namespace {

/* The body being uploaded and how far curl has read it. */
struct Upload {
  const std::string *data;
  size_t offset;
};

size_t read_body(char *buffer, size_t size, size_t count, void *userdata)
{
  Upload *upload = static_cast<Upload *>(userdata);
  size_t left = upload->data->size() - upload->offset;
  size_t n = size * count < left ? size * count : left;
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

size_t collect_body(char *data, size_t size, size_t count, void *userdata)
{
  static_cast<std::string *>(userdata)->append(data, size * count);
  return size * count;
}

/* Keeps the request head as sent: it shows what the agent did to it. */
int collect_sent_headers(CURL *, curl_infotype type, char *data, size_t size, void *userdata)
{
  if(type == CURLINFO_HEADER_OUT)
    static_cast<std::string *>(userdata)->append(data, size);
  return 0;
}

/* The application's own header lines, in the order legacy code adds them. */
struct curl_slist *application_headers(const S3Request &request, std::string &error)
{
  struct curl_slist *list = nullptr;
  for(const auto &header : request.headers) {
    std::string line = header.first + ": " + header.second;
    struct curl_slist *grown = curl_slist_append(list, line.c_str());
    if(!grown) {
      curl_slist_free_all(list);
      error = "out of memory building the header list";
      return nullptr;
    }
    list = grown;
  }
  return list;
}

/*
 * --sign curl: curl signs at perform time with CURLOPT_AWS_SIGV4. curl 7.88
 * does not send x-amz-content-sha256, which S3 requires, so the program adds
 * it (UNSIGNED-PAYLOAD: curl cannot hash a body it reads through a callback).
 */
struct curl_slist *curl_signed_headers(CURL *curl, const Options &options,
                                       const S3Request &request, std::string &error)
{
  struct curl_slist *list = application_headers(request, error);
  if(!error.empty())
    return nullptr;
  struct curl_slist *grown = curl_slist_append(list, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
  if(!grown) {
    curl_slist_free_all(list);
    error = "out of memory building the header list";
    return nullptr;
  }
  std::string sigv4 = "aws:amz:" + options.region + ":s3";
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, options.access_key.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options.secret_key.c_str());
  return grown;
}

/* --sign app: the program signs its own list; see app_signer.h. */
struct curl_slist *app_signed_headers(const Options &options, const S3Request &request,
                                      std::string &error)
{
  struct curl_slist *list = application_headers(request, error);
  if(!error.empty())
    return nullptr;
  return sign_header_list(list, options, request.method, request.path,
                          payload_sha256(request.body), error);
}

/* Runs the transfer with the multi interface, as event-driven code does. */
CURLcode perform_multi(CURL *curl)
{
  CURLM *multi = curl_multi_init();
  if(!multi)
    return CURLE_OUT_OF_MEMORY;
  CURLcode result = CURLE_FAILED_INIT;
  if(curl_multi_add_handle(multi, curl) == CURLM_OK) {
    int running = 1;
    while(running) {
      if(curl_multi_perform(multi, &running) != CURLM_OK)
        break;
      if(running && curl_multi_poll(multi, nullptr, 0, 1000, nullptr) != CURLM_OK)
        break;
    }
    int queued;
    while(CURLMsg *msg = curl_multi_info_read(multi, &queued))
      if(msg->msg == CURLMSG_DONE && msg->easy_handle == curl)
        result = msg->data.result;
    curl_multi_remove_handle(multi, curl);
  }
  curl_multi_cleanup(multi);
  return result;
}

std::string between(const std::string &xml, const std::string &tag)
{
  std::string open = "<" + tag + ">";
  std::string close = "</" + tag + ">";
  size_t start = xml.find(open);
  if(start == std::string::npos)
    return std::string();
  start += open.size();
  size_t end = xml.find(close, start);
  return end == std::string::npos ? std::string() : xml.substr(start, end - start);
}

std::string unescape_xml(const std::string &text)
{
  static const struct {
    const char *entity;
    char c;
  } entities[] = {{"&lt;", '<'},   {"&gt;", '>'},    {"&quot;", '"'}, {"&apos;", '\''},
                  {"&#10;", '\n'}, {"&#xA;", '\n'},  {"&#xa;", '\n'}, {"&amp;", '&'}};
  std::string out;
  for(size_t i = 0; i < text.size();) {
    bool replaced = false;
    if(text[i] == '&') {
      for(const auto &e : entities) {
        size_t len = std::strlen(e.entity);
        if(text.compare(i, len, e.entity) == 0) {
          out += e.c;
          i += len;
          replaced = true;
          break;
        }
      }
    }
    if(!replaced)
      out += text[i++];
  }
  return out;
}

} // namespace

S3Response send_request(const Options &options, const S3Request &request)
{
  S3Response response;
  CURL *curl = curl_easy_init();
  if(!curl) {
    response.failure = "curl_easy_init failed";
    return response;
  }

  std::string error;
  struct curl_slist *headers = options.signing == Signing::app
                                 ? app_signed_headers(options, request, error)
                                 : curl_signed_headers(curl, options, request, error);
  if(!error.empty()) {
    response.failure = error;
    curl_easy_cleanup(curl);
    return response;
  }

  std::string url = options.endpoint + request.path;
  Upload upload{&request.body, 0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if(request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, collect_sent_headers);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &response.sent_headers);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds the debug callback only */
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);

  CURLcode result = options.interface == Interface::multi ? perform_multi(curl)
                                                          : curl_easy_perform(curl);
  if(result == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  else
    response.failure = curl_easy_strerror(result);

  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return response;
}

S3Error parse_error(const std::string &xml)
{
  S3Error e;
  e.code = unescape_xml(between(xml, "Code"));
  e.message = unescape_xml(between(xml, "Message"));
  e.canonical_request = unescape_xml(between(xml, "CanonicalRequest"));
  e.string_to_sign = unescape_xml(between(xml, "StringToSign"));
  return e;
}

} // namespace uploader
