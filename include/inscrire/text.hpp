// Names as text: the comparison key used to match a pupil to the roster (docs/rules.md §3), the
// username part built from a roster name (docs/rules.md §2), and the checks a name passes.
//
// The key and the username part run the same pipeline: any script transliterated to Latin then
// ASCII with ICU ("Straße" -> "strasse", "Œnone" -> "oenone", "Анна" -> "anna", "王芳" ->
// "wangfang"), lower-cased, then every character outside [a-z0-9] (key) or [a-z] (username
// part) dropped.
//
// Thread safety: every function here may be called from any number of threads at once. Plain
// ASCII input never reaches ICU; other input uses a transliterator private to the calling
// thread, cloned once per thread from a prototype built once per process.
#pragma once

#include <string>
#include <string_view>

namespace inscrire {

// The comparison key of a name: [a-z0-9]*, possibly empty ("---" has an empty key).
// Throws Error(INVALID_UTF8) for invalid UTF-8.
std::string comparison_key(std::string_view name);

// The username part of a name: [a-z]*, possibly empty. Throws Error(INVALID_UTF8).
std::string username_part(std::string_view name);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view text) noexcept;

// Checks a name typed by a pupil or read from a roster. Throws Error with INVALID_UTF8,
// NAME_REQUIRED (empty or blank), INVALID_NAME_CHARACTERS (control characters, NUL, U+FFFD),
// or FIELD_TOO_LONG beyond kMaxNameCharacters (limits.hpp: 100), its detail naming `field`.
void validate_name(std::string_view name, std::string_view field = "name");

// True for text that shows the marks of a wrong decoding: invalid UTF-8, U+FFFD, C1 control
// characters, UTF-8 read as Latin-1 / windows-1252 ("CÃ©cile", "MaÃ«llys", "CÅ“ur") or as Mac
// Roman ("C√©cile"). Never true for real names ("N'golo", "Héloïse", "Læticia", "SÃO"). The
// roster readers refuse such names (docs/formats.md, "Mis-encoded names").
bool looks_mis_encoded(std::string_view utf8);

// `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text) noexcept;

// ASCII case only: other bytes (UTF-8 sequences among them) pass unchanged. For identifiers,
// codes and keywords (usernames, UAI, INE, campaign codes, encodings), never for names.
constexpr char lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char upper_ascii(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
std::string lower_ascii(std::string_view text);
std::string upper_ascii(std::string_view text);
// True when every byte is an ASCII digit (or an ASCII upper-case letter); true for "".
bool is_ascii_digits(std::string_view text) noexcept;
bool is_ascii_upper(std::string_view text) noexcept;

}  // namespace inscrire
