// Stress under the preloaded shim: many threads, many transfers, handles
// created, duplicated, reset and cleaned up in random orders, S3-bound and
// other requests mixed; fork() while transfers are configured. Every
// transfer's sent headers are checked.
//   TRACESTRIP_STRESS_THREADS (16), TRACESTRIP_STRESS_TRANSFERS (2000 per thread),
//   TRACESTRIP_STRESS_SEED (random; printed on failure).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "recording_server.h"
#include "transfer.h"

namespace tracestrip::test {
namespace {

const std::vector<std::string> kMixed = {
    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "X-App-Request: 42",
    "B3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
    "Content-Type: text/plain",
    "x-datadog-trace-id: 1234",
};
const std::vector<std::string> kStripped = {"X-App-Request: 42", "Content-Type: text/plain"};
const std::vector<std::string> kPlain = {"X-Plain: 1", "X-Other: 2"};

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

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

// One handle and what it sent; setup() can be repeated after reset/duphandle.
struct Handle {
  CURL* curl = nullptr;
  std::string sent;
  int port = 0;

  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
    if(type == CURLINFO_HEADER_OUT)
      static_cast<Handle*>(self)->sent.append(data, size);
    return 0;
  }
  static size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

  void setup() {
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_everything_to(port));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // A kept-alive connection holds one of the recorder's worker threads:
    // with more client threads than workers, transfers would queue.
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Handle::discard);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, &Handle::on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, this);
  }
};

class Stress : public WithRecordingServer<::testing::Test> {};

TEST_F(Stress, ThreadsTransfersDuphandleResetCleanupInRandomOrders) {
  const int threads = env_int("TRACESTRIP_STRESS_THREADS", 16);
  const int transfers = env_int("TRACESTRIP_STRESS_TRANSFERS", 2000);
  const unsigned seed =
      static_cast<unsigned>(env_int("TRACESTRIP_STRESS_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  // One list shared by every thread and handle (read-only, as curl allows).
  curl_slist* shared = make_list(kMixed);
  std::atomic<int> wrong{0}, failed{0}, done{0};
  std::vector<std::thread> pool;
  for(int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937 random(seed + static_cast<unsigned>(t));
      curl_slist* own = make_list(kMixed);
      curl_slist* plain = make_list(kPlain);
      std::vector<std::unique_ptr<Handle>> handles;
      auto fresh = [&] {
        auto handle = std::make_unique<Handle>();
        handle->curl = curl_easy_init();
        handle->port = server_->port();
        handle->setup();
        return handle;
      };
      for(int i = 0; i < transfers; ++i) {
        auto action = random() % 10;
        if(handles.empty() || action == 0) {
          handles.push_back(fresh());
        }
        else if(action == 1 && handles.size() < 6) {  // duphandle keeps options (and the list)
          auto copy = std::make_unique<Handle>();
          copy->curl = curl_easy_duphandle(handles[random() % handles.size()]->curl);
          copy->port = server_->port();
          curl_easy_setopt(copy->curl, CURLOPT_DEBUGDATA, copy.get());
          handles.push_back(std::move(copy));
        }
        else if(action == 2) {  // reset: every option goes, set again
          Handle& handle = *handles[random() % handles.size()];
          curl_easy_reset(handle.curl);
          handle.setup();
        }
        else if(action == 3 && handles.size() > 1) {  // cleanup in random order
          size_t victim = random() % handles.size();
          curl_easy_cleanup(handles[victim]->curl);
          handles.erase(handles.begin() + static_cast<long>(victim));
        }
        Handle& handle = *handles[random() % handles.size()];
        auto kind = random() % 3;  // shared list, own list, plain list
        curl_slist* list = kind == 0 ? shared : kind == 1 ? own : plain;
        bool s3 = random() % 2 == 0;
        // Order of setopt calls varies too.
        std::string url = std::string(s3 ? "http://bucket.s3.us-east-1.amazonaws.com" : "http://api.example.com") +
                          "/stress-" + std::to_string(t) + "-" + std::to_string(i);
        if(random() % 2) {
          curl_easy_setopt(handle.curl, CURLOPT_URL, url.c_str());
          curl_easy_setopt(handle.curl, CURLOPT_HTTPHEADER, list);
        }
        else {
          curl_easy_setopt(handle.curl, CURLOPT_HTTPHEADER, list);
          curl_easy_setopt(handle.curl, CURLOPT_URL, url.c_str());
        }
        handle.sent.clear();
        if(curl_easy_perform(handle.curl) != CURLE_OK) {
          ++failed;
          continue;
        }
        const std::vector<std::string>& want = kind == 2 ? kPlain : (s3 && stripping() ? kStripped : kMixed);
        if(custom_header_lines(handle.sent) != want) {
          if(wrong.fetch_add(1) < 5)
            ADD_FAILURE() << "thread " << t << " transfer " << i << " (" << url << ") sent wrong headers";
        }
        ++done;
      }
      for(auto& handle : handles)
        curl_easy_cleanup(handle->curl);
      curl_slist_free_all(own);
      curl_slist_free_all(plain);
    });
  }
  for(std::thread& thread : pool)
    thread.join();
  curl_slist_free_all(shared);
  EXPECT_EQ(failed.load(), 0) << "seed " << seed;
  EXPECT_EQ(wrong.load(), 0) << "seed " << seed;
  EXPECT_EQ(done.load(), threads * transfers) << "seed " << seed;
}

