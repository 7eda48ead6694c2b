// Filtering a curl header list: authorization lookup, per-entry decisions,
// summaries, and the owned filtered copy (with real and failing allocators).
#include "tracestrip/header_filter.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tracestrip {
namespace {

using Strings = std::vector<std::string>;
using Names = std::vector<std::string_view>;

// A curl_slist built with the real curl_slist_append, freed on scope exit.
class Slist {
 public:
  Slist() = default;
  explicit Slist(const Strings& entries) {
    for(const std::string& entry : entries)
      append(entry);
  }
  ~Slist() { curl_slist_free_all(list_); }
  Slist(const Slist&) = delete;
  Slist& operator=(const Slist&) = delete;

  void append(const std::string& entry) {
    curl_slist* longer = curl_slist_append(list_, entry.c_str());
    ASSERT_NE(longer, nullptr);
    list_ = longer;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

Strings entries_of(const curl_slist* list) {
  Strings entries;
  for(; list; list = list->next)
    entries.emplace_back(list->data ? list->data : "<null>");
  return entries;
}

const SlistApi kRealApi{&curl_slist_append, &curl_slist_free_all};

const TracingHeaderRules& builtin_rules() {
  static const TracingHeaderRules rules = TracingHeaderRules::builtin();
  return rules;
}

const char* const kS3Authorization =
    "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;traceparent;x-amz-date, Signature=ff";

bool inside(std::string_view view, const curl_slist* list) {
  for(; list; list = list->next) {
    std::string_view data = list->data;
    if(view.data() >= data.data() && view.data() + view.size() <= data.data() + data.size())
      return true;
  }
  return false;
}

// ---- find_app_authorization -----------------------------------------------

TEST(FindAppAuthorization, FindsTheSigv4AuthorizationAndPointsIntoTheList) {
  Slist list({"Content-Type: text/plain", kS3Authorization, "traceparent: 00-a-b-01"});
  std::optional<Sigv4Authorization> found = find_app_authorization(list.get());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->service, "s3");
  EXPECT_EQ(found->signed_headers, (Names{"host", "traceparent", "x-amz-date"}));
  EXPECT_TRUE(inside(found->service, list.get()));
  for(std::string_view name : found->signed_headers)
    EXPECT_TRUE(inside(name, list.get()));
}

TEST(FindAppAuthorization, NameIsCaseInsensitive) {
  Slist list({"AUTHORIZATION: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sqs/aws4_request, Signature=f"});
  std::optional<Sigv4Authorization> found = find_app_authorization(list.get());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->service, "sqs");
}

TEST(FindAppAuthorization, OnlyTheFirstAuthorizationCounts) {
  Slist list({"Authorization: Basic dXNlcjpwYXNz", kS3Authorization});
  EXPECT_FALSE(find_app_authorization(list.get()).has_value());
}

TEST(FindAppAuthorization, LinesCurlDoesNotSendAreSkipped) {
  Slist list({"Authorization:", "Authorization", kS3Authorization});
  std::optional<Sigv4Authorization> found = find_app_authorization(list.get());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->service, "s3");
}

// Regression test — this bug was found here and fixed in src/core: curl does not send "Authorization:\r\n" (only whitespace after the
// colon, see header_line_test), so the Authorization curl sends is the AWS4
// one after it; parse_header_line calls the first a Header, so
// find_app_authorization stops there and returns nothing — the signed
// traceparent below would then be removed from an S3 request, breaking the
// signature.
TEST(FindAppAuthorization, ALineCurlDoesNotSendDoesNotHideTheSignature) {
  Slist list({"Authorization:\r\n", kS3Authorization, "traceparent: 00-a-b-01"});
  std::optional<Sigv4Authorization> found = find_app_authorization(list.get());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->signed_headers, (Names{"host", "traceparent", "x-amz-date"}));
}

TEST(FindAppAuthorization, NothingToFind) {
  EXPECT_FALSE(find_app_authorization(nullptr).has_value());
  Slist list({"Accept: */*", "X-Authorization: AWS4-HMAC-SHA256 Credential=A/d/r/s3/aws4_request"});
  EXPECT_FALSE(find_app_authorization(list.get()).has_value());
}

