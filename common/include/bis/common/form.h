#pragma once
// HTML form bodies: application/x-www-form-urlencoded and multipart/form-data, both ways.
// Parsing is strict (malformed input is an error that says where), keeps field order and
// keeps repeated fields, so a server can reject what a lenient parser would paper over.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::form {

struct Field {
  std::string name;
  std::string value;
  // multipart only
  std::optional<std::string> filename;
  std::optional<std::string> content_type;
};
using Fields = std::vector<Field>;

// Decodes a urlencoded body ('+' is a space, %XX a byte). A '%' not followed by two hex
// digits is an error naming its offset. Empty segments ("a=1&&b=2") are skipped; a segment
// without '=' is a field with an empty value.
Expected<Fields, std::string> parse_urlencoded(std::string_view body);

// Percent-decodes one component (same rules as above).
Expected<std::string, std::string> percent_decode(std::string_view s, bool plus_is_space = true);

// Encodes bytes for a urlencoded body or a query: unreserved characters stay, space becomes
// '+', everything else %XX (upper case).
std::string url_encode(std::string_view s);
std::string encode_urlencoded(const Fields& fields);

// The media type of a Content-Type value, lower case, without parameters.
std::string media_type(std::string_view content_type);

// The boundary parameter of a multipart/form-data Content-Type, unquoted; nullopt if the
// content type is not multipart/form-data or has no usable boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Parses a multipart/form-data body (RFC 7578): CRLF line ends, every part with a
// Content-Disposition of form-data and a name, and a closing delimiter.
Expected<Fields, std::string> parse_multipart(std::string_view body, std::string_view boundary);

// Encodes fields as multipart/form-data with `boundary` (which must not occur in any value).
std::string encode_multipart(const Fields& fields, std::string_view boundary);

// The first field named `name`, or nullptr.
const Field* find(const Fields& fields, std::string_view name);

}  // namespace bis::form
