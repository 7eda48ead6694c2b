// A loopback HTTP server (cpp-httplib) that records what arrives, keyed by
// request path, and answers 200 to everything.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
}

namespace tracestrip::test {

struct ArrivedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // httplib's order: by name, repeats in arrival order

  bool has(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
};

class RecordingServer {
 public:
  RecordingServer();
  ~RecordingServer();
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  int port() const { return port_; }
  std::optional<ArrivedRequest> arrived(const std::string& path) const;
  size_t count() const;

 private:
  void record(ArrivedRequest request);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, ArrivedRequest> requests_;
};

// A test fixture base (Base is ::testing::Test or TestWithParam<…>) whose
// suite shares one RecordingServer, started before its first test and
// stopped after its last.
template <typename Base>
class WithRecordingServer : public Base {
 protected:
  static void SetUpTestSuite() { server_ = new RecordingServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static RecordingServer* server_;
};
template <typename Base>
RecordingServer* WithRecordingServer<Base>::server_ = nullptr;

}  // namespace tracestrip::test
