#pragma once
// Making target bytes safe for each output format. Everything a target sends (bodies, headers,
// error texts) may be invalid UTF-8 or carry control characters, markup or terminal escapes;
// these functions turn any byte string into text that cannot break or inject into the output.
// All of them append to `out`, are pure and thread-safe, and never fail.
#include <string>
#include <string_view>

namespace bis::reports {

// Visible, valid UTF-8: invalid bytes and C0 controls become "\xNN" ("\n", "\r", "\t" for
// those, unless kept), DEL and C1 controls, bidi overrides (U+202A-E, U+2066-9) and the
// non-characters U+FFFE/U+FFFF become "\uNNNN". Everything else is copied.
enum class Keep { kNothing, kNewlines };  // kNewlines keeps '\n' and '\t' as they are
void append_printable(std::string& out, std::string_view s, Keep keep = Keep::kNewlines);
std::string printable(std::string_view s, Keep keep = Keep::kNewlines);

// XML 1.0 character data or attribute value: printable() plus &, <, >, ", ' as entities.
// In attributes (newlines = false) '\n' and '\t' become character references so they survive
// attribute-value normalisation.
void append_xml(std::string& out, std::string_view s, bool newlines = true);

// HTML text or attribute value: same escaping as XML (the HTML report is also well-formed XML).
inline void append_html(std::string& out, std::string_view s) { append_xml(out, s); }

// One Markdown table cell (GitHub Flavored Markdown): one line (newlines become "<br>"), HTML
// special characters as entities, and \ ` * _ [ ] ~ | backslash-escaped, so no cell can end the
// table, open a code span or emit markup.
void append_markdown_cell(std::string& out, std::string_view s);

// Standard base64 (RFC 4648, with padding), for raw bodies that are not UTF-8.
std::string base64(std::string_view bytes);

// The first `max` code points of printable(s) (one line), with "…" when cut.
std::string one_line(std::string_view s, size_t max);

}  // namespace bis::reports
