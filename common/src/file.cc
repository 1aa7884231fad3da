#include "bis/common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bis {
namespace {

std::string errno_reason(int err) {
  switch (err) {
    case ENOENT: return "no such file";
    case EACCES:
    case EPERM: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "a part of the path is not a directory";
    case ELOOP: return "too many symbolic links";
    case ENAMETOOLONG: return "the name is too long";
    default: return std::strerror(err);
  }
}

std::string type_reason(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  return "";
}

SourceError failure(const std::string& path, const std::string& reason) {
  return SourceError{SourcePos{path, 0, 0}, "cannot read file: " + reason};
}

}  // namespace

std::string unreadable_reason(const std::string& path) {
  if (path.empty()) return "no file name given";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_reason(errno);
  // Checked before opening: opening a FIFO for reading blocks until a writer comes.
  if (std::string why = type_reason(st.st_mode); !why.empty()) return why;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_reason(errno);
  ::close(fd);
  return "";
}

Expected<std::string, SourceError> read_text_file(const std::string& path) {
  if (std::string why = unreadable_reason(path); !why.empty()) return Unexpected{failure(path, why)};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Unexpected{failure(path, errno_reason(errno))};
  struct stat st {};
  // The path may have changed between the check and the open.
  if (::fstat(fd, &st) != 0 || !type_reason(st.st_mode).empty()) {
    const std::string why = type_reason(st.st_mode);
    ::close(fd);
    return Unexpected{failure(path, why.empty() ? errno_reason(errno) : why)};
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Unexpected{failure(path, errno_reason(err))};
    }
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.find('\0') != std::string::npos)
    return Unexpected{failure(path, "a binary file (it contains NUL bytes), not text")};
  return text;
}

}  // namespace bis
