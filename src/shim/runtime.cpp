#include "runtime.h"

#include "report.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tracestrip::shim {

namespace {

bool is_privileged_process() { return getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid(); }

const char* lookup_environment(const char* name, void*) { return std::getenv(name); }

void write_stderr_line(const std::string& message) { write_all(STDERR_FILENO, "tracestrip: " + message + "\n"); }

Config load_config() {
  if(is_privileged_process())
    return default_config();
  Config loaded = parse_config(lookup_environment, nullptr);
  for(const std::string& problem : loaded.problems)
    write_stderr_line(problem);
  return loaded;
}

// Append-only, close-on-exec, never through a symlink, readable by the owner only.
int open_log_file(const std::string& path) {
  return open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int log_descriptor() {
  static int fd = [] {
    const Config& settings = config();
    if(settings.log_kind == LogKind::Stderr)
      return STDERR_FILENO;
    if(settings.log_kind != LogKind::File)
      return -1;
    int opened = open_log_file(settings.log_path);
    if(opened < 0)
      write_stderr_line("TRACESTRIP_LOG: cannot open '" + settings.log_path + "' (" + std::strerror(errno) +
                        "); not logging");
    return opened;
  }();
  return fd;
}

}  // namespace

void write_all(int fd, std::string_view text) {
  size_t done = 0;
  while(done < text.size()) {
    ssize_t written = write(fd, text.data() + done, text.size() - done);
    if(written <= 0)
      return;
    done += static_cast<size_t>(written);
  }
}

const Config& config() {
  static const Config* settings = [] {
    auto* loaded = new Config(load_config());
    if(loaded->report_kind != LogKind::Off)
      write_report_at_exit();
    return loaded;
  }();
  return *settings;
}

bool log_enabled() { return config().log_kind != LogKind::Off && log_descriptor() >= 0; }

void log_record(const LogRecord& record) {
  int fd = log_descriptor();
  if(fd < 0)
    return;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  long long millis = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  // One write() per line: lines from threads and processes sharing the file do not interleave.
  write_all(fd, format_log_line(record, millis, static_cast<long>(getpid())));
}

void warn_once(const char* key, const char* message) noexcept {
  // No allocation here: this is what runs when an allocation failed.
  static std::atomic<const char*> said[32];
  for(std::atomic<const char*>& slot : said) {
    const char* taken = slot.load(std::memory_order_acquire);
    if(!taken && slot.compare_exchange_strong(taken, key, std::memory_order_acq_rel))
      break;  // first time for this key
    if(taken && std::strcmp(taken, key) == 0)
      return;
  }
  char line[1024];
  int length = std::snprintf(line, sizeof line, "tracestrip: %s\n", message);
  if(length > 0)
    write_all(STDERR_FILENO, std::string_view(line, std::min(sizeof line - 1, static_cast<size_t>(length))));
}

}  // namespace tracestrip::shim
