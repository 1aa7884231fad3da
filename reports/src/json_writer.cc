#include "json_writer.h"

#include "bis/common/text.h"

namespace bis::reports {

void JsonWriter::newline(size_t depth) {
  if (indent_ <= 0) return;
  out_.push_back('\n');
  out_.append(depth * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;
  if (!empty_.back()) out_.push_back(',');
  empty_.back() = false;
  newline(empty_.size());
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

void JsonWriter::open(char c) {
  before_value();
  out_.push_back(c);
  empty_.push_back(true);
}

void JsonWriter::close(char c) {
  const bool was_empty = empty_.back();
  empty_.pop_back();
  if (!was_empty) newline(empty_.size());
  out_.push_back(c);
}

void JsonWriter::string(std::string_view s) {
  before_value();
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      append_json_string(out_, s);  // validates UTF-8, replacing what is not
      return;
    }
  }
  // ASCII, the common case: copy runs that need no escape in one append each.
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) continue;
    out_.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xF]);
    }
  }
  out_.append(s.substr(run));
  out_.push_back('"');
}

void JsonWriter::raw_number(std::string_view text) {
  before_value();
  out_ += text;
}

void JsonWriter::integer(int64_t n) {
  before_value();
  out_ += std::to_string(n);
}

void JsonWriter::boolean(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::string_array(const std::vector<std::string>& values) {
  begin_array();
  for (const auto& v : values) string(v);
  end_array();
}

}  // namespace bis::reports
