#pragma once
// Small text helpers shared by the modules.
#include <span>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bis {

// The candidate closest to `word` by edit distance, if it is close enough to be a likely
// typo (distance <= max(2, size/3)); empty otherwise. Used for "did you mean".
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" with closest_match's answer, or "" when nothing is close: the tail of
// every "unknown ..." message.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// The same when a candidate is close, else " (known: a, b, c)": the tail of an "unknown ..."
// message about a short, closed list (control actions, observations, endpoints, platforms).
std::string known_or_did_you_mean(std::string_view word, std::span<const std::string_view> candidates);
std::string known_or_did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Levenshtein distance with adjacent transpositions counted as one edit.
size_t edit_distance(std::string_view a, std::string_view b);

// ASCII lower-casing (the API compares emails case-insensitively in ASCII).
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Decodes the well-formed UTF-8 sequence at s[i] into `cp`; returns its length in bytes, or 0
// if it is malformed (then `cp` is unspecified). `i` must be < s.size().
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp);

// Appends `s` to `out` as a JSON string literal (quotes included). Invalid UTF-8 bytes are
// replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);

}  // namespace bis
