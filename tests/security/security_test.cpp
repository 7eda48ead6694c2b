// Security properties of the preloaded shim (issue 6). Run by the scripts
// and ctest entries in this folder with the shim preloaded.
//   Secrets.*      drive requests carrying credentials with distinctive values
//                  (the script then greps every log line for them)
//   LogFile.*      the log descriptor: append-only, close-on-exec, mode 0600
//   OnlyRemoves.*  tracestrip never adds a header, never changes a value,
//                  never touches the body
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "recording_server.h"
#include "transfer.h"

namespace tracestrip::test {
namespace {

bool stripping() {
  const char* mode = std::getenv("TRACESTRIP_MODE");
  return !mode || std::string(mode) == "strip";
}

curl_slist* make_list(const std::vector<std::string>& entries) {
  curl_slist* list = nullptr;
  for(const std::string& entry : entries)
    list = curl_slist_append(list, entry.c_str());
  return list;
}

// The distinctive values; tests/security/log_secrets_test.sh greps for them.
const std::vector<std::string> kSecretHeaders = {
    "Authorization: Bearer SECRETauthz0001",      "Proxy-Authorization: Basic SECRETproxy0002",
    "Cookie: session=SECRETcookie0003",           "x-amz-security-token: SECRETtoken0004",
    "x-amz-s3session-token: SECRETs3session0005",
};

class Secrets : public WithRecordingServer<::testing::Test> {};

TEST_F(Secrets, CredentialsWithTracingHeadersToS3AndOther) {
  std::vector<std::string> entries = kSecretHeaders;
  entries.push_back("traceparent: 00-SECRETtrace0006-01");
  entries.push_back("b3: SECRETb3value0007");
  curl_slist* list = make_list(entries);
  for(const char* url : {"http://bucket.s3.us-east-1.amazonaws.com/secrets-s3", "http://api.example.com/secrets-other",
                         "http://storage.internal/secrets-configured"}) {
    Transfer transfer(server_->port());
    transfer.set_headers(list);
    transfer.set_url(url);
    EXPECT_EQ(transfer.perform(), CURLE_OK);
  }
  curl_slist_free_all(list);
}

TEST_F(Secrets, SignedRequestKeptSignedAndRefusedAppend) {
  // An application-signed S3 request whose signature covers traceparent
  // (kept-signed warning) and a tracing header appended to a signing list
  // (append-refused): both log paths, with secrets in the list.
  // traceparent goes in first: appended after the signing headers it would be refused.
  std::vector<std::string> entries = {
      "traceparent: 00-SECRETtrace0006-01",
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDSECRETakid0008/20240101/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;traceparent;x-amz-date;x-amz-security-token, "
      "Signature=5ec2e7000000000000000000000000000000000000000000000000000000beef",
      "x-amz-date: 20240101T000000Z", "x-amz-security-token: SECRETtoken0004", "Cookie: session=SECRETcookie0003"};
  curl_slist* list = make_list(entries);
  list = curl_slist_append(list, "tracestate: SECRETstate0009");  // refused in strip mode
  Transfer transfer(server_->port());
  transfer.set_headers(list);
  transfer.set_url("http://api.example.com/secrets-signed");
  EXPECT_EQ(transfer.perform(), CURLE_OK);
  curl_slist_free_all(list);
}

// ---- the log file ----------------------------------------------------------------

int find_log_fd(const std::string& path) {
  DIR* dir = opendir("/proc/self/fd");
  if(!dir)
    return -1;
  int found = -1;
  while(dirent* entry = readdir(dir)) {
    char target[4096];
    std::string link = std::string("/proc/self/fd/") + entry->d_name;
    ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
    if(length > 0 && std::string(target, static_cast<size_t>(length)) == path)
      found = std::atoi(entry->d_name);
  }
  closedir(dir);
  return found;
}

std::string log_path() {
  const char* path = std::getenv("TRACESTRIP_LOG");
  return path && path[0] == '/' ? path : "";
}

class LogFile : public Secrets {};

void log_something(int port) {
  curl_slist* list = make_list({"traceparent: 00-1-2-01", "X-App: 1"});
  Transfer transfer(port);
  transfer.set_headers(list);
  transfer.set_url("http://bucket.s3.us-east-1.amazonaws.com/logfile");
  EXPECT_EQ(transfer.perform(), CURLE_OK);
  curl_slist_free_all(list);
}

TEST_F(LogFile, AppendOnlyCloseOnExecOwnerOnly) {
  std::string path = log_path();
  if(path.empty())
    GTEST_SKIP() << "runs where TRACESTRIP_LOG names a file";
  log_something(server_->port());
  int fd = find_log_fd(path);
  ASSERT_GE(fd, 0) << "the shim holds no descriptor for " << path;
  int status_flags = fcntl(fd, F_GETFL);
  EXPECT_TRUE(status_flags & O_APPEND);
  EXPECT_EQ(status_flags & O_ACCMODE, O_WRONLY);
  EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  struct stat info {};
  ASSERT_EQ(fstat(fd, &info), 0);
  // The runner sets umask 000: only the mode passed to open() limits it.
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(LogFile, DescriptorIsNotInheritedAcrossExec) {
  std::string path = log_path();
  if(path.empty())
    GTEST_SKIP() << "runs where TRACESTRIP_LOG names a file";
  log_something(server_->port());
  ASSERT_GE(find_log_fd(path), 0);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if(child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    // ls lists its own descriptors, as inherited over exec. No preload in the child.
    unsetenv("LD_PRELOAD");
    execl("/bin/ls", "ls", "-l", "/proc/self/fd/", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string listing;
  char buffer[4096];
  ssize_t got;
  while((got = read(pipe_fds[0], buffer, sizeof buffer)) > 0)
    listing.append(buffer, static_cast<size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(listing.find("/proc/"), std::string::npos) << listing;  // the listing worked
  EXPECT_EQ(listing.find(path), std::string::npos) << listing;
}

// ---- only removes ----------------------------------------------------------------

// A server that keeps each request's raw headers (in order) and body.
class BodyServer {
 public:
  BodyServer() {
    auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      Arrived& arrived = arrived_[request.path];
      arrived.headers = std::multimap<std::string, std::string>(request.headers.begin(), request.headers.end());
      arrived.body = request.body;
      response.set_content("ok", "text/plain");
    };
    server_.Put(".*", handler);
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while(!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~BodyServer() {
    server_.stop();
    thread_.join();
  }
  struct Arrived {
    std::multimap<std::string, std::string> headers;
    std::string body;
  };
  Arrived arrived(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrived_[path];
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, Arrived> arrived_;
};

std::string binary_body() {
  std::string body;
  for(int i = 0; i < 70000; ++i)
    body.push_back(static_cast<char>((i * 7919) & 0xff));
  body += "\r\n\r\ntraceparent: 00-in-the-body-01\r\n";
  return body;
}

std::multimap<std::string, std::string> without(std::multimap<std::string, std::string> headers,
                                                const std::vector<std::string>& names) {
  for(const std::string& name : names)
    headers.erase(name);
  return headers;
}

TEST(OnlyRemoves, PutBodyAndValuesUntouchedS3AndOther) {
  BodyServer server;
  const std::string body = binary_body();
  curl_slist* list = make_list({"traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                "X-Spaces:   a  b\t ", "Content-Type: application/octet-stream", "X-Empty;",
                                "x-amz-meta-trace: traceparent: 1", "B3: 1", "X-Utf8: \xc3\xbc"});
  std::map<std::string, BodyServer::Arrived> got;
  for(const char* host : {"bucket.s3.us-east-1.amazonaws.com", "api.example.com"}) {
    Transfer transfer(server.port());
    transfer.set_headers(list);
    std::string path = std::string("/put-") + host;
    transfer.set_url(std::string("http://") + host + path);
    curl_easy_setopt(transfer.handle(), CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(transfer.handle(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(transfer.handle(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    ASSERT_EQ(transfer.perform(), CURLE_OK);
    got[host] = server.arrived(path);
  }
  const BodyServer::Arrived& s3 = got["bucket.s3.us-east-1.amazonaws.com"];
  const BodyServer::Arrived& other = got["api.example.com"];
  EXPECT_EQ(s3.body, body);
  EXPECT_EQ(other.body, body);
  // Same headers, same values, minus the tracing ones (and the Host, which differs by design).
  std::vector<std::string> host_only = {"Host", "REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"};
  auto s3_headers = without(s3.headers, host_only);
  auto other_headers = without(other.headers, host_only);
  EXPECT_EQ(other_headers.count("traceparent"), 1u);
  EXPECT_EQ(other_headers.find("X-Spaces")->second, "a  b");  // httplib trims outer blanks only
  EXPECT_EQ(s3_headers, stripping() ? without(other_headers, {"traceparent", "B3"}) : other_headers);
  curl_slist_free_all(list);
}

}  // namespace
}  // namespace tracestrip::test
