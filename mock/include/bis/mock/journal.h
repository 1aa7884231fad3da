#pragma once
// The request journal: the last N requests the served API received and what it answered
// (for app teams: "what did my app send?"). Bounded: the oldest entry goes when full.
// Entries are recorded before the answer leaves, so a client that reads the journal after
// its answer finds its request. Private keys are redacted before an entry is stored.
// Thread-safe.
#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bis::mock {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct JournalEntry {
  uint64_t id = 0;  // assigned by the journal, from 1
  int64_t time_ms = 0;
  std::string remote;
  std::string method;
  std::string path;
  std::string query;  // raw, without '?'
  HeaderList headers;
  std::string body;
  std::optional<HeaderList> fields;  // the parsed form fields, when the body was a form
  int status = 0;
  HeaderList response_headers;
  std::string response_body;
  std::string outcome;  // "subscribed", "duplicate", "unknown-variant", "rejected", ... or ""
  std::string reason;   // why it was rejected, or what happened
  std::string account;  // the account it was for, when known
  double duration_ms = 0;
};

struct JournalFilter {
  std::string path;
  std::string method;
  std::string account;
  std::string email;  // case-insensitive, against the email field
  std::string variant;
  size_t limit = 0;  // the newest N matches (still oldest first); 0 = all
};

class Journal {
 public:
  explicit Journal(size_t capacity) : capacity_(capacity) {}

  void add(JournalEntry entry);
  std::vector<JournalEntry> entries(const JournalFilter& filter) const;
  // Empties the journal; returns how many entries it held.
  size_t clear();
  size_t capacity() const { return capacity_; }
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;
  uint64_t next_id_ = 1;
};

nlohmann::json to_json(const JournalEntry& entry);

inline constexpr std::string_view kRedacted = "[redacted]";

// Removes private keys from what the journal stores: values of the `api-key`,
// `Authorization` and admin-token headers, of `api_key` fields (form, query or top-level
// JSON member), and any occurrence of a known private key.
class Redactor {
 public:
  explicit Redactor(std::vector<std::string> private_keys = {});
  void headers(HeaderList& headers) const;
  void fields(HeaderList& fields) const;
  // `content_type` decides how a body is read for `api_key`.
  void body(std::string& body, std::string_view content_type) const;
  void text(std::string& text) const;  // known private keys and api_key=... in a query

 private:
  std::vector<std::string> private_keys_;
};

}  // namespace bis::mock
