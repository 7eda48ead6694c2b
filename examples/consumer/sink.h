// A loopback HTTP sink for the example's tests: accepts requests on a free
// port of 127.0.0.1, remembers each one's path and header names (lower-cased),
// and answers 200.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

class Sink {
 public:
  Sink() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if(fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd_, 16) != 0 ||
       getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      return;
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Sink() {
    stop_ = true;
    if(fd_ >= 0)
      shutdown(fd_, SHUT_RDWR);
    if(thread_.joinable())
      thread_.join();
    if(fd_ >= 0)
      close(fd_);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  int port() const { return port_; }
  // Header names that arrived for `path` (requests for it so far).
  std::set<std::string> headers_for(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = seen_.find(path);
    return found == seen_.end() ? std::set<std::string>{} : found->second;
  }
  bool received(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_.count(path) != 0;
  }

 private:
  void serve() {
    while(!stop_) {
      const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if(client < 0)
        continue;
      handle(client);
      close(client);
    }
  }
  void handle(int client) {
    std::string data;
    char buffer[4096];
    size_t end = std::string::npos;
    while((end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = read(client, buffer, sizeof buffer);
      if(n <= 0)
        return;
      data.append(buffer, static_cast<size_t>(n));
    }
    const size_t line_end = data.find("\r\n");
    const std::string request_line = data.substr(0, line_end);
    const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    const std::string path = sp1 < sp2 ? request_line.substr(sp1 + 1, sp2 - sp1 - 1) : "";
    std::set<std::string> names;
    size_t content_length = 0;
    for(size_t at = line_end + 2; at < end;) {
      size_t next = data.find("\r\n", at);
      const std::string line = data.substr(at, next - at);
      at = next + 2;
      const size_t colon = line.find(':');
      if(colon == std::string::npos)
        continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if(name == "content-length")
        content_length = std::stoul(line.substr(colon + 1));
      names.insert(name);
    }
    size_t body = data.size() - (end + 4);
    while(body < content_length) {
      const ssize_t n = read(client, buffer, sizeof buffer);
      if(n <= 0)
        break;
      body += static_cast<size_t>(n);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_[path].insert(names.begin(), names.end());
    }
    const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if(write(client, answer, sizeof answer - 1) < 0)
      return;
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> seen_;
};
