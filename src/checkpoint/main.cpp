// tracestrip-checkpoint: see usage_text() in options.cpp.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <thread>

#include "checkpoint_server.h"
#include "options.h"

using tracestrip::checkpoint::CheckpointServer;

namespace {

// SIGINT and SIGTERM are blocked in every thread and taken by sigwait()
// in one thread of ours, which may then call stop() safely; a signal
// handler could not.
sigset_t stop_signals()
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

int main(int argc, char **argv)
{
  tracestrip::checkpoint::ParsedOptions options =
      tracestrip::checkpoint::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if(options.show_help) {
    std::cout << tracestrip::checkpoint::usage_text();
    return 0;
  }
  if(!options.error.empty()) {
    std::cerr << "tracestrip-checkpoint: " << options.error << "\n"
              << "Try 'tracestrip-checkpoint --help'.\n";
    return 2;
  }

  sigset_t signals = stop_signals();
  // Before any thread exists, so that httplib's workers inherit the mask.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    options.config.log = &std::cout;
    CheckpointServer server(options.config);
    int port = server.bind();
    if(port < 0) {
      std::cerr << "tracestrip-checkpoint: cannot listen on " << options.config.bind_address
                << ":" << options.config.port << "\n";
      return 1;
    }
    std::cout << "listening on " << options.config.bind_address << ":" << port << std::endl;

    std::atomic<bool> done{false};
    std::thread waiter([&server, &done, signals] {
      int signal_number = 0;
      sigwait(&signals, &signal_number);
      // stop() does nothing until serve() is running: a signal that came
      // right after bind() must not be lost, so ask until serve() returns.
      while(!done) {
        server.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    bool served = server.serve();
    done = true;
    // serve() may also end on its own; wake the waiter so it can be joined.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::cout << "stopped" << std::endl;
    return served ? 0 : 1;
  }
  catch(const std::exception &error) {
    std::cerr << "tracestrip-checkpoint: " << error.what() << "\n";
    return 1;
  }
}
