#include "transfer.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "tracestrip/text.h"

namespace tracestrip::test {

curl_slist* connect_everything_to(int port) {
  static std::mutex mutex;
  static auto* lists = new std::map<int, curl_slist*>();  // never destroyed: handles may outlive statics
  std::lock_guard<std::mutex> lock(mutex);
  curl_slist*& list = (*lists)[port];
  if(!list)
    list = curl_slist_append(nullptr, ("::127.0.0.1:" + std::to_string(port)).c_str());
  return list;
}

Transfer::Transfer(int port) : Transfer(curl_easy_init(), port) {}

Transfer::Transfer(CURL* duplicate, int port) : handle_(duplicate) {
  if(!handle_)
    throw std::runtime_error("no curl handle");
  curl_easy_setopt(handle_, CURLOPT_CONNECT_TO, connect_everything_to(port));
  curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle_, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &Transfer::discard_body);
  capture_into_this();
}

Transfer::~Transfer() {
  if(handle_)
    curl_easy_cleanup(handle_);
}

CURL* Transfer::release() {
  CURL* handle = handle_;
  handle_ = nullptr;
  return handle;
}

void Transfer::capture_into_this() {
  curl_easy_setopt(handle_, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(handle_, CURLOPT_DEBUGFUNCTION, &Transfer::on_debug);
  curl_easy_setopt(handle_, CURLOPT_DEBUGDATA, this);
}

int Transfer::on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
  if(type == CURLINFO_HEADER_OUT)
    static_cast<Transfer*>(self)->sent_.append(data, size);
  return 0;
}

size_t Transfer::discard_body(char*, size_t size, size_t count, void*) { return size * count; }

void Transfer::set_url(const std::string& url) { curl_easy_setopt(handle_, CURLOPT_URL, url.c_str()); }

void Transfer::set_headers(curl_slist* list) { curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, list); }

CURLcode Transfer::perform() { return curl_easy_perform(handle_); }

std::vector<std::string> Transfer::sent_custom_headers() const { return custom_header_lines(sent_); }

std::vector<std::string> custom_header_lines(const std::string& blocks) {
  std::vector<std::string> lines;
  size_t start = 0;
  bool request_line = true;
  while(start < blocks.size()) {
    size_t end = blocks.find("\r\n", start);
    if(end == std::string::npos)
      end = blocks.size();
    std::string line = blocks.substr(start, end - start);
    start = end + 2;
    if(line.empty()) {
      request_line = true;  // a block ends; another may follow
      continue;
    }
    if(request_line) {
      request_line = false;
      continue;
    }
    if(istarts_with(line, "Host:") || istarts_with(line, "Accept:"))
      continue;
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> list_entries(const curl_slist* list) {
  std::vector<std::string> entries;
  for(; list; list = list->next)
    entries.emplace_back(list->data);
  return entries;
}

}  // namespace tracestrip::test
