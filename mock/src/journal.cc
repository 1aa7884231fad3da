#include "bis/mock/journal.h"

#include <algorithm>

#include "bis/common/form.h"
#include "bis/common/text.h"
#include "bis/mock/clock.h"

namespace bis::mock {

Journal::Journal(size_t capacity)
    : capacity_(capacity), slots_(capacity > 0 ? std::make_unique<Slot[]>(capacity) : nullptr) {}

void Journal::add(JournalEntry entry) {
  if (capacity_ == 0) return;
  entry.id = next_id_.fetch_add(1);
  Slot& slot = slots_[entry.id % capacity_];
  {
    std::lock_guard lock(slot.mu);
    // A slower writer of a newer entry may have been here first: keep the newer one.
    if (slot.entry.id > entry.id) return;
    std::swap(slot.entry, entry);
  }
  // `entry` now holds the dropped one, destroyed here, outside the lock.
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

bool matches(const JournalFilter& f, const JournalEntry& e) {
  if (!f.path.empty() && e.path != f.path) return false;
  if (!f.method.empty() && !iequals(e.method, f.method)) return false;
  if (f.account.empty() && f.email.empty() && f.variant.empty()) return true;
  const std::optional<HeaderList> fields = form_fields(e);
  const HeaderList none;
  const HeaderList& fs = fields ? *fields : none;
  if (!f.account.empty()) {
    const std::string* a = field(fs, "a");
    if (e.account != f.account && !(a && *a == f.account)) return false;
  }
  if (!f.email.empty()) {
    const std::string* email = field(fs, "email");
    if (!email || !iequals(*email, f.email)) return false;
  }
  if (!f.variant.empty()) {
    const std::string* variant = field(fs, "variant");
    if (!variant || *variant != f.variant) return false;
  }
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

std::vector<JournalEntry> Journal::entries(const JournalFilter& filter) const {
  std::vector<JournalEntry> all;
  const uint64_t floor = cleared_below_.load();
  for (size_t i = 0; i < capacity_; ++i) {
    std::lock_guard lock(slots_[i].mu);
    if (slots_[i].entry.id >= floor && slots_[i].entry.id != 0) all.push_back(slots_[i].entry);
  }
  std::sort(all.begin(), all.end(),
            [](const JournalEntry& a, const JournalEntry& b) { return a.id < b.id; });
  std::vector<JournalEntry> out;
  for (JournalEntry& e : all) {
    if (matches(filter, e)) out.push_back(std::move(e));
  }
  if (filter.limit > 0 && out.size() > filter.limit)
    out.erase(out.begin(), out.end() - filter.limit);
  return out;
}

size_t Journal::clear() {
  size_t cleared = 0;
  const uint64_t floor = cleared_below_.load();
  for (size_t i = 0; i < capacity_; ++i) {
    JournalEntry dropped;
    std::lock_guard lock(slots_[i].mu);
    if (slots_[i].entry.id >= floor && slots_[i].entry.id != 0) ++cleared;
    std::swap(slots_[i].entry, dropped);
  }
  cleared_below_ = next_id_.load();
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
  HeaderList headers = header_lines(e.headers);
  r.headers_in_place(headers);
  std::string query = e.query, body = e.body, path = e.path;
  r.in_place(query);
  r.in_place(path);
  r.in_place(body);
  nlohmann::json fields = nullptr;
  if (auto parsed = form_fields(e)) {
    r.headers_in_place(*parsed);  // a form field named like a secret is hidden like a header
    fields = nlohmann::json::object();
    for (const auto& [name, value] : *parsed) {
      if (!fields.contains(name)) fields[name] = text_json(value);
    }
  }
  std::string response_body = e.response_body, reason = e.reason;
  r.in_place(response_body);
  r.in_place(reason);
  HeaderList response_headers = header_lines(e.response_headers);
  r.headers_in_place(response_headers);
  auto optional_text = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : text_json(s);
  };
  return nlohmann::json{
      {"id", e.id},
      {"time", format_time(e.time_ms)},
      {"remote", e.remote},
      {"method", text_json(e.method)},
      {"path", text_json(path)},
      {"query", text_json(query)},
      {"headers", headers_json(headers)},
      {"body", text_json(body)},
      {"fields", std::move(fields)},
      {"status", e.status},
      {"response",
       {{"headers", headers_json(response_headers)},
        {"body", text_json(response_body)}}},
      {"outcome", optional_text(e.outcome)},
      {"reason", optional_text(reason)},
      {"account", optional_text(e.account)},
      {"duration_ms", e.duration_ms},
  };
}

}  // namespace bis::mock
