#pragma once
// Reading a file the user named (a suite, a profile, fixtures, the catalogue). Every tool
// reads through here so that an unreadable path always says why, the same way, instead of
// throwing from a stream or blocking on a FIFO.
#include <string>

#include "bis/common/expected.h"
#include "bis/common/source.h"

namespace bis {

// Why `path` cannot be read as a text file, or "" when it can be opened: "no such file",
// "permission denied", "is a directory", "is a FIFO, not a regular file", ...
std::string unreadable_reason(const std::string& path);

// The whole file. Fails, positioned at the file, with "cannot read file: <reason>" when the
// path is missing, not a regular file (directory, FIFO, device), not permitted, or binary (it
// holds NUL bytes: a text format cannot, and the parser's message would not help).
Expected<std::string, SourceError> read_text_file(const std::string& path);

}  // namespace bis
