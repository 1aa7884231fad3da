#include "bis/mock/journal.h"

#include "bis/common/form.h"
#include "bis/common/text.h"
#include "bis/mock/clock.h"

namespace bis::mock {

void Journal::add(JournalEntry entry) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  entry.id = next_id_++;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

namespace {

const std::string* field(const JournalEntry& e, std::string_view name) {
  if (!e.fields) return nullptr;
  for (const auto& [n, v] : *e.fields) {
    if (n == name) return &v;
  }
  return nullptr;
}

bool matches(const JournalFilter& f, const JournalEntry& e) {
  if (!f.path.empty() && e.path != f.path) return false;
  if (!f.method.empty() && !iequals(e.method, f.method)) return false;
  if (!f.account.empty()) {
    const std::string* a = field(e, "a");
    if (e.account != f.account && !(a && *a == f.account)) return false;
  }
  if (!f.email.empty()) {
    const std::string* email = field(e, "email");
    if (!email || !iequals(*email, f.email)) return false;
  }
  if (!f.variant.empty()) {
    const std::string* variant = field(e, "variant");
    if (!variant || *variant != f.variant) return false;
  }
  return true;
}

nlohmann::json headers_json(const HeaderList& headers) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    // Repeated headers keep every value, joined as HTTP would.
    if (j.contains(name)) {
      j[name] = j[name].get<std::string>() + ", " + value;
    } else {
      j[name] = value;
    }
  }
  return j;
}

// JSON strings must be valid UTF-8; bytes that are not show as U+FFFD.
nlohmann::json text_json(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  return nlohmann::json::parse(json_quote(s));
}

}  // namespace

std::vector<JournalEntry> Journal::entries(const JournalFilter& filter) const {
  std::lock_guard lock(mu_);
  std::vector<JournalEntry> out;
  for (const JournalEntry& e : entries_) {
    if (matches(filter, e)) out.push_back(e);
  }
  if (filter.limit > 0 && out.size() > filter.limit) out.erase(out.begin(), out.end() - filter.limit);
  return out;
}

size_t Journal::clear() {
  std::lock_guard lock(mu_);
  const size_t n = entries_.size();
  entries_.clear();
  return n;
}

size_t Journal::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

nlohmann::json to_json(const JournalEntry& e) {
  nlohmann::json fields = nullptr;
  if (e.fields) {
    fields = nlohmann::json::object();
    for (const auto& [name, value] : *e.fields) {
      if (!fields.contains(name)) fields[name] = text_json(value);
    }
  }
  auto optional_text = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return nlohmann::json{
      {"id", e.id},
      {"time", format_time(e.time_ms)},
      {"remote", e.remote},
      {"method", e.method},
      {"path", text_json(e.path)},
      {"query", text_json(e.query)},
      {"headers", headers_json(e.headers)},
      {"body", text_json(e.body)},
      {"fields", std::move(fields)},
      {"status", e.status},
      {"response", {{"headers", headers_json(e.response_headers)}, {"body", text_json(e.response_body)}}},
      {"outcome", optional_text(e.outcome)},
      {"reason", optional_text(e.reason)},
      {"account", optional_text(e.account)},
      {"duration_ms", e.duration_ms},
  };
}

Redactor::Redactor(std::vector<std::string> private_keys) : private_keys_(std::move(private_keys)) {
  std::erase_if(private_keys_, [](const std::string& k) { return k.empty(); });
}

void Redactor::headers(HeaderList& headers) const {
  for (auto& [name, value] : headers) {
    if (iequals(name, "api-key") || iequals(name, "Authorization") || iequals(name, "X-Admin-Token")) {
      value = std::string(kRedacted);
    } else {
      text(value);
    }
  }
}

void Redactor::fields(HeaderList& fields) const {
  for (auto& [name, value] : fields) {
    if (name == "api_key") {
      value = std::string(kRedacted);
    } else {
      text(value);
    }
  }
}

void Redactor::text(std::string& s) const {
  for (const std::string& key : private_keys_) {
    for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + kRedacted.size())) {
      s.replace(pos, key.size(), kRedacted);
    }
  }
  // api_key=VALUE in a urlencoded body or a query string.
  for (size_t pos = s.find("api_key="); pos != std::string::npos; pos = s.find("api_key=", pos + 1)) {
    if (pos != 0 && s[pos - 1] != '&' && s[pos - 1] != '?') continue;
    const size_t start = pos + 8;
    size_t end = s.find('&', start);
    if (end == std::string::npos) end = s.size();
    s.replace(start, end - start, kRedacted);
  }
}

void Redactor::body(std::string& body, std::string_view content_type) const {
  if (body.find("api_key") != std::string::npos && content_type.find("json") != std::string_view::npos) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("api_key")) {
      j["api_key"] = kRedacted;
      body = j.dump();
    }
  }
  if (auto boundary = form::multipart_boundary(content_type)) {
    if (auto parsed = form::parse_multipart(body, *boundary)) {
      for (const form::Field& f : *parsed) {
        if (f.name != "api_key" || f.value.empty()) continue;
        for (size_t pos = body.find(f.value); pos != std::string::npos;
             pos = body.find(f.value, pos + kRedacted.size())) {
          body.replace(pos, f.value.size(), kRedacted);
        }
      }
    }
  }
  text(body);
}

}  // namespace bis::mock
