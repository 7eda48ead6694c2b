#include "recording_server.h"

#include <httplib.h>

#include <chrono>
#include <stdexcept>

#include "tracestrip/text.h"

namespace tracestrip::test {

bool ArrivedRequest::has(const std::string& name) const { return !values(name).empty(); }

std::vector<std::string> ArrivedRequest::values(const std::string& name) const {
  std::vector<std::string> found;
  for(const auto& header : headers) {
    if(iequals(header.first, name))
      found.push_back(header.second);
  }
  return found;
}

RecordingServer::RecordingServer() : server_(std::make_unique<httplib::Server>()) {
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    ArrivedRequest arrived;
    arrived.method = request.method;
    arrived.path = request.path;
    for(const auto& header : request.headers)
      arrived.headers.emplace_back(header.first, header.second);
    record(std::move(arrived));
    response.set_content("ok", "text/plain");
  };
  server_->Get(".*", handler);
  server_->Put(".*", handler);
  server_->Post(".*", handler);
  // Every client thread holds a keep-alive connection, and fresh handles open more.
  server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  server_->set_keep_alive_max_count(100000);
  server_->set_tcp_nodelay(true);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if(port_ <= 0)
    throw std::runtime_error("cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while(!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

RecordingServer::~RecordingServer() {
  server_->stop();
  thread_.join();
}

void RecordingServer::record(ArrivedRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string path = request.path;
  requests_[path] = std::move(request);
}

std::optional<ArrivedRequest> RecordingServer::arrived(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = requests_.find(path);
  if(found == requests_.end())
    return std::nullopt;
  return found->second;
}

size_t RecordingServer::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}

}  // namespace tracestrip::test
