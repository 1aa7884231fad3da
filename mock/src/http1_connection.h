#pragma once
// The mock's HTTP/1.1 connection driver: reads a connection with deadlines, parses each request
// strictly (http1_parser.h), hands complete requests to the routes as cpp-httplib objects and
// writes their answers. cpp-httplib keeps the listening socket, the accept loop and the task
// queue; everything on an accepted socket happens here (server.cc overrides
// httplib::Server::process_and_close_socket), so cpp-httplib's lenient request reader never
// sees a byte. docs/mock.md, "HTTP layer: what enforces what".
#include <httplib.h>

#include <functional>
#include <string>

#include "http1_parser.h"

namespace bis::mock::http1 {

struct ConnectionOptions {
  Limits limits;
  int header_timeout_ms = 10000;  // first byte of a request to the end of its headers
  int body_timeout_ms = 30000;    // end of the headers to the end of the body
  int idle_timeout_ms = 5000;     // keep-alive: end of an answer to the next request's first byte
  int write_timeout_ms = 5000;    // per send() of an answer
};

struct Peer {
  std::string remote_addr;
  int remote_port = -1;
  std::string local_addr;
  int local_port = -1;
};

// What happens on the wire to an answer (fault injection, bis/mock/faults.h): the layer
// carries it out; whoever answered decided it.
struct WireFault {
  enum class Kind {
    kNone,      // write the answer
    kReset,     // write nothing; reset the connection (RST)
    kClose,     // write nothing; close the connection (FIN)
    kTruncate,  // write the head (with the full Content-Length) and `bytes` of the body; close
    kSlowBody,  // write the head, then the body at `bytes_per_second`
  };
  Kind kind = Kind::kNone;
  uint64_t bytes = 0;
  uint64_t bytes_per_second = 0;
};

struct ConnectionHooks {
  // Answers one complete request (the body is read already; the reader hands it over), and
  // says what the wire does with the answer. Must not throw.
  std::function<WireFault(httplib::Request&, httplib::Response&, const httplib::ContentReader&)>
      handle;
  // While true, a slow body gives up (the server is stopping).
  std::function<bool()> stopping;
  // Told of each refusal the layer answers itself (framing, limits, deadlines), for the log.
  std::function<void(const Refusal&, const Request& partial, const Peer&)> refused;
};

Peer peer_of(int fd);

// Serves requests on `fd` in order until the client is done, an answer closes the connection,
// a refusal or a deadline. Returns with `fd` still open; the caller closes it.
void serve_connection(int fd, const ConnectionOptions& options, const ConnectionHooks& hooks);

// Answers `refusal` on a connection nobody reads (`extra`: headers such as Retry-After), then
// lingers briefly so the answer is not destroyed by a reset. `fd` stays open.
void refuse_connection(int fd, const Refusal& refusal, const httplib::Headers& extra,
                       int linger_ms);

}  // namespace bis::mock::http1
