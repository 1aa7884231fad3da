#pragma once
// A loopback client over a raw socket, for hostile-HTTP tests: sends any bytes, reads answers
// framed by their Content-Length, and tells whether the server closed the connection. Every
// wait is bounded (SO_RCVTIMEO), none is a sleep.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace bis::mock::testing {

class RawClient {
 public:
  explicit RawClient(int port, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int yes = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  // Closing resets the connection instead of leaving it in TIME_WAIT (for tests that open
  // thousands of connections).
  void reset_on_close() {
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }

  bool send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  void shut_write() { ::shutdown(fd_, SHUT_WR); }

  // The next answer (head and body; `head`: a HEAD answer, no body), or "" at the end of the
  // connection or after the timeout. An answer without Content-Length runs to the end.
  std::string answer(bool head = false) {
    for (;;) {
      const size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const size_t cl = find_header(head_end, "\r\nContent-Length: ");
        // 1xx, 204 and 304 answers never have a body.
        const std::string code = buffer_.size() >= 12 ? buffer_.substr(9, 3) : "";
        const bool bodiless = code[0] == '1' || code == "204" || code == "304";
        const bool framed = head || bodiless || cl != std::string::npos;
        const size_t length =
            !head && !bodiless && cl != std::string::npos ? std::stoul(buffer_.substr(cl + 18)) : 0;
        if ((framed && buffer_.size() >= head_end + 4 + length) || (!framed && eof_)) {
          const size_t end = framed ? head_end + 4 + length : buffer_.size();
          std::string out = buffer_.substr(0, end);
          buffer_.erase(0, end);
          return out;
        }
      }
      if (!fill()) {
        std::string rest;
        rest.swap(buffer_);
        return rest.find("\r\n\r\n") == std::string::npos ? "" : rest;
      }
    }
  }

  // Whether the server ends the connection (end of input or reset) within the timeout, with
  // no further bytes; extra bytes are kept in buffer().
  bool closed_by_server() {
    while (fill()) {
    }
    return eof_;
  }
  const std::string& buffer() const { return buffer_; }

 private:
  size_t find_header(size_t head_end, const char* name) const {
    const size_t at = buffer_.find(name);
    return at < head_end ? at : std::string::npos;
  }
  // Reads more; false at the end of input, on reset or timeout (eof_ tells which).
  bool fill() {
    if (eof_) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      return true;
    }
    if (n == 0 || errno == ECONNRESET) eof_ = true;
    return false;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

inline int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

inline std::string body_of(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

}  // namespace bis::mock::testing
