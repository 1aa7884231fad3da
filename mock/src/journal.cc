#include "bis/mock/journal.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "bis/common/form.h"
#include "bis/common/text.h"
#include "bis/mock/clock.h"

namespace bis::mock {

namespace {

// The entry's stored texts, by the names "truncated" gives them.
template <typename Entry, typename Fn>
void for_each_text(Entry& e, Fn fn) {
  fn("remote", e.remote);
  fn("method", e.method);
  fn("path", e.path);
  fn("query", e.query);
  fn("headers", e.headers);
  fn("body", e.body);
  fn("response_headers", e.response_headers);
  fn("response_body", e.response_body);
  fn("outcome", e.outcome);
  fn("reason", e.reason);
  fn("account", e.account);
  fn("fault", e.fault);
}

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '%' || c == '\\' || static_cast<unsigned char>(c) >= 0x80;
}

// How far back a cut may move to fall between two words rather than inside one.
constexpr size_t kWordBackoff = 256;

}  // namespace

size_t JournalEntry::bytes() const {
  size_t n = sizeof(JournalEntry);
  for_each_text(*this, [&](const char*, const std::string& s) { n += s.capacity(); });
  for (const auto& [name, size] : truncated) n += sizeof(truncated[0]) + name.capacity();
  return n;
}

std::string truncation_marker(uint64_t original_size) {
  return "...[truncated: " + std::to_string(original_size) + " bytes]";
}

Journal::Journal(size_t capacity, size_t max_bytes, size_t field_bytes)
    : capacity_(capacity),
      max_bytes_(max_bytes),
      field_bytes_(std::min(field_bytes, max_bytes / 16)),
      slots_(capacity > 0 ? std::make_unique<Slot[]>(capacity) : nullptr) {
#if defined(__GLIBC__)
  // glibc raises its trim threshold for good once a large block (a 4 MiB page of this
  // journal) is freed; entries freed after that stay in the tops of the threads' arenas, which
  // malloc_trim does not release (measured: RSS 42 MB after DELETE, 11 MB with this).
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
}

// A cut never ends inside a word: a secret cut in half would escape the redaction rules that
// recognise it whole (a known key, "pk_" and 16 characters).
void Journal::truncate(JournalEntry& e) const {
  for_each_text(e, [&](const char* name, std::string& s) {
    if (s.size() <= field_bytes_) {
      if (s.capacity() > 2 * s.size() + 64) s.shrink_to_fit();
      return;
    }
    e.truncated.emplace_back(name, s.size());
    size_t cut = field_bytes_;
    const size_t floor = cut > kWordBackoff ? cut - kWordBackoff : 0;
    while (cut > floor && is_word_byte(s[cut - 1]) && is_word_byte(s[cut])) --cut;
    s.resize(cut);
    s.shrink_to_fit();
  });
}

void Journal::add(JournalEntry entry) {
  if (capacity_ == 0) return;
  truncate(entry);
  entry.id = next_id_.fetch_add(1);
  const uint64_t id = entry.id;
  bytes_ += entry.bytes();
  evict(id);
  Slot& slot = slots_[id % capacity_];
  {
    std::lock_guard lock(slot.mu);
    // A slower writer of a newer entry may have been here first: keep the newer one.
    if (slot.entry.id > id) {
      bytes_ -= entry.bytes();
      return;
    }
    if (slot.entry.id != 0) bytes_ -= slot.entry.bytes();
    std::swap(slot.entry, entry);
  }
  // `entry` now holds the dropped one, destroyed here, outside the lock. An eviction that
  // passed this id before it was in its slot missed it: it goes now.
  if (id < oldest_.load()) remove(id);
  for (uint64_t n = newest_.load(); n < id && !newest_.compare_exchange_weak(n, id);) {
  }
  // A waiter counts itself before it reads newest_, so either it sees this id or it is
  // counted here and woken (under the lock, so the wake cannot fall before its wait).
  if (waiters_.load() > 0) {
    std::lock_guard lock(wait_mu_);
    wait_cv_.notify_all();
  }
}

