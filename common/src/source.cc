#include "bis/common/source.h"

namespace bis {

std::string SourcePos::to_string() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string SourceError::to_string() const { return pos.to_string() + ": " + message; }

}  // namespace bis