TEST(FindAppAuthorization, NodesWithoutDataAreSkipped) {
  std::string authorization = kS3Authorization;
  curl_slist last{&authorization[0], nullptr};
  curl_slist hole{nullptr, &last};
  std::optional<Sigv4Authorization> found = find_app_authorization(&hole);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->service, "s3");
  EXPECT_TRUE(list_shows_sigv4(&hole));
}

// ---- list_shows_sigv4 -----------------------------------------------------

TEST(ListShowsSigv4, SigningHeadersInAnyCase) {
  for(const char* entry : {"x-amz-date: 20240101T000000Z", "X-Amz-Date: 20240101T000000Z", "X-AMZ-DATE;",
                           "x-amz-content-sha256: UNSIGNED-PAYLOAD", "X-Amz-Content-SHA256: e3b0c442", kS3Authorization,
                           "authorization: AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/sqs/aws4_request"}) {
    Slist list({"Accept: */*", entry});
    EXPECT_TRUE(list_shows_sigv4(list.get())) << entry;
  }
}

TEST(ListShowsSigv4, OtherListsShowNothing) {
  EXPECT_FALSE(list_shows_sigv4(nullptr));
  for(const char* entry : {"x-amz-date:", "x-amz-date", "x-amz-content-sha256:  ", "x-amz-meta-date: 1",
                           "x-amz-datex: 1", "Authorization: Basic dXNlcjpwYXNz", "Authorization: AWS4-HMAC-SHA256",
                           "Date: Mon, 01 Jan 2024 00:00:00 GMT", "traceparent: 00-a-b-01"}) {
    Slist list({"Accept: */*", entry});
    EXPECT_FALSE(list_shows_sigv4(list.get())) << entry;
  }
}

// ---- HeaderSelector -------------------------------------------------------

TEST(HeaderSelector, RemovesTracingHeadersCurlSends) {
  HeaderSelector selector(builtin_rules(), {});
  EXPECT_EQ(selector.decide("traceparent: 00-a-b-01"), EntryDecision::Remove);
  EXPECT_EQ(selector.decide("X-B3-TraceId: 1"), EntryDecision::Remove);
  EXPECT_EQ(selector.decide("Baggage;"), EntryDecision::Remove);
}

TEST(HeaderSelector, KeepsEverythingElse) {
  HeaderSelector selector(builtin_rules(), {});
  for(const char* entry : {"Content-Type: text/plain", "traceparent:", "traceparent:   ", "traceparent",
                           "traceparent; x", ":traceparent", "x-b3: 1", "traceparentx: 1", "", "Host: traceparent"})
    EXPECT_EQ(selector.decide(entry), EntryDecision::Keep) << entry;
  EXPECT_EQ(selector.decide(nullptr), EntryDecision::Keep);
}

TEST(HeaderSelector, KeepsSignedTracingHeaders) {
  HeaderSelector selector(builtin_rules(), {"host", "traceparent", "x-amz-date"});
  EXPECT_EQ(selector.decide("TraceParent: 00-a-b-01"), EntryDecision::KeepSigned);
  EXPECT_EQ(selector.decide("traceparent;"), EntryDecision::KeepSigned);
  EXPECT_EQ(selector.decide("tracestate: k=v"), EntryDecision::Remove);
  EXPECT_EQ(selector.decide("x-amz-date: 20240101T000000Z"), EntryDecision::Keep);  // signed, not tracing
  EXPECT_EQ(selector.decide("traceparent:"), EntryDecision::Keep);                  // not sent at all
}

TEST(HeaderSelector, SignedNamesCompareWithoutCase) {
  HeaderSelector selector(builtin_rules(), {"X-AMZN-TRACE-ID"});
  EXPECT_EQ(selector.decide("x-amzn-trace-id: Root=1-abc"), EntryDecision::KeepSigned);
}

