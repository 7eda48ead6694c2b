/* libpltagent.so - a test agent for the load-order matrix that, unlike
 * libdemoagent.so, calls libcurl through its PLT: it links libcurl and calls
 * curl_slist_append and curl_easy_setopt by name, so those calls bind to the
 * first definition in the global scope (tracestrip's, wherever tracestrip is
 * in LD_PRELOAD). Only its own interposed entry points reach the next
 * definition with dlsym(RTLD_NEXT), as every interposer must.
 *
 * At each transfer (curl_easy_perform, curl_multi_add_handle) it opens a span
 * and installs a new header list: its traceparent and x-b3-spanid first, then
 * the application's entries. PLT_AGENT_LOG=1 reports to stderr. */
#define _GNU_SOURCE
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_HANDLES 256

static struct {
  CURL* handle;
  struct curl_slist* app;   /* the application's CURLOPT_HTTPHEADER */
  struct curl_slist* owned; /* the list this agent installed */
} table[MAX_HANDLES];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int inside_agent;
static __thread CURL* performing;

static int slot_of(CURL* handle, int create) {
  int i, free_slot = -1;
  for(i = 0; i < MAX_HANDLES; i++) {
    if(table[i].handle == handle)
      return i;
    if(!table[i].handle && free_slot < 0)
      free_slot = i;
  }
  if(create && free_slot >= 0) {
    table[free_slot].handle = handle;
    table[free_slot].app = NULL;
    table[free_slot].owned = NULL;
    return free_slot;
  }
  return -1;
}

static void log_added(const char* header, const char* where) {
  const char* on = getenv("PLT_AGENT_LOG");
  if(on && *on == '1')
    fprintf(stderr, "pltagent: added \"%s\" at %s\n", header, where);
}

/* The span's headers, then the application's, built and installed through
 * the PLT (curl_slist_append, curl_easy_setopt). */
static void inject(CURL* handle, const char* where) {
  char traceparent[96], spanid[48];
  struct curl_slist *list = NULL, *node, *previous = NULL, *app = NULL;
  unsigned long long span =
      ((unsigned long long)rand() << 32) ^ (unsigned long long)rand() ^ (unsigned long long)time(NULL);
  int i;

  pthread_mutex_lock(&lock);
  i = slot_of(handle, 0);
  if(i >= 0)
    app = table[i].app;
  pthread_mutex_unlock(&lock);

  snprintf(traceparent, sizeof traceparent, "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-%016llx-01", span);
  snprintf(spanid, sizeof spanid, "x-b3-spanid: %016llx", span);
  list = curl_slist_append(list, traceparent);
  if(list)
    curl_slist_append(list, spanid);
  for(node = app; list && node; node = node->next)
    curl_slist_append(list, node->data);
  if(!list)
    return;
  inside_agent = 1;
  if(curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list) != CURLE_OK) {
    inside_agent = 0;
    curl_slist_free_all(list);
    return;
  }
  inside_agent = 0;
  log_added(traceparent, where);
  log_added(spanid, where);
  pthread_mutex_lock(&lock);
  i = slot_of(handle, 1);
  if(i >= 0) {
    previous = table[i].owned;
    table[i].owned = list;
  }
  pthread_mutex_unlock(&lock);
  if(previous)
    curl_slist_free_all(previous);
}

CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  static CURLcode (*next)(CURL*, CURLoption, ...);
  va_list args;
  if(!next)
    next = (CURLcode(*)(CURL*, CURLoption, ...))dlsym(RTLD_NEXT, "curl_easy_setopt");
  if(!next)
    return CURLE_FAILED_INIT;
  va_start(args, option);
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
    CURLcode rc;
    va_end(args);
    rc = next(handle, option, value);
    if(rc == CURLE_OK && option == CURLOPT_HTTPHEADER && !inside_agent) {
      int i;
      pthread_mutex_lock(&lock);
      i = slot_of(handle, 1);
      if(i >= 0)
        table[i].app = value;
      pthread_mutex_unlock(&lock);
    }
    return rc;
  }
}

CURLcode curl_easy_perform(CURL* handle) {
  static CURLcode (*next)(CURL*);
  CURL* outer = performing;
  CURLcode rc;
  if(!next)
    next = (CURLcode(*)(CURL*))dlsym(RTLD_NEXT, "curl_easy_perform");
  if(!next)
    return CURLE_FAILED_INIT;
  inject(handle, "curl_easy_perform");
  performing = handle;
  rc = next(handle);
  performing = outer;
  return rc;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* handle) {
  static CURLMcode (*next)(CURLM*, CURL*);
  if(!next)
    next = (CURLMcode(*)(CURLM*, CURL*))dlsym(RTLD_NEXT, "curl_multi_add_handle");
  if(!next)
    return CURLM_INTERNAL_ERROR;
  if(handle != performing)
    inject(handle, "curl_multi_add_handle");
  return next(multi, handle);
}
