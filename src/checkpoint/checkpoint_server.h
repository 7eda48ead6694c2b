// tracestrip-checkpoint: a loopback S3 endpoint that checks SigV4 the way
// S3 does and prints what each request carried.
#ifndef TRACESTRIP_CHECKPOINT_CHECKPOINT_SERVER_H
#define TRACESTRIP_CHECKPOINT_CHECKPOINT_SERVER_H

#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace tracestrip::checkpoint {

struct CheckpointConfig {
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::filesystem::path data_dir;  // empty: objects live in memory only
  std::ostream *log = nullptr;     // request lines; nullptr: none
  std::function<std::time_t()> clock;  // empty: the system clock
};

class CheckpointServer {
public:
  explicit CheckpointServer(CheckpointConfig config);
  ~CheckpointServer();
  CheckpointServer(const CheckpointServer &) = delete;
  CheckpointServer &operator=(const CheckpointServer &) = delete;

  // Binds the listening socket; returns the port, or -1.
  int bind();
  // Serves until stop(); false when serving failed.
  bool serve();
  // Safe from another thread (not from a signal handler).
  void stop();

private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tracestrip::checkpoint

#endif