TEST(HeaderSelector, FollowsCustomRules) {
  TracingHeaderRules rules = TracingHeaderRules::builtin();
  rules.add_tracing(*parse_name_pattern("x-corr-*"));
  rules.add_keep(*parse_name_pattern("x-amzn-trace-id"));
  HeaderSelector selector(rules, {});
  EXPECT_EQ(selector.decide("X-Corr-Id: 7"), EntryDecision::Remove);
  EXPECT_EQ(selector.decide("X-Amzn-Trace-Id: Root=1-abc"), EntryDecision::Keep);
}

// ---- summarize_filter -----------------------------------------------------

TEST(SummarizeFilter, NamesInListOrderAsWritten) {
  Slist list({"TraceParent: a", "Accept: */*", "x-b3-spanid: 1", "tracestate:", "Tracestate: k=v", "b3;"});
  HeaderSelector selector(builtin_rules(), {"tracestate"});
  FilterSummary summary = summarize_filter(list.get(), selector);
  EXPECT_EQ(summary.removed, (Names{"TraceParent", "x-b3-spanid", "b3"}));
  EXPECT_EQ(summary.kept_signed, (Names{"Tracestate"}));
  EXPECT_TRUE(summary.changes());
  for(std::string_view name : summary.removed)
    EXPECT_TRUE(inside(name, list.get())) << name;
}

TEST(SummarizeFilter, NoChanges) {
  Slist list({"Accept: */*", "traceparent:"});
  HeaderSelector selector(builtin_rules(), {});
  FilterSummary summary = summarize_filter(list.get(), selector);
  EXPECT_TRUE(summary.removed.empty());
  EXPECT_TRUE(summary.kept_signed.empty());
  EXPECT_FALSE(summary.changes());
  EXPECT_FALSE(summarize_filter(nullptr, selector).changes());
}

TEST(SummarizeFilter, SignedOnlyIsNoChange) {
  Slist list({"traceparent: a"});
  HeaderSelector selector(builtin_rules(), {"traceparent"});
  FilterSummary summary = summarize_filter(list.get(), selector);
  EXPECT_FALSE(summary.changes());
  EXPECT_EQ(summary.kept_signed, (Names{"traceparent"}));
}

// ---- build_filtered_copy with the real allocator ---------------------------

TEST(BuildFilteredCopy, KeepsTheRestInOrderAndLeavesTheInputAlone) {
  const Strings input = {"Accept: */*",  "traceparent: 00-a-b-01", "Content-Type: text/plain",     "Tracestate: x",
                         "traceparent:", "X-B3-Sampled;",          "X-Amz-Date: 20240101T000000Z", "Accept: */*"};
  Slist list(input);
  std::vector<const curl_slist*> nodes;
  std::vector<const char*> datas;
  for(const curl_slist* node = list.get(); node; node = node->next) {
    nodes.push_back(node);
    datas.push_back(node->data);
  }

  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kRealApi, &failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(entries_of(copy), (Strings{"Accept: */*", "Content-Type: text/plain",
                                       "traceparent:", "X-Amz-Date: 20240101T000000Z", "Accept: */*"}));
  for(const curl_slist* node = copy; node; node = node->next) {
    for(size_t i = 0; i < nodes.size(); ++i) {
      EXPECT_NE(node, nodes[i]);
      EXPECT_NE(static_cast<const void*>(node->data), static_cast<const void*>(datas[i]));
    }
  }
  EXPECT_EQ(entries_of(list.get()), input);
  size_t i = 0;
  for(const curl_slist* node = list.get(); node; node = node->next, ++i) {
    EXPECT_EQ(node, nodes[i]);
    EXPECT_EQ(node->data, datas[i]);
  }
  EXPECT_TRUE(filtered_copy_is_current(list.get(), copy, selector));
  curl_slist_free_all(copy);
}

TEST(BuildFilteredCopy, SignedTracingHeadersStay) {
  Slist list({"traceparent: a", "tracestate: b", "Host: h"});
  HeaderSelector selector(builtin_rules(), {"traceparent"});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kRealApi, &failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(entries_of(copy), (Strings{"traceparent: a", "Host: h"}));
  curl_slist_free_all(copy);
}

