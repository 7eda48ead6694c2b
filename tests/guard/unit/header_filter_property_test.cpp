// Property test of header-list filtering (issue 2): over many generated
// lists, the filtered copy is exactly the input minus the entries that are
// tracing headers, sent on the wire and not signed — same bytes, same order —
// and the input list's memory is left as it was.
//
// The seed is printed with any failure; rerun with TRACESTRIP_PROPERTY_SEED=<seed>.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tracestrip/header_filter.h"
#include "tracestrip/tracing_headers.h"

namespace tracestrip {
namespace {

constexpr int kListsPerProperty = 10000;

const SlistApi kRealApi{&curl_slist_append, &curl_slist_free_all};

// ---- what the generator knows about each entry ------------------------------

struct GeneratedEntry {
  std::string text;      // the bytes put in the list
  std::string name;      // the header name as written ("" for entries without one)
  bool tracing = false;  // the name is a tracing header by construction
  bool on_wire = false;  // curl sends it ("Name: v" or "Name;")
};

struct GeneratedList {
  std::vector<GeneratedEntry> entries;
  std::vector<std::string> signed_names;  // lower case, as in SignedHeaders
};

// Header names that are not tracing headers, lookalikes first.
const std::vector<std::string>& other_names() {
  static const std::vector<std::string> names = {"traceparentx",
                                                 "x-b3",
                                                 "my-traceparent",
                                                 "pinpoint",
                                                 "x-datadog-",
                                                 "b3x",
                                                 "sw8x",
                                                 "sw8-",
                                                 "uberctx",
                                                 "x-amzn-trace",
                                                 "tracestat",
                                                 "x-newrelic",
                                                 "content-type",
                                                 "authorization",
                                                 "x-amz-date",
                                                 "x-amz-content-sha256",
                                                 "host",
                                                 "accept",
                                                 "x-amz-meta-trace",
                                                 "content-length",
                                                 "x-request-id",
                                                 "expect",
                                                 "user-agent"};
  return names;
}

class ListGenerator {
 public:
  explicit ListGenerator(unsigned seed) : random_(seed) {
    for(const BuiltinTracingHeader& header : builtin_tracing_headers())
      tracing_patterns_.emplace_back(header.pattern);
  }

  GeneratedList next(bool with_signed_headers) {
    GeneratedList list;
    std::vector<std::pair<std::string, bool>> names = name_pool();
    size_t length = below(24);
    for(size_t i = 0; i < length; ++i) {
      if(!list.entries.empty() && chance(8)) {
        GeneratedEntry duplicate = list.entries[below(list.entries.size())];
        list.entries.push_back(duplicate);  // the same bytes again
        continue;
      }
      const auto& [name, tracing] = names[below(names.size())];
      list.entries.push_back(entry(random_case(name), tracing));
    }
    if(with_signed_headers) {
      for(const auto& name_and_kind : names) {
        if(chance(3))
          list.signed_names.push_back(lower(name_and_kind.first));
      }
    }
    return list;
  }

 private:
  size_t below(size_t bound) { return std::uniform_int_distribution<size_t>(0, bound - 1)(random_); }
  bool chance(size_t one_in) { return below(one_in) == 0; }

  static std::string lower(std::string text) {
    for(char& c : text)
      c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return text;
  }

  std::string random_case(std::string text) {
    for(char& c : text) {
      if(c >= 'a' && c <= 'z' && chance(2))
        c = static_cast<char>(c - 'a' + 'A');
    }
    return text;
  }

  std::string token(size_t max_length) {
    static const std::string chars = "abcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text;
    for(size_t n = 1 + below(max_length); n > 0; --n)
      text.push_back(chars[below(chars.size())]);
    return text;
  }

  // A few names per list, so that names repeat: (name, is tracing).
  std::vector<std::pair<std::string, bool>> name_pool() {
    std::vector<std::pair<std::string, bool>> pool;
    for(size_t n = 1 + below(6); n > 0; --n) {
      if(chance(2)) {
        const std::string& pattern = tracing_patterns_[below(tracing_patterns_.size())];
        bool prefix = pattern.back() == '*';
        pool.emplace_back(prefix ? pattern.substr(0, pattern.size() - 1) + token(8) : pattern, true);
      }
      else if(chance(2)) {
        pool.emplace_back(other_names()[below(other_names().size())], false);
      }
      else {
        pool.emplace_back("q-" + token(10), false);  // no built-in pattern starts with "q"
      }
    }
    return pool;
  }

