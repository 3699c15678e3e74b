// Internal to the roster readers: the checks both formats share, and how they report errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "inscrire/error.hpp"
#include "inscrire/roster.hpp"

namespace inscrire::detail {

// Checks one name field (already trimmed, UTF-8). Returns the error code or nothing:
// NAME_REQUIRED (empty and `required`), FIELD_TOO_LONG (over 100 characters),
// INVALID_NAME_CHARACTERS (invalid UTF-8, control characters, U+FFFD, mojibake).
std::optional<ErrorCode> check_name(std::string_view name, bool required);

// Checks a division (already collapsed, UTF-8): FIELD_TOO_LONG over 32 characters,
// INVALID_VALUE with a control character (docs/rules.md §6, as for a division an admin types).
std::optional<ErrorCode> check_division(std::string_view division);

// DD/MM/YYYY exactly: both exports write no other shape, anything else is a damaged file (a
// date of that shape may still be invalid: BirthDate decides).
bool is_french_date_shape(std::string_view text) noexcept;

// Collapses runs of white space inside `text` into one space (divisions: "5  A" -> "5 A").
std::string collapse_spaces(std::string_view text);

// An error about the file as a whole (or a line of it, for CSV).
inline RosterError file_error(ErrorCode code, std::string detail, std::string field = {},
                              int line = 0) {
  return RosterError{code, {}, {}, line, std::move(field), std::move(detail)};
}

// A file refused as a whole: no entry, this one error.
inline ParsedRoster refused(RosterError error) {
  ParsedRoster result;
  result.errors.push_back(std::move(error));
  return result;
}

}  // namespace inscrire::detail
