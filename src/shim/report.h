// TRACESTRIP_REPORT: what every request carried and who added it, written
// when the process exits. Costs nothing when the report is off.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <optional>
#include <string>

#include "tracestrip/request_verdict.h"

namespace tracestrip::shim {

bool report_enabled();

// The shared object (or the program) containing `address`, by file name.
std::string object_name(const void* address);

// curl_slist_append hook: `list` is the list after the append; its last
// entry is a copy of `appended`, passed by code at `caller`.
void note_appended_header(const curl_slist* list, const void* caller, const char* appended);
// curl_slist_free_all hook, before the list is freed.
void forget_header_origins(const curl_slist* list);

// One committed request. `list_setter` names who set the list (for entries
// not appended through curl_slist_append); `stripped` tells whether
// tracestrip's filtered copy went out.
void report_transfer(const curl_slist* list, const UrlFacts& url, BoundReason reason, bool sigv4,
                     const std::optional<Sigv4Authorization>& authorization, bool stripped,
                     const std::string& list_setter);

// Registers the exit-time writer; called once, when the settings are read.
void write_report_at_exit();

}  // namespace tracestrip::shim
