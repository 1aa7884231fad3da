#pragma once
// Positions in source files and the errors that point at them. Every loader of
// user-written files (suites, fixtures, target profiles) reports "file:line:col: message".
#include <string>
#include <string_view>

namespace bis {

struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown

  // "file:line:col", "file:line" or "file", depending on what is known.
  std::string to_string() const;
};

struct SourceError {
  SourcePos pos;
  std::string message;

  // "file:line:col: message"
  std::string to_string() const;
};

}  // namespace bis
