#include "escape.h"

#include <cctype>
#include <cstdint>

#include "bis/common/text.h"

namespace bis::reports {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool hidden_code_point(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFFFE || cp == 0xFFFF;
}

void append_byte_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
  }
}

void append_code_point_escape(std::string& out, uint32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 0xF]);
}

// The one scanner behind every format. Printable ASCII for which `special(c)` is false is
// copied in runs; `emit(out, c)` writes the special ones (and kept newlines/tabs); everything
// else is made visible here.
template <class Special, class Emit>
void sanitize(std::string& out, std::string_view s, Keep keep, Special special, Emit emit) {
  size_t run = 0;
  const auto flush = [&](size_t i) { out.append(s.substr(run, i - run)); };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && !special(static_cast<char>(c))) {
      ++i;
      continue;
    }
    flush(i);
    if (c >= 0x20 && c < 0x7F) {
      emit(out, static_cast<char>(c));
      ++i;
    } else if (c < 0x80) {
      if ((c == '\n' || c == '\t') && keep == Keep::kNewlines) {
        emit(out, static_cast<char>(c));
      } else {
        append_byte_escape(out, c);
      }
      ++i;
    } else {
      uint32_t cp = 0;
      const size_t len = decode_utf8(s, i, cp);
      if (len == 0) {
        append_byte_escape(out, c);
        ++i;
      } else {
        if (hidden_code_point(cp)) {
          append_code_point_escape(out, cp);
        } else {
          out.append(s.substr(i, len));
        }
        i += len;
      }
    }
    run = i;
  }
  flush(s.size());
}

}  // namespace

void append_printable(std::string& out, std::string_view s, Keep keep) {
  sanitize(
      out, s, keep, [](char) { return false; }, [](std::string& o, char c) { o.push_back(c); });
}

std::string printable(std::string_view s, Keep keep) {
  std::string out;
  out.reserve(s.size());
  append_printable(out, s, keep);
  return out;
}

namespace {
// & < > as entities (XML, HTML and GitHub Markdown alike); false for any other character.
bool append_entity(std::string& o, char c) {
  switch (c) {
    case '&':
      o += "&amp;";
      return true;
    case '<':
      o += "&lt;";
      return true;
    case '>':
      o += "&gt;";
      return true;
    default:
      return false;
  }
}
}  // namespace

void append_xml(std::string& out, std::string_view s, bool newlines) {
  const auto special = [](char c) {
    return c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
  };
  sanitize(out, s, Keep::kNewlines, special, [newlines](std::string& o, char c) {
    if (append_entity(o, c)) return;
    switch (c) {
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      case '\n':
        if (newlines)
          o.push_back(c);
        else
          o += "&#10;";
        break;
      case '\t':
        if (newlines)
          o.push_back(c);
        else
          o += "&#9;";
        break;
      default:
        o.push_back(c);
    }
  });
}

void append_markdown_cell(std::string& out, std::string_view s) {
  const auto special = [](char c) {
    return std::string_view("&<>\\`*_[]~|@").find(c) != std::string_view::npos;
  };
  sanitize(out, s, Keep::kNewlines, special, [](std::string& o, char c) {
    if (append_entity(o, c)) return;
    switch (c) {
      case '@': {
        // "@someone" in a pull-request comment or job summary notifies them: GitHub takes an
        // @ after any non-word character for a mention. A word joiner after the @ breaks it and
        // stays invisible. An @ right after a letter, digit or _ (an email address) mentions
        // nobody and stays as it is, so addresses can be copied.
        const char before = o.empty() ? ' ' : o.back();
        const bool in_word = std::isalnum(static_cast<unsigned char>(before)) || before == '_';
        o += in_word ? "@" : "@\xE2\x81\xA0";
        break;
      }
      case '\n':
        o += "<br>";
        break;
      case '\t':
        o.push_back(' ');
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '~':
      case '|':
        o.push_back('\\');
        o.push_back(c);
        break;
      default:
        o.push_back(c);
    }
  });
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) |
                       (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string one_line(std::string_view s, size_t max) {
  const std::string p = printable(s, Keep::kNothing);
  size_t count = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if ((static_cast<unsigned char>(p[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (count == max) return p.substr(0, i) + "\xE2\x80\xA6";
    ++count;
  }
  return p;
}

}  // namespace bis::reports