bool Journal::wait_for_newer(uint64_t seen,
                             std::chrono::steady_clock::time_point deadline) const {
  ++waiters_;
  std::unique_lock lock(wait_mu_);
  const bool newer = wait_cv_.wait_until(
      lock, deadline, [&] { return newest_.load() > seen || interrupted_.load(); });
  lock.unlock();
  --waiters_;
  return newer && newest_.load() > seen;
}

void Journal::interrupt_waits(bool on) {
  interrupted_ = on;
  std::lock_guard lock(wait_mu_);
  wait_cv_.notify_all();
}

void Journal::remove(uint64_t id) {
  JournalEntry dropped;
  Slot& slot = slots_[id % capacity_];
  std::lock_guard lock(slot.mu);
  if (slot.entry.id != id) return;
  bytes_ -= slot.entry.bytes();
  std::swap(slot.entry, dropped);
}

void Journal::evict(uint64_t below) {
  while (bytes_.load() > max_bytes_) {
    uint64_t oldest = oldest_.load();
    // Ids a full lap behind are gone already (their slots hold newer entries).
    const uint64_t lap = below > capacity_ ? below - capacity_ : 1;
    const uint64_t id = std::max(oldest, lap);
    if (id >= below) return;
    if (!oldest_.compare_exchange_weak(oldest, id + 1)) continue;
    remove(id);
  }
}

HeaderList header_lines(std::string_view lines) {
  HeaderList out;
  size_t pos = 0;
  while (pos < lines.size()) {
    size_t end = lines.find("\r\n", pos);
    if (end == std::string_view::npos) end = lines.size();
    const std::string_view line = lines.substr(pos, end - pos);
    const size_t colon = line.find(": ");
    if (colon != std::string_view::npos)
      out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    pos = end + 2;
  }
  return out;
}

namespace {

std::string header(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

const std::string* field(const HeaderList& fields, std::string_view name) {
  for (const auto& [n, v] : fields) {
    if (n == name) return &v;
  }
  return nullptr;
}

// The email and variant of a modern (JSON:API) request, as the journal's filters read them:
// data.attributes.profile.data.attributes.email and data.relationships.variant.data.id, the
// variant also as its external id (after the last ":::"), as the legacy form names it. Empty
// when the body is not such a document (or was cut by the journal's limit).
HeaderList jsonapi_fields(const JournalEntry& e) {
  HeaderList out;
  if (e.body.empty() || e.body.front() != '{') return out;
  const nlohmann::json doc = nlohmann::json::parse(e.body, nullptr, false);
  if (!doc.is_object()) return out;
  const nlohmann::json::json_pointer email("/data/attributes/profile/data/attributes/email");
  const nlohmann::json::json_pointer variant("/data/relationships/variant/data/id");
  if (doc.contains(email) && doc[email].is_string()) out.emplace_back("email", doc[email]);
  if (doc.contains(variant) && doc[variant].is_string()) {
    const std::string id = doc[variant];
    out.emplace_back("variant", id);
    if (const size_t at = id.rfind(":::"); at != std::string::npos)
      out.emplace_back("variant", id.substr(at + 3));
  }
  return out;
}

bool has_field(const HeaderList& fields, std::string_view name, std::string_view value,
               bool ignore_case) {
  for (const auto& [n, v] : fields) {
    if (n == name && (ignore_case ? iequals(v, value) : v == value)) return true;
  }
  return false;
}

bool matches(const JournalFilter& f, const JournalEntry& e) {
  if (!f.path.empty() && e.path != f.path) return false;
  if (!f.method.empty() && !iequals(e.method, f.method)) return false;
  if (!f.outcome.empty() && e.outcome != f.outcome) return false;
  if (f.via && via_of_path(e.path) != f.via) return false;
  if (f.account.empty() && f.email.empty() && f.variant.empty()) return true;
  const std::optional<HeaderList> fields = form_fields(e);
  const HeaderList fs = fields ? *fields : jsonapi_fields(e);
  if (!f.account.empty()) {
    const std::string* a = field(fs, "a");
    if (e.account != f.account && !(a && *a == f.account)) return false;
  }
  if (!f.email.empty() && !has_field(fs, "email", f.email, true)) return false;
  if (!f.variant.empty() && !has_field(fs, "variant", f.variant, false)) return false;
  return true;
}

// JSON strings must be valid UTF-8; bytes that are not show as U+FFFD.
nlohmann::json text_json(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  return nlohmann::json::parse(json_quote(s));
}

nlohmann::json headers_json(const HeaderList& headers) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    // Repeated headers keep every value, joined as HTTP would.
    const std::string key = text_json(name).get<std::string>();
    if (j.contains(key)) {
      j[key] = j[key].get<std::string>() + ", " + text_json(value).get<std::string>();
    } else {
      j[key] = text_json(value);
    }
  }
  return j;
}

}  // namespace

