// The mock's strict HTTP/1.1 request parser (mock/src/http1_parser.h) on arbitrary bytes:
// pipelined requests are parsed one after another, once with the whole input at once and
// once fed in small pieces as a slow client sends them; both must read the same requests
// and refuse at the same place with the same status.
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "http1_parser.h"  // mock/src

namespace {

using bis::mock::http1::Limits;
using bis::mock::http1::Parser;

struct Outcome {
  std::vector<std::string> requests;  // one line per request read, or the refusal
  size_t consumed = 0;                // not compared: after a refusal the connection closes anyway
};

std::string describe(Parser& p) {
  // The status is not compared: an over-long line without its end is refused as soon as a
  // limit is crossed, which may be 414 (target) when fed slowly and 400 when seen whole.
  if (p.state() == Parser::State::kRefused) return "refused";
  const auto& r = p.request();
  std::string out = r.method + " " + r.target + " " + r.path + "?" + r.query + " 1." +
                    std::to_string(r.minor_version) + (r.keep_alive ? " ka" : " close");
  for (const auto& [name, value] : r.headers) out += "|" + name + ":" + value;
  return out + "|body:" + r.body;
}

// `piece` 0 feeds everything at once.
Outcome parse_all(std::string_view in, const Limits& limits, size_t piece) {
  Outcome o;
  while (o.consumed < in.size()) {
    Parser p(limits);
    while (o.consumed < in.size() && p.state() == Parser::State::kNeedMore) {
      const size_t give = piece ? std::min(piece, in.size() - o.consumed) : in.size() - o.consumed;
      const size_t took = p.feed(in.data() + o.consumed, give);
      if (took > give) bis::fuzz::fail("the parser took more bytes than it was given");
      if (took < give && p.state() == Parser::State::kNeedMore)
        bis::fuzz::fail("the parser left bytes while it needs more");
      o.consumed += took;
    }
    if (p.state() == Parser::State::kNeedMore) break;  // the input ends inside a request
    o.requests.push_back(describe(p));
    if (p.state() == Parser::State::kRefused) break;
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // Small limits, so the fuzzer reaches 413, 414 and 431 with small inputs.
  Limits limits;
  limits.max_target = 64;
  limits.max_header_bytes = 512;
  limits.max_headers = 8;
  limits.max_body = 256;
  const size_t piece = 1 + data[0] % 7;
  const std::string_view in = bis::fuzz::as_text(data + 1, size - 1);
  const Outcome whole = parse_all(in, limits, 0);
  const Outcome pieces = parse_all(in, limits, piece);
  if (whole.requests != pieces.requests)
    bis::fuzz::fail("fed in pieces, the parser reads another request");
  return 0;
}