  std::string blanks(size_t max_count) {
    std::string text;
    for(size_t n = below(max_count + 1); n > 0; --n)
      text.push_back(chance(2) ? ' ' : '\t');
    return text;
  }

  // A value curl sends: starts with a visible character, then any bytes but NUL.
  std::string odd_value() {
    std::string value(1, static_cast<char>('!' + below(94)));
    for(size_t n = below(16); n > 0; --n)
      value.push_back(static_cast<char>(1 + below(255)));
    return value;
  }

  GeneratedEntry entry(const std::string& name, bool tracing) {
    GeneratedEntry e;
    switch(below(7)) {
    case 0:
    case 1:  // "Name: value" — sent
      e = {name + ":" + blanks(2) + odd_value(), name, tracing, true};
      break;
    case 2:  // "Name;" — sent with an empty value
      e = {name + ";", name, tracing, true};
      break;
    case 3:  // "Name:" with blanks only — a removal, not sent
      e = {name + ":" + blanks(3), name, tracing, false};
      break;
    case 4:  // no separator at all
      e = {chance(2) ? name : name + " " + token(6), name, tracing, false};
      break;
    case 5:  // a semicolon that does not end the line
      e = {name + ";" + (chance(2) ? " " : " x"), name, tracing, false};
      break;
    default:  // no name
      e = {chance(2) ? ":" + odd_value() : std::string(), "", false, false};
      break;
    }
    return e;
  }

  std::mt19937 random_;
  std::vector<std::string> tracing_patterns_;
};

// ---- the list under test ---------------------------------------------------

struct NodeSnapshot {
  const curl_slist* node;
  const char* data;
  std::string bytes;
  bool operator==(const NodeSnapshot& other) const {
    return node == other.node && data == other.data && bytes == other.bytes;
  }
};

std::vector<NodeSnapshot> snapshot(const curl_slist* list) {
  std::vector<NodeSnapshot> nodes;
  for(; list; list = list->next)
    nodes.push_back({list, list->data, list->data});
  return nodes;
}

std::vector<std::string> entries_of(const curl_slist* list) {
  std::vector<std::string> entries;
  for(; list; list = list->next)
    entries.emplace_back(list->data);
  return entries;
}

std::string printable(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for(char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if(byte >= 0x20 && byte < 0x7f && c != '\\') {
      out.push_back(c);
    }
    else {
      out += "\\x";
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 15]);
    }
  }
  return out;
}

std::string describe(const GeneratedList& list) {
  std::string text = "entries:\n";
  for(const GeneratedEntry& e : list.entries)
    text += "  \"" + printable(e.text) + "\"" + (e.tracing ? " tracing" : "") + (e.on_wire ? " on-wire" : "") + "\n";
  text += "signed:";
  for(const std::string& name : list.signed_names)
    text += " " + name;
  return text;
}