std::optional<HeaderList> form_fields(const JournalEntry& e) {
  const std::string content_type = header(header_lines(e.headers), "Content-Type");
  Expected<form::Fields, std::string> parsed = form::Fields{};
  // The route's rule (api_routes.cc): the media type exactly, so the journal shows the fields
  // the route read, and none of a body it refused.
  if (form::media_type(content_type) == "application/x-www-form-urlencoded") {
    parsed = form::parse_urlencoded(e.body);
  } else if (auto boundary = form::multipart_boundary(content_type)) {
    parsed = form::parse_multipart(e.body, *boundary);
  } else {
    return std::nullopt;
  }
  if (!parsed) return std::nullopt;
  HeaderList out;
  for (const form::Field& f : *parsed) out.emplace_back(f.name, f.value);
  return out;
}

void Journal::visit_newest(const JournalFilter& filter, uint64_t before,
                           const std::function<bool(const JournalEntry&)>& visit) const {
  const uint64_t floor = cleared_below_.load();
  std::vector<uint64_t> ids;
  for (size_t i = 0; i < capacity_; ++i) {
    std::lock_guard lock(slots_[i].mu);
    const uint64_t id = slots_[i].entry.id;
    if (id != 0 && id >= floor && id > filter.after && (before == 0 || id < before))
      ids.push_back(id);
  }
  std::sort(ids.rbegin(), ids.rend());
  for (uint64_t id : ids) {
    std::optional<JournalEntry> copy;
    {
      Slot& slot = slots_[id % capacity_];
      std::lock_guard lock(slot.mu);
      if (slot.entry.id != id || !matches(filter, slot.entry)) continue;
      copy = slot.entry;
    }
    if (!visit(*copy)) return;
  }
}

std::vector<JournalEntry> Journal::entries(const JournalFilter& filter) const {
  std::vector<JournalEntry> out;
  visit_newest(filter, 0, [&](const JournalEntry& e) {
    out.push_back(e);
    return filter.limit == 0 || out.size() < filter.limit;
  });
  std::reverse(out.begin(), out.end());
  return out;
}

JournalPage journal_page(const Journal& journal, const JournalFilter& filter, uint64_t before,
                         size_t page_bytes, const Redactor& redactor) {
  JournalPage page;
  std::vector<std::string> newest_first;
  size_t bytes = 0;
  uint64_t oldest_id = 0;
  journal.visit_newest(filter, before, [&](const JournalEntry& e) {
    const bool full = filter.limit > 0 && newest_first.size() >= filter.limit;
    std::string item = full ? std::string() : to_json(e, redactor).dump(
                                                  -1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
    if (full || (!newest_first.empty() && bytes + item.size() + 1 > page_bytes)) {
      page.next_before = oldest_id;  // `e` matches and did not fit: there is a next page
      return false;
    }
    bytes += item.size() + 1;
    oldest_id = e.id;
    newest_first.push_back(std::move(item));
    return true;
  });
  page.count = newest_first.size();
  page.items.reserve(bytes);
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    if (!page.items.empty()) page.items += ',';
    page.items += *it;
  }
  return page;
}