TEST(BuildFilteredCopy, NothingKeptGivesNullWithoutFailure) {
  Slist list({"traceparent: a", "b3: 1"});
  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  EXPECT_EQ(build_filtered_copy(list.get(), selector, kRealApi, &failed), nullptr);
  EXPECT_FALSE(failed);
  failed = true;
  EXPECT_EQ(build_filtered_copy(nullptr, selector, kRealApi, &failed), nullptr);
  EXPECT_FALSE(failed);
}

TEST(BuildFilteredCopy, NodesWithoutDataAreLeftOut) {
  std::string accept = "Accept: */*";
  curl_slist last{&accept[0], nullptr};
  curl_slist hole{nullptr, &last};
  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(&hole, selector, kRealApi, &failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(entries_of(copy), (Strings{"Accept: */*"}));
  EXPECT_TRUE(filtered_copy_is_current(&hole, copy, selector));
  curl_slist_free_all(copy);
}

// ---- build_filtered_copy with a failing allocator --------------------------

// Counts what the fake allocator hands out and takes back; fails the
// append numbered `fail_at` (1-based), 0 for never.
struct AllocatorLedger {
  int fail_at = 0;
  int appends = 0;
  int free_calls = 0;
  std::set<const curl_slist*> live;  // nodes built and not yet freed
  bool freed_unknown = false;
};
AllocatorLedger ledger;

curl_slist* counting_append(curl_slist* list, const char* text) {
  ++ledger.appends;
  if(ledger.appends == ledger.fail_at)
    return nullptr;  // as curl does on OOM: the list passed in stays the caller's
  curl_slist* longer = curl_slist_append(list, text);
  if(longer) {
    curl_slist* last = longer;
    while(last->next)
      last = last->next;
    ledger.live.insert(last);
  }
  return longer;
}

void counting_free_all(curl_slist* list) {
  ++ledger.free_calls;
  for(const curl_slist* node = list; node; node = node->next) {
    if(ledger.live.erase(node) == 0)
      ledger.freed_unknown = true;
  }
  curl_slist_free_all(list);
}

const SlistApi kCountingApi{&counting_append, &counting_free_all};

class FailingAppend : public testing::TestWithParam<int> {};

TEST_P(FailingAppend, ReturnsNullReportsFailureAndFreesWhatItBuilt) {
  Slist list({"Accept: */*", "traceparent: a", "Content-Type: t", "X-B3-TraceId: 1", "X-Amz-Date: d", "Host: h"});
  ledger = AllocatorLedger{};
  ledger.fail_at = GetParam();
  HeaderSelector selector(builtin_rules(), {});
  bool failed = false;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kCountingApi, &failed);
  EXPECT_EQ(copy, nullptr);
  EXPECT_TRUE(failed);
  EXPECT_EQ(ledger.appends, GetParam()) << "no append after the failure";
  EXPECT_TRUE(ledger.live.empty()) << ledger.live.size() << " node(s) leaked";
  EXPECT_FALSE(ledger.freed_unknown) << "freed a node it did not build (the application's?)";
  EXPECT_EQ(entries_of(list.get()), (Strings{"Accept: */*", "traceparent: a", "Content-Type: t", "X-B3-TraceId: 1",
                                             "X-Amz-Date: d", "Host: h"}));
}

// Four entries are kept, so the failure can hit each of the four appends.
INSTANTIATE_TEST_SUITE_P(AtEachAppend, FailingAppend, testing::Values(1, 2, 3, 4));

TEST(CountingAllocator, SucceedsWhenNothingFails) {
  Slist list({"Accept: */*", "traceparent: a", "Host: h"});
  ledger = AllocatorLedger{};
  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kCountingApi, &failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(ledger.appends, 2);
  EXPECT_EQ(ledger.free_calls, 0);
  EXPECT_EQ(entries_of(copy), (Strings{"Accept: */*", "Host: h"}));
  counting_free_all(copy);
  EXPECT_TRUE(ledger.live.empty());
}

// ---- filtered_copy_is_current ---------------------------------------------

TEST(FilteredCopyIsCurrent, TrueForTheRightCopy) {
  Slist list({"Accept: */*", "traceparent: a", "Host: h"});
  HeaderSelector selector(builtin_rules(), {});
  Slist copy({"Accept: */*", "Host: h"});
  EXPECT_TRUE(filtered_copy_is_current(list.get(), copy.get(), selector));
}