// Checks one list; the failures carry the list so that it can be read back.
void check_list(const GeneratedList& generated, const TracingHeaderRules& rules) {
  curl_slist* list = nullptr;
  for(const GeneratedEntry& e : generated.entries) {
    curl_slist* longer = curl_slist_append(list, e.text.c_str());
    ASSERT_NE(longer, nullptr);
    list = longer;
  }

  // The oracle: what must go, what must stay.
  std::set<std::string> signed_set(generated.signed_names.begin(), generated.signed_names.end());
  std::vector<std::string> expected_copy, expected_removed, expected_kept_signed;
  for(const GeneratedEntry& e : generated.entries) {
    std::string lower_name;
    for(char c : e.name)
      lower_name.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    bool signed_name = signed_set.count(lower_name) > 0;
    if(e.tracing && e.on_wire && !signed_name) {
      expected_removed.push_back(e.name);
      continue;
    }
    if(e.tracing && e.on_wire)
      expected_kept_signed.push_back(e.name);
    expected_copy.push_back(e.text);
  }

  std::vector<std::string_view> signed_views(generated.signed_names.begin(), generated.signed_names.end());
  HeaderSelector selector(rules, signed_views);
  const std::vector<NodeSnapshot> before = snapshot(list);

  bool failed = true;
  curl_slist* copy = build_filtered_copy(list, selector, kRealApi, &failed);
  EXPECT_FALSE(failed);
  EXPECT_EQ(entries_of(copy), expected_copy);
  EXPECT_EQ(copy == nullptr, expected_copy.empty());

  FilterSummary summary = summarize_filter(list, selector);
  EXPECT_EQ(std::vector<std::string>(summary.removed.begin(), summary.removed.end()), expected_removed);
  EXPECT_EQ(std::vector<std::string>(summary.kept_signed.begin(), summary.kept_signed.end()), expected_kept_signed);
  EXPECT_EQ(summary.changes(), !expected_removed.empty());

  EXPECT_TRUE(filtered_copy_is_current(list, copy, selector));
  if(copy) {  // a copy missing its first entry is stale
    EXPECT_FALSE(filtered_copy_is_current(list, copy->next, selector));
  }

  // The copy is owned: no node or string of the application's list is reused.
  std::set<const void*> input_memory;
  for(const NodeSnapshot& node : before) {
    input_memory.insert(node.node);
    input_memory.insert(node.data);
  }
  for(const curl_slist* node = copy; node; node = node->next) {
    EXPECT_EQ(input_memory.count(node), 0u);
    EXPECT_EQ(input_memory.count(node->data), 0u);
  }

  EXPECT_TRUE(snapshot(list) == before) << "the application's list changed";
  curl_slist_free_all(copy);
  curl_slist_free_all(list);
}

unsigned seed_for(unsigned fallback) {
  const char* text = std::getenv("TRACESTRIP_PROPERTY_SEED");
  return text && *text ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : fallback;
}

void run_property(unsigned seed, bool with_signed_headers, const TracingHeaderRules& rules) {
  ListGenerator generator(seed);
  for(int i = 0; i < kListsPerProperty; ++i) {
    GeneratedList generated = generator.next(with_signed_headers);
    check_list(generated, rules);
    if(testing::Test::HasFailure()) {
      ADD_FAILURE() << "seed " << seed << " (TRACESTRIP_PROPERTY_SEED=" << seed << "), list #" << i << "\n"
                    << describe(generated);
      return;
    }
  }
}

TEST(HeaderFilterProperty, CopyIsInputMinusTracingHeaders) {
  run_property(seed_for(1729), false, TracingHeaderRules::builtin());
}

TEST(HeaderFilterProperty, SignedTracingHeadersStay) {
  run_property(seed_for(4104), true, TracingHeaderRules::builtin());
}

// The generator itself must produce what the property needs, or the
// property would hold vacuously.
TEST(HeaderFilterProperty, GeneratorCoversEveryKindOfEntry) {
  ListGenerator generator(seed_for(1729));
  size_t removed = 0, kept_signed = 0, tracing_not_sent = 0, others = 0, duplicates = 0, odd_bytes = 0;
  for(int i = 0; i < 1000; ++i) {
    GeneratedList list = generator.next(true);
    std::set<std::string> seen, signed_set(list.signed_names.begin(), list.signed_names.end());
    for(const GeneratedEntry& e : list.entries) {
      std::string lower_name;
      for(char c : e.name)
        lower_name.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
      if(e.tracing && e.on_wire)
        (signed_set.count(lower_name) ? kept_signed : removed)++;
      else if(e.tracing)
        ++tracing_not_sent;
      else
        ++others;
      duplicates += seen.insert(e.text).second ? 0 : 1;
      for(char c : e.text)
        odd_bytes += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? 1 : 0;
    }
  }
  EXPECT_GT(removed, 1000u);
  EXPECT_GT(kept_signed, 100u);
  EXPECT_GT(tracing_not_sent, 1000u);
  EXPECT_GT(others, 1000u);
  EXPECT_GT(duplicates, 500u);
  EXPECT_GT(odd_bytes, 1000u);
}

// And the rules the generator assumes hold for the built-in table.
TEST(HeaderFilterProperty, GeneratorNamesAgreeWithTheRules) {
  const TracingHeaderRules rules = TracingHeaderRules::builtin();
  for(const std::string& name : other_names())
    EXPECT_FALSE(rules.is_tracing(name)) << name;
}

}  // namespace
}  // namespace tracestrip