size_t Journal::clear() {
  size_t cleared = 0;
  const uint64_t floor = cleared_below_.load();
  for (size_t i = 0; i < capacity_; ++i) {
    JournalEntry dropped;
    std::lock_guard lock(slots_[i].mu);
    if (slots_[i].entry.id == 0) continue;
    if (slots_[i].entry.id >= floor) ++cleared;
    bytes_ -= slots_[i].entry.bytes();
    std::swap(slots_[i].entry, dropped);
  }
  const uint64_t next = next_id_.load();
  cleared_below_ = next;
  for (uint64_t o = oldest_.load(); o < next && !oldest_.compare_exchange_weak(o, next);) {
  }
#if defined(__GLIBC__)
  // Freed blocks stay in malloc's arenas (a 100 MB body's pages among them) until trimmed.
  malloc_trim(0);
#endif
  return cleared;
}

size_t Journal::size() const {
  size_t n = 0;
  const uint64_t floor = cleared_below_.load();
  for (size_t i = 0; i < capacity_; ++i) {
    std::lock_guard lock(slots_[i].mu);
    if (slots_[i].entry.id >= floor && slots_[i].entry.id != 0) ++n;
  }
  return n;
}

void Journal::add_private_keys(const std::vector<std::string>& keys) {
  std::lock_guard lock(keys_mu_);
  for (const std::string& k : keys) {
    if (!k.empty() &&
        std::find(private_keys_.begin(), private_keys_.end(), k) == private_keys_.end()) {
      private_keys_.push_back(k);
    }
  }
}

Redactor Journal::redactor() const {
  std::lock_guard lock(keys_mu_);
  return Redactor(private_keys_);
}

nlohmann::json to_json(const JournalEntry& e, const Redactor& r) {
  const auto cut_size = [&](std::string_view name) -> std::optional<uint64_t> {
    for (const auto& [n, size] : e.truncated) {
      if (n == name) return size;
    }
    return std::nullopt;
  };
  // Redacted first, then marked: the marker must not be taken for part of a secret's value.
  const auto shown = [&](std::string_view name, std::string s) {
    if (auto size = cut_size(name)) s += truncation_marker(*size);
    return s;
  };
  const auto shown_headers = [&](std::string_view name, const std::string& lines) {
    HeaderList headers = header_lines(lines);
    r.headers_in_place(headers);
    if (auto size = cut_size(name)) {
      if (headers.empty()) headers.emplace_back("", "");
      headers.back().second += truncation_marker(*size);
    }
    return headers_json(headers);
  };
  std::string query = e.query, body = e.body, path = e.path;
  r.in_place(query);
  r.in_place(path);
  r.body_in_place(body);
  nlohmann::json fields = nullptr;
  if (auto parsed = form_fields(e)) {
    r.headers_in_place(*parsed);  // a form field named like a secret is hidden like a header
    fields = nlohmann::json::object();
    for (const auto& [name, value] : *parsed) {
      if (!fields.contains(name)) fields[name] = text_json(value);
    }
  }
  std::string response_body = e.response_body, reason = e.reason;
  r.body_in_place(response_body);
  r.in_place(reason);
  auto optional_text = [&](std::string_view name, const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : text_json(shown(name, s));
  };
  nlohmann::json truncated = nullptr;
  for (const auto& [name, size] : e.truncated) truncated[name] = size;
  return nlohmann::json{
      {"id", e.id},
      {"time", format_time(e.time_ms)},
      {"remote", text_json(shown("remote", e.remote))},
      {"method", text_json(shown("method", e.method))},
      {"path", text_json(shown("path", path))},
      {"query", text_json(shown("query", query))},
      {"headers", shown_headers("headers", e.headers)},
      {"body", text_json(shown("body", body))},
      {"fields", std::move(fields)},
      {"status", e.status},
      {"response",
       {{"headers", shown_headers("response_headers", e.response_headers)},
        {"body", text_json(shown("response_body", response_body))}}},
      {"outcome", optional_text("outcome", e.outcome)},
      {"reason", optional_text("reason", reason)},
      {"account", optional_text("account", e.account)},
      {"fault", optional_text("fault", e.fault)},
      {"via", via_of_path(e.path) ? nlohmann::json(to_string(*via_of_path(e.path))) : nullptr},
      {"duration_ms", e.duration_ms},
      {"truncated", std::move(truncated)},
  };
}

}  // namespace bis::mock