TEST(FilteredCopyIsCurrent, TrueWhenNothingIsKeptAndTheCopyIsEmpty) {
  Slist list({"traceparent: a", "b3: 1"});
  HeaderSelector selector(builtin_rules(), {});
  EXPECT_TRUE(filtered_copy_is_current(list.get(), nullptr, selector));
  EXPECT_TRUE(filtered_copy_is_current(nullptr, nullptr, selector));
}

TEST(FilteredCopyIsCurrent, KeptSignedEntriesMustBeInTheCopy) {
  Slist list({"traceparent: a", "Host: h"});
  HeaderSelector selector(builtin_rules(), {"traceparent"});
  Slist right({"traceparent: a", "Host: h"});
  Slist stripped({"Host: h"});
  EXPECT_TRUE(filtered_copy_is_current(list.get(), right.get(), selector));
  EXPECT_FALSE(filtered_copy_is_current(list.get(), stripped.get(), selector));
}

struct StaleCase {
  const char* label;
  Strings copy;
};

std::ostream& operator<<(std::ostream& out, const StaleCase& c) { return out << c.label; }

class StaleCopy : public testing::TestWithParam<StaleCase> {};

TEST_P(StaleCopy, IsNotCurrent) {
  Slist list({"Accept: */*", "traceparent: a", "Host: h"});
  HeaderSelector selector(builtin_rules(), {});
  Slist copy(GetParam().copy);
  EXPECT_FALSE(filtered_copy_is_current(list.get(), copy.get(), selector));
}

INSTANTIATE_TEST_SUITE_P(Cases, StaleCopy,
                         testing::Values(StaleCase{"Empty", {}}, StaleCase{"MissingLast", {"Accept: */*"}},
                                         StaleCase{"MissingFirst", {"Host: h"}},
                                         StaleCase{"Extra", {"Accept: */*", "Host: h", "X-More: 1"}},
                                         StaleCase{"Swapped", {"Host: h", "Accept: */*"}},
                                         StaleCase{"OtherBytes", {"Accept: */*", "Host: H"}},
                                         StaleCase{"Prefix", {"Accept: */*", "Host: "}},
                                         StaleCase{"Longer", {"Accept: */*", "Host: hh"}},
                                         StaleCase{"StillHasTracing", {"Accept: */*", "traceparent: a", "Host: h"}}),
                         [](const testing::TestParamInfo<StaleCase>& param) { return std::string(param.param.label); });

TEST(FilteredCopyIsCurrent, FalseOnceTheApplicationChangesItsList) {
  Slist list({"Accept: */*", "traceparent: a"});
  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kRealApi, &failed);
  ASSERT_TRUE(filtered_copy_is_current(list.get(), copy, selector));
  list.append("X-New: 1");
  EXPECT_FALSE(filtered_copy_is_current(list.get(), copy, selector));
  list.append("tracestate: z");  // a removed entry alone does not matter, the X-New one still does
  EXPECT_FALSE(filtered_copy_is_current(list.get(), copy, selector));
  curl_slist_free_all(copy);

  copy = build_filtered_copy(list.get(), selector, kRealApi, &failed);
  EXPECT_TRUE(filtered_copy_is_current(list.get(), copy, selector));
  list.get()->data[0] = 'a';  // the application edits an entry in place
  EXPECT_FALSE(filtered_copy_is_current(list.get(), copy, selector));
  curl_slist_free_all(copy);
}

TEST(FilteredCopyIsCurrent, AddingOnlyARemovedEntryKeepsTheCopyCurrent) {
  Slist list({"Accept: */*"});
  HeaderSelector selector(builtin_rules(), {});
  bool failed = true;
  curl_slist* copy = build_filtered_copy(list.get(), selector, kRealApi, &failed);
  list.append("traceparent: 00-a-b-01");
  EXPECT_TRUE(filtered_copy_is_current(list.get(), copy, selector));
  curl_slist_free_all(copy);
}

}  // namespace
}  // namespace tracestrip
