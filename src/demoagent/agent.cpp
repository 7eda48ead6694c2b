/*
 * libdemoagent.so - a small native APM agent, written to show how tracing
 * headers end up inside requests that were signed with AWS SigV4.
 *
 * Like the native agents it imitates, it is loaded with LD_PRELOAD and
 * instruments libcurl by interposition: it defines some curl functions, does
 * its tracing work, and then calls the next definition in the lookup order,
 * found with dlsym(RTLD_NEXT, ...). That next definition is libcurl itself,
 * or whichever preload comes after this one (tracestrip, when the agent is
 * listed first).
 *
 * Two instrumentation layers, each of which a real agent might have:
 *
 *  Layer 1, "header builder": when the application starts a new header list
 *  (curl_slist_append with a NULL list), the agent adds its propagation
 *  headers right after the application's first header. Whatever the
 *  application does with the list afterwards (sign it, for instance), it
 *  does with the agent's headers in it.
 *
 *  Layer 2, "client span": at every transfer (curl_easy_perform,
 *  curl_multi_add_handle) the agent opens a client span and appends that
 *  span's headers to the list the application gave with CURLOPT_HTTPHEADER,
 *  after the application built (and maybe signed) it. With layer 1 also on,
 *  names repeat with other values: exactly what breaks a signature.
 *
 * The agent does not link libcurl: curl's headers give it types only.
 * It writes nothing to stdout; DEMOAGENT_LOG=1 reports to stderr.
 */
#define CURL_DISABLE_TYPECHECK /* setopt is defined here, not type-checked */
#include <curl/curl.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <dlfcn.h>
#include <link.h>

#include "propagation.h"

#define DEMOAGENT_EXPORT extern "C" __attribute__((visibility("default")))

