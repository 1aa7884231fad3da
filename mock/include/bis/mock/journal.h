#pragma once
// The request journal: the last N requests the served API received and what it answered
// (for app teams: "what did my app send?"). Bounded in entries and in bytes, on its own
// (whatever the HTTP layer lets through): each stored text (header block, body, ...) is cut at
// a per-field limit, remembering its original size, and the oldest entries go when either
// bound is reached.
// Entries are recorded before the answer leaves, so a client that reads the journal after
// its answer finds its request. Recording is on the hot path, so an entry keeps raw text
// (headers as "Name: value" lines); what is derived from it (form fields, redaction of
// private keys) is done when the journal is read, so nothing leaves unredacted.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bis/common/redact.h"
#include "bis/mock/records.h"

namespace bis::mock {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t kDefaultJournalBytes = 32 * 1024 * 1024;
inline constexpr size_t kDefaultJournalFieldBytes = 64 * 1024;

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
  std::string fault;    // the faults that applied to it ("f-1 latency 50ms; ..."), or ""
  double duration_ms = 0;
  // The fields cut at the journal's per-field limit, with their original sizes in bytes.
  std::vector<std::pair<std::string, uint64_t>> truncated;

  // What the entry holds in memory, as the journal's byte budget counts it.
  size_t bytes() const;
};

// Appended, after redaction, to a field the journal cut: "...[truncated: 104857600 bytes]".
std::string truncation_marker(uint64_t original_size);

// "Name: value\r\n" lines back into pairs.
HeaderList header_lines(std::string_view lines);
// The form fields of an entry whose body is urlencoded or multipart; nullopt otherwise.
std::optional<HeaderList> form_fields(const JournalEntry& entry);

// The entry as GET /__admin/requests serves it, redacted (bis/common/redact.h: the rules
// every report applies too); a cut field ends with truncation_marker() and is listed in
// "truncated" with its original size.
nlohmann::json to_json(const JournalEntry& entry, const Redactor& redactor);

struct JournalFilter {
  std::string path;
  std::string method;
  std::string account;
  std::string email;  // case-insensitive, against the email field
  std::string variant;
  std::string outcome;  // exactly, e.g. "rejected"
  std::optional<Via> via;  // the entry's path's (via_of_path)
  uint64_t after = 0;   // only entries with a larger id (a live view's "what is new")
  size_t limit = 0;     // the newest N matches (still oldest first); 0 = all
};

// A ring of slots, each with its own lock: concurrent requests record into different slots
// without waiting for each other (one shared lock made a convoy of 32 busy connections).
// The byte budget: once add() returns, bytes() <= max_bytes() unless other add() calls are
// under way (each may hold one entry of at most 12 fields x field_bytes over it meanwhile).
class Journal {
 public:
  // `field_bytes` is lowered to max_bytes / 16 if larger, so that one entry always fits.
  explicit Journal(size_t capacity, size_t max_bytes = kDefaultJournalBytes,
                   size_t field_bytes = kDefaultJournalFieldBytes);

  void add(JournalEntry entry);
  std::vector<JournalEntry> entries(const JournalFilter& filter) const;
  // Calls `visit` with a copy of each entry matching `filter` (its `limit` aside) whose id is
  // below `before` (0: any), newest first, until `visit` returns false. Copies one at a time,
  // so reading a page costs the page, not the journal.
  void visit_newest(const JournalFilter& filter, uint64_t before,
                    const std::function<bool(const JournalEntry&)>& visit) const;
  // Empties the journal and hands the freed memory back to the system; returns how many
  // entries it held.
  size_t clear();
  size_t capacity() const { return capacity_; }
  size_t size() const;
  size_t bytes() const { return bytes_.load(); }
  size_t max_bytes() const { return max_bytes_; }
  size_t field_bytes() const { return field_bytes_; }

  // The largest id placed in the journal so far (0: none), for a waiter's "what is new".
  uint64_t newest_id() const { return newest_.load(); }
  // Waits until an entry with an id above `seen` is placed, `deadline` passes or
  // interrupt_waits(true) is called; true if such an entry is there. A long poll's wait: it
  // costs add() nothing while nobody waits.
  bool wait_for_newer(uint64_t seen, std::chrono::steady_clock::time_point deadline) const;
  // Callers inside wait_for_newer() now (for tests that must act while one waits).
  size_t waiters() const { return waiters_.load(); }
  // While on, every wait returns at once (a stopping server must not hang on long polls).
  void interrupt_waits(bool on);

  // Private keys to redact when entries are read: every key any fixtures ever held.
  void add_private_keys(const std::vector<std::string>& keys);
  Redactor redactor() const;

 private:
  struct Slot {
    std::mutex mu;
    JournalEntry entry;  // id 0: empty
  };

  void truncate(JournalEntry& entry) const;
  // Drops the entries older than `below`, oldest first, while over the byte budget.
  void evict(uint64_t below);
  // Takes entry `id` out of its slot, if it is there.
  void remove(uint64_t id);

  const size_t capacity_;
  const size_t max_bytes_;
  const size_t field_bytes_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<uint64_t> cleared_below_{1};  // entries with smaller ids were cleared
  std::atomic<uint64_t> oldest_{1};         // entries with smaller ids were evicted or cleared
  std::atomic<size_t> bytes_{0};            // of the entries held or being added
  std::atomic<uint64_t> newest_{0};         // the largest id placed
  mutable std::atomic<size_t> waiters_{0};
  std::atomic<bool> interrupted_{false};
  mutable std::mutex wait_mu_;
  mutable std::condition_variable wait_cv_;
  mutable std::mutex keys_mu_;
  std::vector<std::string> private_keys_;
};

// One answer of GET /__admin/requests: bounded whatever the journal holds.
struct JournalPage {
  size_t count = 0;
  std::string items;         // the entries' JSON (to_json), comma-separated, oldest first
  uint64_t next_before = 0;  // older matches remain: ask again with before=next_before; 0: none
};

// The newest entries matching `filter` whose ids are below `before` (0: any): at most
// filter.limit of them (0: no limit), and no more than `page_bytes` of JSON (one at least).
JournalPage journal_page(const Journal& journal, const JournalFilter& filter, uint64_t before,
                         size_t page_bytes, const Redactor& redactor);

}  // namespace bis::mock
