#include "clock_request.h"

#include "bis/common/duration.h"

namespace bis::mock::http {

using nlohmann::json;

namespace {

constexpr std::string_view kShapes =
    R"({"advance": "90m"}, {"advance_ms": N}, {"freeze_at": "<RFC 3339>"}, {"freeze": true} or )"
    R"({"real": true})";

std::string refused(std::string why) {
  return why + "; PUT /__admin/clock takes one of " + std::string(kShapes);
}

Expected<int64_t, std::string> advance_of(const json& value, bool text) {
  int64_t ms = 0;
  if (text) {
    if (!value.is_string()) return Unexpected{refused("advance must be a duration like \"90m\"")};
    auto d = parse_duration(value.get<std::string>());
    if (!d) return Unexpected{refused("advance: " + d.error())};
    ms = d->count();
  } else {
    if (!value.is_number_integer())
      return Unexpected{refused("advance_ms must be an integer number of milliseconds")};
    ms = value.get<int64_t>();
  }
  if (ms < 0)
    return Unexpected{refused("the clock only advances (use freeze_at to set an earlier time)")};
  if (ms > kMaxAdvanceMs) return Unexpected{refused("one advance moves the clock ten years at most")};
  return ms;
}

}  // namespace

Expected<ClockReading, std::string> move_clock(VirtualClock& clock, std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || j.size() != 1)
    return Unexpected{refused("body must be a JSON object with one key")};
  // Not `*j.items().begin()`: that is a reference into a temporary iterator, which holds the
  // key (ASan: stack-use-after-scope).
  const auto first = j.begin();
  const std::string key = first.key();
  const json& value = first.value();
  if (key == "advance" || key == "advance_ms") {
    auto ms = advance_of(value, key == "advance");
    if (!ms) return Unexpected{ms.error()};
    return clock.advance(*ms);
  }
  if (key == "freeze_at") {
    const auto at = value.is_string() ? parse_time(value.get<std::string>()) : std::nullopt;
    if (!at)
      return Unexpected{refused("freeze_at must be an RFC 3339 time like \"2026-12-01T09:00:00Z\"")};
    return clock.freeze_at(*at);
  }
  if (key == "freeze" || key == "real") {
    if (value != json(true)) return Unexpected{refused(key + " must be true")};
    return key == "freeze" ? clock.freeze() : clock.real();
  }
  return Unexpected{refused("unknown key '" + key + "'")};
}

json clock_json(const ClockReading& r) {
  return json{{"now", format_time(r.now_ms)},
              {"now_ms", r.now_ms},
              {"mode", std::string(to_string(r.mode))},
              {"offset_ms", r.offset_ms}};
}

}  // namespace bis::mock::http