// Child processes perform with the state the parent configured; fork() also
// happens while other threads are busy configuring handles (the registry's
// lock must not be inherited held).
TEST_F(Stress, ForkWhileTransfersAreConfigured) {
  curl_slist* list = make_list(kMixed);
  Handle s3{curl_easy_init(), {}, server_->port()};
  Handle other{curl_easy_init(), {}, server_->port()};
  s3.setup();
  other.setup();
  curl_easy_setopt(s3.curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(s3.curl, CURLOPT_URL, "http://bucket.s3.us-east-1.amazonaws.com/fork-s3");
  curl_easy_setopt(other.curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(other.curl, CURLOPT_URL, "http://api.example.com/fork-other");

  // Under ThreadSanitizer the parent performs once first: the shim resolves
  // the real curl lazily with dlopen(RTLD_NOLOAD), and TSan's dlopen
  // interceptor takes a lock of its own that a busy thread may hold at fork()
  // and that TSan does not reset in the child (a sanitizer limitation; glibc
  // resets its loader lock). Without TSan the child resolves lazily itself.
  if(env_int("TRACESTRIP_STRESS_WARM_UP", 0) != 0) {
    ASSERT_EQ(curl_easy_perform(other.curl), CURLE_OK);
    other.sent.clear();
  }
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> busy;
  for(int t = 0; t < 3; ++t) {
    busy.emplace_back([&] {
      // curl_easy_init takes libcurl's own global spin lock (curl 7.88), which a
      // child forked while another thread holds it can never take: that is
      // libcurl's limit, with or without tracestrip. The busy threads create
      // their base handle before the forks and then only use calls that go
      // through tracestrip's registry (setopt, duphandle, reset, cleanup).
      curl_slist* own = make_list(kMixed);
      CURL* base = curl_easy_init();
      ++ready;
      while(!stop) {
        curl_easy_setopt(base, CURLOPT_HTTPHEADER, own);
        curl_easy_setopt(base, CURLOPT_URL, "http://bucket.s3.amazonaws.com/x");
        CURL* copy = curl_easy_duphandle(base);
        curl_easy_reset(copy);
        curl_easy_cleanup(copy);
      }
      curl_easy_cleanup(base);
      curl_slist_free_all(own);
    });
  }
  while(ready < 3)
    std::this_thread::yield();
  constexpr int kForks = 40;
  int bad_children = 0;
  for(int f = 0; f < kForks; ++f) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if(child == 0) {
      alarm(30);  // a deadlock in the child fails the test instead of hanging it
      int status = 0;
      s3.sent.clear();
      other.sent.clear();
      if(curl_easy_perform(s3.curl) != CURLE_OK || curl_easy_perform(other.curl) != CURLE_OK)
        status |= 1;
      if(custom_header_lines(s3.sent) != (stripping() ? kStripped : kMixed))
        status |= 2;
      if(custom_header_lines(other.sent) != kMixed)
        status |= 4;
      // A handle created in the child works too.
      Handle fresh{curl_easy_init(), {}, s3.port};
      fresh.setup();
      curl_easy_setopt(fresh.curl, CURLOPT_HTTPHEADER, list);
      curl_easy_setopt(fresh.curl, CURLOPT_URL, "http://bucket.s3.us-east-1.amazonaws.com/fork-child");
      if(curl_easy_perform(fresh.curl) != CURLE_OK ||
         custom_header_lines(fresh.sent) != (stripping() ? kStripped : kMixed))
        status |= 8;
      _exit(status);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    if(!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ++bad_children;
      ADD_FAILURE() << "child " << f << " status " << status;
    }
  }
  stop = true;
  for(std::thread& thread : busy)
    thread.join();
  EXPECT_EQ(bad_children, 0);
  // The parent still works.
  s3.sent.clear();
  ASSERT_EQ(curl_easy_perform(s3.curl), CURLE_OK);
  EXPECT_EQ(custom_header_lines(s3.sent), stripping() ? kStripped : kMixed);
  curl_easy_cleanup(s3.curl);
  curl_easy_cleanup(other.curl);
  curl_slist_free_all(list);
}

}  // namespace
}  // namespace tracestrip::test