namespace demoagent {
namespace {

/* ---------------------------------------------------------------------
 * Finding the next definition of a curl function
 */

/* dl_iterate_phdr callback: remember loaded objects that look like libcurl. */
int collect_libcurl(struct dl_phdr_info *info, size_t, void *data)
{
  const char *name = info->dlpi_name;
  const char *base = name ? std::strrchr(name, '/') : nullptr;
  base = base ? base + 1 : name;
  if(base && std::strncmp(base, "libcurl", 7) == 0)
    static_cast<std::vector<std::string> *>(data)->push_back(name);
  return 0;
}

/*
 * When libcurl is loaded RTLD_LOCAL (Python's pycurl, for one), RTLD_NEXT
 * cannot see it although the application's calls still reach us. Then the
 * symbol is looked up in the libcurl objects actually loaded.
 */
void *find_in_loaded_libcurl(const char *name)
{
  std::vector<std::string> objects;
  dl_iterate_phdr(collect_libcurl, &objects);
  for(const std::string &object : objects) {
    void *lib = dlopen(object.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if(!lib)
      continue;
    void *sym = dlsym(lib, name);
    dlclose(lib); /* only drops the reference RTLD_NOLOAD added */
    if(sym)
      return sym;
  }
  return nullptr;
}

/*
 * The next definition of `name`, cached in `slot` once found. Not finding it
 * is not cached: libcurl may be loaded later with dlopen.
 */
template <typename Fn> Fn next_function(std::atomic<void *> &slot, const char *name)
{
  void *sym = slot.load(std::memory_order_acquire);
  if(!sym) {
    sym = dlsym(RTLD_NEXT, name);
    if(!sym)
      sym = find_in_loaded_libcurl(name);
    if(sym)
      slot.store(sym, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(sym);
}

#define NEXT(fn)                                                                                   \
  ([] {                                                                                            \
    static std::atomic<void *> slot{nullptr};                                                      \
    return next_function<decltype(&fn)>(slot, #fn);                                                \
  }())

/* ---------------------------------------------------------------------
 * Who is calling
 */

/*
 * libcurl calls some of its own exported functions (curl_slist_append while
 * it signs with CURLOPT_AWS_SIGV4, curl_easy_setopt for DoH handles). Those
 * calls bind to the preload too, but they are libcurl's business: an agent
 * instruments the application, so it lets them through untouched.
 */
bool called_from_libcurl(const void *return_address)
{
  Dl_info info;
  if(!dladdr(return_address, &info) || !info.dli_fname)
    return false;
  const char *base = std::strrchr(info.dli_fname, '/');
  base = base ? base + 1 : info.dli_fname;
  return std::strncmp(base, "libcurl", 7) == 0;
}

/* The handle this thread is inside curl_easy_perform for: curl 7.88 performs
   through the exported curl_multi_add_handle, which must not open a second
   span for the same transfer. */
thread_local CURL *performing = nullptr;

/* Host of the last URL this thread set, for layer 1's Pinpoint-Host: a
   header list is built before the agent knows which handle will send it. */
thread_local std::string last_host;

/* Layer 1's span on this thread, the parent of layer 2's next span. */
thread_local std::uint64_t last_layer1_span = 0;

/* ---------------------------------------------------------------------
 * What the agent remembers per easy handle
 */

struct HandleState {
  struct curl_slist *app_headers = nullptr;   /* the application's CURLOPT_HTTPHEADER */
  struct curl_slist *agent_headers = nullptr; /* a list of ours, when it set none */
  std::string host;                           /* from CURLOPT_URL */
};

std::mutex table_lock;
std::unordered_map<CURL *, HandleState> table;

/* Forgets `handle` and hands back the list the agent owned for it, if any.
   Called when an address may be reused: curl_easy_init, reset, cleanup. */
struct curl_slist *forget_handle(CURL *handle)
{
  std::lock_guard<std::mutex> guard(table_lock);
  auto it = table.find(handle);
  if(it == table.end())
    return nullptr;
  struct curl_slist *owned = it->second.agent_headers;
  table.erase(it);
  return owned;
}

HandleState state_of(CURL *handle)
{
  std::lock_guard<std::mutex> guard(table_lock);
  auto it = table.find(handle);
  return it == table.end() ? HandleState() : it->second;
}

void free_list(struct curl_slist *list)
{
  auto next_free = NEXT(curl_slist_free_all);
  if(list && next_free)
    next_free(list);
}

std::string host_of(const char *url)
{
  if(!url)
    return std::string();
  const char *start = std::strstr(url, "://");
  start = start ? start + 3 : url;
  const char *at = std::strpbrk(start, "@/?#");
  if(at && *at == '@') /* user:password@host */
    start = at + 1;
  size_t len = std::strcspn(start, "/?#");
  return std::string(start, len);
}

/* ---------------------------------------------------------------------
 * Writing headers
 */

void log_line(int layer, const char *where, const std::string &header, const char *outcome)
{
  if(!config().log)
    return;
  /* One fprintf per line, so threads do not interleave within a line. */
  std::fprintf(stderr, "demoagent: layer %d (%s) %s \"%s\"\n", layer, where, outcome, header.c_str());
}

/* The last node of a list. */
struct curl_slist *tail_of(struct curl_slist *list)
{
  while(list && list->next)
    list = list->next;
  return list;
}

/*
 * Appends `header` to the existing `list` in place, through the next
 * curl_slist_append. The next one may decline (it returns NULL, or the list
 * without the header: tracestrip does that for lists already signed), so
 * the agent checks what actually landed, to log honestly.
 */
void append_in_place(struct curl_slist *list, const std::string &header, int layer, const char *where)
{
  auto next_append = NEXT(curl_slist_append);
  if(!next_append)
    return;
  struct curl_slist *old_tail = tail_of(list);
  next_append(list, header.c_str());
  struct curl_slist *new_tail = tail_of(list);
  bool added = new_tail != old_tail && new_tail && new_tail->data && header == new_tail->data;
  log_line(layer, where, header, added ? "added" : "was refused:");
}

/* A fresh list holding `headers`, for a handle that has none of its own. */
struct curl_slist *new_list(const std::vector<std::string> &headers, int layer, const char *where)
{
  auto next_append = NEXT(curl_slist_append);
  struct curl_slist *list = nullptr;
  for(const std::string &header : headers) {
    struct curl_slist *grown = next_append ? next_append(list, header.c_str()) : nullptr;
    if(grown)
      list = grown;
    log_line(layer, where, header, grown ? "added" : "was refused:");
  }
  return list;
}

/*
 * Layer 2: a client span for the transfer about to start on `handle`, its
 * headers added to the handle's header list.
 */
void inject_client_span(CURL *handle, const char *where)
{
  if(!config().layer2 || !handle)
    return;
  HandleState state = state_of(handle);
  Span span = new_span(last_layer1_span);
  std::vector<std::string> headers =
    propagation_headers(span, state.host.empty() ? std::string("unknown") : state.host);

  if(state.app_headers) {
    /* The application's own list, after it was built and perhaps signed. */
    for(const std::string &header : headers)
      append_in_place(state.app_headers, header, 2, where);
    return;
  }

  /* No list from the application: the agent sets one of its own, replacing
     the one it set for the previous transfer. */
  struct curl_slist *list = new_list(headers, 2, where);
  auto next_setopt = NEXT(curl_easy_setopt);
  if(!list || !next_setopt || next_setopt(handle, CURLOPT_HTTPHEADER, list) != CURLE_OK) {
    free_list(list);
    return;
  }
  struct curl_slist *previous;
  {
    std::lock_guard<std::mutex> guard(table_lock);
    HandleState &s = table[handle];
    previous = s.agent_headers;
    s.agent_headers = list;
  }
  free_list(previous);
}

/* Records what setopt told curl, once curl accepted it. */
void remember_option(CURL *handle, CURLoption option, void *value)
{
  struct curl_slist *dropped = nullptr;
  if(option == CURLOPT_HTTPHEADER) {
    std::lock_guard<std::mutex> guard(table_lock);
    HandleState &s = table[handle];
    s.app_headers = static_cast<struct curl_slist *>(value);
    dropped = s.agent_headers; /* curl no longer points at it */
    s.agent_headers = nullptr;
  }
  else if(option == CURLOPT_URL) {
    std::string host = host_of(static_cast<const char *>(value));
    last_host = host;
    std::lock_guard<std::mutex> guard(table_lock);
    table[handle].host = host;
  }
  free_list(dropped);
}

} // namespace
} // namespace demoagent

using namespace demoagent;

/* ---------------------------------------------------------------------
 * The interposed curl functions
 */

/* Layer 1: a new list gets the agent's headers after its first entry. */
DEMOAGENT_EXPORT struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
  auto next_append = NEXT(curl_slist_append);
  if(!next_append)
    return nullptr; /* the same answer curl gives when it cannot allocate */

  struct curl_slist *result = next_append(list, data);
  if(list || !result || !config().layer1 || called_from_libcurl(__builtin_return_address(0)))
    return result;

  Span span = new_span(0);
  last_layer1_span = span.span_id;
  for(const std::string &header :
      propagation_headers(span, last_host.empty() ? std::string("unknown") : last_host))
    append_in_place(result, header, 1, "curl_slist_append");
  return result;
}

/*
 * curl reads setopt's argument by the option's range; it is forwarded with
 * the same type, since a variadic argument cannot be passed on as is.
 */
DEMOAGENT_EXPORT CURLcode curl_easy_setopt(CURL *handle, CURLoption option, ...)
{
  auto next_setopt = NEXT(curl_easy_setopt);
  void *caller = __builtin_return_address(0);
  va_list ap;
  va_start(ap, option);
  CURLcode rc = CURLE_FAILED_INIT;
  if(option < CURLOPTTYPE_OBJECTPOINT) {
    long value = va_arg(ap, long);
    if(next_setopt)
      rc = next_setopt(handle, option, value);
  }
  else if(option < CURLOPTTYPE_FUNCTIONPOINT) {
    void *value = va_arg(ap, void *);
    if(next_setopt)
      rc = next_setopt(handle, option, value);
    if(rc == CURLE_OK && handle && !called_from_libcurl(caller))
      remember_option(handle, option, value);
  }
  else if(option < CURLOPTTYPE_OFF_T) {
    using any_function = void (*)(void);
    any_function value = va_arg(ap, any_function);
    if(next_setopt)
      rc = next_setopt(handle, option, value);
  }
  else if(option < CURLOPTTYPE_BLOB) {
    curl_off_t value = va_arg(ap, curl_off_t);
    if(next_setopt)
      rc = next_setopt(handle, option, value);
  }
  else {
    void *value = va_arg(ap, void *); /* struct curl_blob * */
    if(next_setopt)
      rc = next_setopt(handle, option, value);
  }
  va_end(ap);
  return rc;
}

/* Layer 2 for the easy interface. */
DEMOAGENT_EXPORT CURLcode curl_easy_perform(CURL *handle)
{
  auto next_perform = NEXT(curl_easy_perform);
  if(!next_perform)
    return CURLE_FAILED_INIT;
  inject_client_span(handle, "curl_easy_perform");
  CURL *outer = performing;
  performing = handle;
  CURLcode rc = next_perform(handle);
  performing = outer;
  return rc;
}

/* Layer 2 for the multi interface; skipped when curl_easy_perform is the
   caller, since that transfer already has its span. */
DEMOAGENT_EXPORT CURLMcode curl_multi_add_handle(CURLM *multi, CURL *handle)
{
  auto next_add = NEXT(curl_multi_add_handle);
  if(!next_add)
    return CURLM_INTERNAL_ERROR;
  if(handle != performing)
    inject_client_span(handle, "curl_multi_add_handle");
  return next_add(multi, handle);
}

/* A new handle may sit where a freed one was: start with a clean slate. */
DEMOAGENT_EXPORT CURL *curl_easy_init(void)
{
  auto next_init = NEXT(curl_easy_init);
  if(!next_init)
    return nullptr;
  CURL *handle = next_init();
  if(handle)
    free_list(forget_handle(handle));
  return handle;
}

/*
 * The copy points at the same header list. An application list is shared as
 * curl shares it; a list the agent owns is not, since the original's cleanup
 * frees it: the copy gets no list and a new one at its first transfer.
 */
DEMOAGENT_EXPORT CURL *curl_easy_duphandle(CURL *handle)
{
  auto next_dup = NEXT(curl_easy_duphandle);
  if(!next_dup)
    return nullptr;
  CURL *copy = next_dup(handle);
  if(!copy)
    return nullptr;
  free_list(forget_handle(copy));
  HandleState state = state_of(handle);
  if(state.agent_headers) {
    auto next_setopt = NEXT(curl_easy_setopt);
    if(next_setopt)
      next_setopt(copy, CURLOPT_HTTPHEADER, static_cast<struct curl_slist *>(nullptr));
  }
  std::lock_guard<std::mutex> guard(table_lock);
  HandleState &s = table[copy];
  s.app_headers = state.app_headers;
  s.host = state.host;
  return copy;
}

/* curl_easy_reset wipes every option, the header list included. */
DEMOAGENT_EXPORT void curl_easy_reset(CURL *handle)
{
  auto next_reset = NEXT(curl_easy_reset);
  if(next_reset)
    next_reset(handle);
  free_list(forget_handle(handle));
}

DEMOAGENT_EXPORT void curl_easy_cleanup(CURL *handle)
{
  auto next_cleanup = NEXT(curl_easy_cleanup);
  if(next_cleanup)
    next_cleanup(handle);
  free_list(forget_handle(handle));
}
