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
  append_json_string(out_, s);
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
