#pragma once
// A small streaming JSON writer (Catch2's JsonWriter in spirit): it keeps commas, indentation
// and string escaping right so the reports never assemble JSON by hand. Strings come out as
// valid UTF-8 whatever bytes go in (invalid sequences become U+FFFD). Not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bis::reports {

class JsonWriter {
 public:
  // Appends to `out`; `indent` spaces per level, 0 for one line.
  explicit JsonWriter(std::string& out, int indent = 2) : out_(out), indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The next value is this member of the current object.
  JsonWriter& key(std::string_view name);

  void string(std::string_view s);
  void raw_number(std::string_view text);  // already a valid JSON number
  void integer(int64_t n);
  void boolean(bool b);
  void null();

  template <class T>
  void field(std::string_view name, const T& value) {
    key(name);
    write(value);
  }
  void string_array(const std::vector<std::string>& values);

 private:
  void write(std::string_view s) { string(s); }
  void write(const std::string& s) { string(s); }
  void write(const char* s) { string(s); }
  void write(bool b) { boolean(b); }
  void write(int n) { integer(n); }
  void write(int64_t n) { integer(n); }
  void write(size_t n) { integer(static_cast<int64_t>(n)); }

  void open(char c);
  void close(char c);
  void before_value();
  void newline(size_t depth);

  std::string& out_;
  int indent_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace bis::reports
