/* A minimal stand-in for an APM agent, for the load-order tests: preloaded
 * before tracestrip, it adds a trace header when the application sets its
 * header list, and another at perform time, reaching curl through
 * dlsym(RTLD_NEXT) as real native agents do. */
#define _GNU_SOURCE
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>

#define MAX_HANDLES 64

static struct {
  CURL* handle;
  struct curl_slist* list;
} remembered[MAX_HANDLES];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct curl_slist* next_append(struct curl_slist* list, const char* data) {
  struct curl_slist* (*next)(struct curl_slist*, const char*) =
      (struct curl_slist * (*)(struct curl_slist*, const char*)) dlsym(RTLD_NEXT, "curl_slist_append");
  return next ? next(list, data) : list;
}

static void remember(CURL* handle, struct curl_slist* list) {
  int i, free_slot = -1;
  pthread_mutex_lock(&lock);
  for(i = 0; i < MAX_HANDLES; i++) {
    if(remembered[i].handle == handle) {
      remembered[i].list = list;
      pthread_mutex_unlock(&lock);
      return;
    }
    if(!remembered[i].handle && free_slot < 0)
      free_slot = i;
  }
  if(free_slot >= 0) {
    remembered[free_slot].handle = handle;
    remembered[free_slot].list = list;
  }
  pthread_mutex_unlock(&lock);
}

static struct curl_slist* recall(CURL* handle) {
  struct curl_slist* list = NULL;
  int i;
  pthread_mutex_lock(&lock);
  for(i = 0; i < MAX_HANDLES; i++)
    if(remembered[i].handle == handle)
      list = remembered[i].list;
  pthread_mutex_unlock(&lock);
  return list;
}

CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  CURLcode (*next)(CURL*, CURLoption, ...) = (CURLcode(*)(CURL*, CURLoption, ...))dlsym(RTLD_NEXT, "curl_easy_setopt");
  va_list args;
  va_start(args, option);
  if(option == CURLOPT_HTTPHEADER) {
    struct curl_slist* list = va_arg(args, struct curl_slist*);
    va_end(args);
    if(list)
      list = next_append(list, "traceparent: 00-agent-span-01");
    remember(handle, list);
    return next(handle, option, list);
  }
  if(option < CURLOPTTYPE_OBJECTPOINT) {
    long value = va_arg(args, long);
    va_end(args);
    return next(handle, option, value);
  }
  if(option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
    curl_off_t value = va_arg(args, curl_off_t);
    va_end(args);
    return next(handle, option, value);
  }
  {
    void* value = va_arg(args, void*);
    va_end(args);
    return next(handle, option, value);
  }
}

CURLcode curl_easy_perform(CURL* handle) {
  CURLcode (*next)(CURL*) = (CURLcode(*)(CURL*))dlsym(RTLD_NEXT, "curl_easy_perform");
  struct curl_slist* list = recall(handle);
  if(list)
    next_append(list, "sw8: 1-agent-span");
  return next(handle);
}
