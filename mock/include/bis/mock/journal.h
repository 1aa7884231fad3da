#pragma once
// The request journal: the last N requests the served API received and what it answered
// (for app teams: "what did my app send?"). Bounded: the oldest entry goes when full.
// Entries are recorded before the answer leaves, so a client that reads the journal after
// its answer finds its request. Recording is on the hot path, so an entry keeps raw text
// (headers as "Name: value" lines); what is derived from it (form fields, redaction of
// private keys) is done when the journal is read, so nothing leaves unredacted.
// Thread-safe.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bis/common/redact.h"

namespace bis::mock {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct JournalEntry {
  uint64_t id = 0;  // assigned by the journal, from 1
  int64_t time_ms = 0;
  std::string remote;
  std::string method;
  std::string path;
  std::string query;    // raw, without '?'
  std::string headers;  // "Name: value\r\n" lines, as received
  std::string body;
  int status = 0;
  std::string response_headers;  // "Name: value\r\n" lines
  std::string response_body;
  std::string outcome;  // "subscribed", "duplicate", "unknown-variant", "rejected", ... or ""
  std::string reason;   // why it was rejected, or what happened
  std::string account;  // the account it was for, when known
  double duration_ms = 0;
};

// "Name: value\r\n" lines back into pairs.
HeaderList header_lines(std::string_view lines);
// The form fields of an entry whose body is urlencoded or multipart; nullopt otherwise.
std::optional<HeaderList> form_fields(const JournalEntry& entry);

// The entry as GET /__admin/requests serves it, redacted (bis/common/redact.h: the rules
// every report applies too).
nlohmann::json to_json(const JournalEntry& entry, const Redactor& redactor);

struct JournalFilter {
  std::string path;
  std::string method;
  std::string account;
  std::string email;  // case-insensitive, against the email field
  std::string variant;
  size_t limit = 0;  // the newest N matches (still oldest first); 0 = all
};

// A ring of slots, each with its own lock: concurrent requests record into different slots
// without waiting for each other (one shared lock made a convoy of 32 busy connections).
class Journal {
 public:
  explicit Journal(size_t capacity);

  void add(JournalEntry entry);
  std::vector<JournalEntry> entries(const JournalFilter& filter) const;
  // Empties the journal; returns how many entries it held.
  size_t clear();
  size_t capacity() const { return capacity_; }
  size_t size() const;

  // Private keys to redact when entries are read: every key any fixtures ever held.
  void add_private_keys(const std::vector<std::string>& keys);
  Redactor redactor() const;

 private:
  struct Slot {
    std::mutex mu;
    JournalEntry entry;  // id 0: empty
  };

  const size_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<uint64_t> cleared_below_{1};  // entries with smaller ids were cleared
  mutable std::mutex keys_mu_;
  std::vector<std::string> private_keys_;
};

}  // namespace bis::mock
